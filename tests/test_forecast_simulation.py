"""The signature forecast (crm_portal/forecast/simulation.py): expected values, seeded ranges."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_portal.forecast.simulation import DealGroup, OpenDeal, expected_by_month, forecast, simulate

deals_strategy = st.lists(
	st.builds(
		OpenDeal,
		name=st.text(max_size=3),
		amount=st.floats(0, 1e6),
		rate=st.floats(0, 1),
		month=st.integers(-3, 8),
	),
	max_size=40,
)


def test_expected_places_deals_in_their_month():
	deals = [
		OpenDeal("a", 1000, 0.5, 0),
		OpenDeal("b", 2000, 0.25, 2),
		OpenDeal("late", 100, 1.0, -4),  # past date: this month
		OpenDeal("far", 9999, 1.0, 6),  # beyond the horizon
	]
	assert expected_by_month(deals, 3) == [600, 0, 500]


@settings(max_examples=100, deadline=None)
@given(deals_strategy, st.integers(1, 6), st.integers(0, 2**32))
def test_range_ordered_and_reproducible(deals, months, seed):
	rows = forecast(deals, months, runs=200, seed=seed, exact_deals=10)
	assert len(rows) == months
	for row in rows:
		assert 0 <= row["p10"] <= row["p50"] <= row["p90"]
		assert row["expected"] >= 0
	assert rows == forecast(deals, months, runs=200, seed=seed, exact_deals=10)


@settings(max_examples=30, deadline=None)
@given(deals_strategy)
def test_simulation_mean_converges_to_expected(deals):
	months = 4
	runs = 4000
	expected = expected_by_month(deals, months)
	totals = simulate(deals, months, runs=runs, seed=11, exact_deals=15)
	for slot in range(months):
		mean = sum(totals[slot]) / runs
		# standard deviation of a month's total, at most sqrt(sum a^2 p (1-p)) <= sqrt(sum a^2) / 2
		spread = sum(d.amount**2 for d in deals if d.rate > 0 and min(max(d.month, 0), 99) == slot) ** 0.5
		assert mean == pytest.approx(expected[slot], abs=6 * spread / runs**0.5 + 1e-6)


def test_expected_within_range_for_a_broad_pipeline():
	deals = [OpenDeal(str(i), 1000 + 37 * i, 0.2 + (i % 7) / 10, i % 3) for i in range(600)]
	for row in forecast(deals, 3, runs=500, exact_deals=100):
		assert row["p10"] <= row["expected"] <= row["p90"]
		assert row["p10"] < row["p90"]


def test_certain_and_impossible_deals_have_no_spread():
	deals = [OpenDeal("sure", 500, 1.0, 0), OpenDeal("never", 800, 0.0, 0)]
	(row,) = forecast(deals, 1, runs=50)
	assert row["expected"] == row["p10"] == row["p90"] == 500


def test_summed_small_deals_give_the_same_figures():
	"""The API sums the many small deals (their mean and variance) instead of drawing each one."""
	small = [OpenDeal(str(i), 100, 0.5, 0) for i in range(400)]
	group = DealGroup(0, mean=400 * 100 * 0.5, variance=400 * 100**2 * 0.25)
	(one_by_one,) = forecast(small, 1, runs=2000, exact_deals=400)
	(summed,) = forecast([], 1, runs=2000, groups=[group])
	assert summed["expected"] == one_by_one["expected"] == 20000
	for key in ("p10", "p90"):
		assert summed[key] == pytest.approx(one_by_one[key], rel=0.02)
	assert summed["p10"] < 20000 < summed["p90"]
