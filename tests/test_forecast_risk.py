"""Deals at risk (crm_portal/forecast/risk.py)."""

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from crm_portal.forecast.risk import CODES, NO_ACTION, OVERDUE, STUCK, DealState, risk_reasons

NOW = datetime(2026, 11, 30, 12, 0)


def deal(**overrides) -> DealState:
	values = {
		"status": "Open",
		"expected_signature_date": date(2026, 12, 31),
		"created": NOW - timedelta(days=5),
		"last_action_on": None,
		"next_action_date": None,
		"stage": "QUAL",
		"stage_since": NOW - timedelta(days=5),
	}
	values.update(overrides)
	return DealState(**values)


def test_healthy_deal():
	assert risk_reasons(deal(), NOW, 30, {"QUAL": 10}) == []


def test_overdue_only_while_open():
	assert risk_reasons(deal(expected_signature_date=date(2026, 11, 29)), NOW, 30, {}) == [OVERDUE]
	assert risk_reasons(deal(expected_signature_date=date(2026, 11, 30)), NOW, 30, {}) == []
	assert risk_reasons(deal(status="Won", expected_signature_date=date(2020, 1, 1)), NOW, 30, {}) == []


def test_no_action_counts_done_and_planned_actions():
	old = NOW - timedelta(days=60)
	assert risk_reasons(deal(created=old), NOW, 30, {}) == [NO_ACTION]
	assert risk_reasons(deal(created=old, last_action_on=NOW - timedelta(days=3)), NOW, 30, {}) == []
	assert risk_reasons(deal(created=old, next_action_date=NOW + timedelta(days=3)), NOW, 30, {}) == []
	assert risk_reasons(deal(created=old), NOW, 0, {}) == []  # 0: rule off


def test_stuck_beyond_the_stage_p80():
	assert risk_reasons(deal(stage_since=NOW - timedelta(days=20)), NOW, 30, {"QUAL": 10}) == [STUCK]
	assert risk_reasons(deal(stage_since=NOW - timedelta(days=9)), NOW, 30, {"QUAL": 10}) == []
	assert risk_reasons(deal(stage_since=NOW - timedelta(days=90)), NOW, 30, {}) == []  # p80 unknown


@given(
	st.sampled_from(["Open", "Won", "Lost"]),
	st.integers(-100, 100),
	st.integers(0, 200),
	st.integers(0, 200),
	st.integers(0, 60),
	st.floats(0, 100),
)
def test_reasons_are_known_codes_in_order(status, due, created, since, days, p80):
	reasons = risk_reasons(
		deal(
			status=status,
			expected_signature_date=NOW.date() + timedelta(days=due),
			created=NOW - timedelta(days=created),
			stage_since=NOW - timedelta(days=since),
		),
		NOW,
		days,
		{"QUAL": p80},
	)
	assert reasons == [c for c in CODES if c in reasons]
	if status != "Open":
		assert reasons == []
