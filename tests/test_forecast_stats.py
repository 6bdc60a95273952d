"""Conversion and velocity figures (crm_portal/forecast/stats.py): known answers and properties."""

import random
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_portal.forecast.stats import LOST, OPEN, WON, Move, compute_stats, deal_paths, percentile, stays

T0 = datetime(2025, 1, 1, 9, 0)
STAGES = ["QUAL", "PROP", "NEGO", "WON", "LOST"]
TYPES = {"QUAL": OPEN, "PROP": OPEN, "NEGO": OPEN, "WON": WON, "LOST": LOST}


def path(*steps) -> list[Move]:
	"""steps: (days after T0, stage)."""
	return [Move(T0 + timedelta(days=d), stage, TYPES[stage], 1000.0) for d, stage in steps]


def test_known_answer():
	paths = {
		"a": path((0, "QUAL"), (10, "PROP"), (30, "WON")),
		"b": path((0, "QUAL"), (20, "PROP"), (25, "LOST")),
		"c": path((0, "QUAL"), (5, "LOST")),
		"d": path((0, "QUAL"), (40, "NEGO")),  # still open: counts for durations only
	}
	result = compute_stats(paths, STAGES, min_sample=1)
	assert result.deals == 3
	assert result.win_rate.value == pytest.approx(1 / 3)
	assert result.stages["QUAL"].reached == 3 and result.stages["QUAL"].won == 1
	assert result.stages["PROP"].rate.value == pytest.approx(0.5)
	assert result.stages["NEGO"].rate.value is None  # no decided deal reached it
	# stays in QUAL: 10, 20, 5, 40 days
	assert result.stages["QUAL"].median_days.value == pytest.approx(15)
	assert result.stages["QUAL"].p80_days.value == pytest.approx(percentile([5, 10, 20, 40], 80))
	assert result.cycle_days.value == pytest.approx(30)
	assert result.avg_won_amount.value == pytest.approx(1000)


def test_thirty_percent_of_qualification_won():
	rng = random.Random(7)
	paths = {}
	for i in range(1000):
		end = "WON" if rng.random() < 0.3 else "LOST"
		paths[str(i)] = path((0, "QUAL"), (rng.randint(1, 60), end))
	rate = compute_stats(paths, STAGES).stages["QUAL"].rate
	assert rate.sample == 1000
	assert rate.value == pytest.approx(0.30, abs=0.03)


def test_min_sample_hides_figures():
	paths = {str(i): path((0, "QUAL"), (3, "WON")) for i in range(4)}
	hidden = compute_stats(paths, STAGES, min_sample=5)
	assert hidden.stages["QUAL"].rate.value is None and hidden.stages["QUAL"].rate.sample == 4
	assert hidden.win_rate.value is None and hidden.cycle_days.value is None
	shown = compute_stats(paths, STAGES, min_sample=4)
	assert shown.stages["QUAL"].rate.value == 1 and shown.win_rate.value == 1


def test_period_counts_deals_decided_within():
	paths = {"early": path((0, "QUAL"), (5, "WON")), "late": path((0, "QUAL"), (100, "LOST"))}
	result = compute_stats(paths, STAGES, 1, start=(T0 + timedelta(days=50)).date())
	assert result.deals == 1 and result.win_rate.value == 0


def test_deal_paths_orders_moves():
	rows = [
		{"opportunity": "x", "changed_on": T0 + timedelta(days=2), "to_stage": "PROP", "to_status": OPEN},
		{"opportunity": "x", "changed_on": T0, "to_stage": "QUAL", "to_status": OPEN, "amount": 5},
	]
	assert [m.stage for m in deal_paths(rows)["x"]] == ["QUAL", "PROP"]


moves_strategy = st.lists(
	st.tuples(st.integers(0, 400), st.sampled_from(STAGES)), min_size=1, max_size=8
).map(lambda steps: path(*sorted(steps)))


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=4), moves_strategy, max_size=30), st.integers(0, 5))
def test_rates_within_unit_interval_and_percentiles_ordered(paths, min_sample):
	result = compute_stats(paths, STAGES, min_sample)
	for fig in result.stages.values():
		assert 0 <= fig.won <= fig.reached <= result.deals
		if fig.rate.value is not None:
			assert 0 <= fig.rate.value <= 1 and fig.rate.sample >= max(min_sample, 1)
		if fig.median_days.value is not None:
			assert 0 <= fig.median_days.value <= fig.p80_days.value
	if result.win_rate.value is not None:
		assert 0 <= result.win_rate.value <= 1


@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=50), st.floats(0, 100), st.floats(0, 100))
def test_percentile_monotone_and_bounded(values, q1, q2):
	low, high = sorted((q1, q2))
	assert min(values) <= percentile(values, low) <= percentile(values, high) <= max(values)


def test_percentile_empty_and_bounds():
	assert percentile([], 50) is None
	with pytest.raises(ValueError):
		percentile([1.0], 120)


def test_stays_skip_current_and_closed_stages():
	moves = path((0, "QUAL"), (4, "PROP"), (9, "WON"))
	assert [(s, d) for s, d, _at in stays(moves)] == [("QUAL", 4), ("PROP", 5)]
