"""Stage rule resolution, weighting and estimate totals (pure, no Frappe)."""

import pytest

from crm_portal.pipeline import rules
from crm_portal.pipeline.rules import EstimateLine, Requirement, Stage

OPP, ACC = rules.TARGET_OPPORTUNITY, rules.TARGET_ACCOUNT

IDENT = Stage("ident", 1, "Open", (Requirement(OPP, "bu"),))
QUALIF = Stage("qualif", 2, "Open", (Requirement(OPP, "offer"), Requirement(ACC, "siren")))
PROPOSAL = Stage("proposal", 3, "Open", (Requirement(OPP, "amount"), Requirement(OPP, "bu")))
WON = Stage("won", 10, "Won", (Requirement(OPP, "signed_on"),))
LOST = Stage("lost", 11, "Lost", (Requirement(OPP, "lost_reason"),))
ALL = [LOST, PROPOSAL, WON, IDENT, QUALIF]  # deliberately unordered


def names(stages):
	return [s.name for s in stages]


def test_first_stage_is_lowest_open_position():
	assert rules.first_stage(ALL).name == "ident"
	assert rules.first_stage([WON, LOST]).name == "won"
	assert rules.first_stage([]) is None


def test_open_target_chains_every_earlier_open_stage():
	assert names(rules.stages_to_satisfy(ALL, "proposal")) == ["ident", "qualif", "proposal"]
	assert names(rules.stages_to_satisfy(ALL, "ident")) == ["ident"]


def test_won_target_passes_through_every_open_stage():
	assert names(rules.stages_to_satisfy(ALL, "won")) == ["ident", "qualif", "proposal", "won"]


def test_lost_target_needs_only_its_own_requirements():
	assert names(rules.stages_to_satisfy(ALL, "lost")) == ["lost"]


def test_missing_fields_reported_per_stage_once():
	values = {OPP: {"bu": "", "offer": "X", "amount": 0}, ACC: {"siren": None}}
	missing = rules.missing_by_stage(
		rules.stages_to_satisfy(ALL, "proposal"), values, {OPP: {"amount": "Currency"}}
	)
	assert [(s.name, [r.fieldname for r in reqs]) for s, reqs in missing] == [
		("ident", ["bu"]),
		("qualif", ["siren"]),
		("proposal", ["amount"]),  # bu was already reported at ident
	]


def test_nothing_missing_when_all_filled():
	values = {OPP: {"bu": "BU1", "offer": "X", "amount": 10}, ACC: {"siren": "732829320"}}
	assert rules.missing_by_stage(rules.stages_to_satisfy(ALL, "proposal"), values) == []


@pytest.mark.parametrize(
	"value,fieldtype,expected",
	[
		(None, None, False),
		("", "Data", False),
		("   ", "Data", False),
		("x", "Data", True),
		(0, "Currency", False),
		(0.0, "Float", False),
		(12, "Int", True),
		(0, "Check", False),
		(1, "Check", True),
		([], "Table MultiSelect", False),
		([{"x": 1}], "Table MultiSelect", True),
		("2026-01-31", "Date", True),
	],
)
def test_is_filled(value, fieldtype, expected):
	assert rules.is_filled(value, fieldtype) is expected


def test_weighted():
	assert rules.weighted(15000, 40) == 6000
	assert rules.weighted(12, 25) == 3
	assert rules.weighted(None, 50) == 0
	assert rules.weighted(100, None) == 0


def test_line_amount_by_mode():
	assert rules.line_amount(EstimateLine(rules.ESTIMATE_QUANTITY, quantity=3, unit_price=250)) == 750
	assert rules.line_amount(EstimateLine(rules.ESTIMATE_DAYS, days=4, unit_price=800)) == 3200
	assert rules.line_amount(EstimateLine(rules.ESTIMATE_AMOUNT, amount=999.999, unit_price=5)) == 1000


def test_estimate_totals_sum_amounts_and_days():
	lines = [
		EstimateLine(rules.ESTIMATE_DAYS, days=10, unit_price=700),
		EstimateLine(rules.ESTIMATE_QUANTITY, quantity=2, unit_price=1500, days=1.5),
		EstimateLine(rules.ESTIMATE_AMOUNT, amount=500),
	]
	assert rules.estimate_totals(lines) == (10500, 11.5)
	assert rules.estimate_totals([]) == (0, 0)
