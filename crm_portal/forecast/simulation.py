"""The signature forecast: expected signed amount per month and its P10-P90 range. No frappe import.

Each open deal signs with its stage's win rate, in the month where it is expected (its expected
signature date slipped by the observed delay, placed by the caller as a month index: 0 = this month;
past dates count in this month, months beyond the horizon are left out). The expected amount of a month
is the sum of amount x rate of its deals. The range comes from a seeded Monte-Carlo simulation, so the
same data always gives the same figures: each run draws every deal's signature (won with probability
`rate`); the `exact_deals` largest deals are drawn one by one, the many small others through the normal
law of their sum (same mean and variance: the central limit theorem), which keeps a 100 000-deal
pipeline fast. P10 / P90: the 10th and 90th percentiles of the runs' totals."""

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from crm_portal.forecast.stats import percentile

DEFAULT_SEED = 20261130
DEFAULT_RUNS = 500
EXACT_DEALS = 200


@dataclass(frozen=True)
class OpenDeal:
	name: str
	amount: float
	rate: float  # probability of signing, within [0, 1]
	month: int  # months from now (0 = this month; negative = late, counted this month)


@dataclass(frozen=True)
class DealGroup:
	"""Many small deals of one month, summed: mean = sum of amount x rate, variance = sum of
	amount^2 x rate x (1 - rate) (what their total's normal law needs; the caller sums in SQL)."""

	month: int
	mean: float
	variance: float


def month_slot(deal: OpenDeal | DealGroup, months: int) -> int | None:
	"""The month index a deal counts in, None when beyond the horizon."""
	slot = max(deal.month, 0)
	return slot if slot < months else None


def clamp_rate(rate: float) -> float:
	return min(max(float(rate or 0), 0.0), 1.0)


def expected_by_month(
	deals: Iterable[OpenDeal], months: int, groups: Iterable[DealGroup] = ()
) -> list[float]:
	totals = [0.0] * months
	for deal in deals:
		slot = month_slot(deal, months)
		if slot is not None:
			totals[slot] += max(deal.amount, 0.0) * clamp_rate(deal.rate)
	for group in groups:
		slot = month_slot(group, months)
		if slot is not None:
			totals[slot] += max(group.mean, 0.0)
	return totals


def simulate(
	deals: Sequence[OpenDeal],
	months: int,
	runs: int = DEFAULT_RUNS,
	seed: int = DEFAULT_SEED,
	exact_deals: int = EXACT_DEALS,
	groups: Sequence[DealGroup] = (),
) -> list[list[float]]:
	"""Per month, the signed total of each run (`runs` values)."""
	rng = random.Random(seed)
	placed = [
		(slot, max(d.amount, 0.0), clamp_rate(d.rate))
		for d in deals
		if (slot := month_slot(d, months)) is not None and d.amount > 0 and d.rate > 0
	]
	placed.sort(key=lambda p: (-p[1], p[0]))
	exact = [p for p in placed[:exact_deals] if p[2] < 1]
	certain = [0.0] * months  # deals sure to sign (rate 1) add no spread
	for slot, amount, rate in placed[:exact_deals]:
		if rate >= 1:
			certain[slot] += amount
	mean = [0.0] * months
	variance = [0.0] * months
	for slot, amount, rate in placed[exact_deals:]:
		mean[slot] += amount * rate
		variance[slot] += amount * amount * rate * (1 - rate)
	for group in groups:
		if (slot := month_slot(group, months)) is not None:
			mean[slot] += max(group.mean, 0.0)
			variance[slot] += max(group.variance, 0.0)
	spread = [math.sqrt(v) for v in variance]
	results = [[0.0] * runs for _ in range(months)]
	draw = rng.random
	gauss = rng.gauss
	for run in range(runs):
		totals = list(certain)
		for slot, amount, rate in exact:
			if draw() < rate:
				totals[slot] += amount
		for slot in range(months):
			if variance[slot]:
				totals[slot] += gauss(mean[slot], spread[slot])
			else:
				totals[slot] += mean[slot]
			results[slot][run] = totals[slot]
	return results


def forecast(
	deals: Sequence[OpenDeal],
	months: int,
	runs: int = DEFAULT_RUNS,
	seed: int = DEFAULT_SEED,
	exact_deals: int = EXACT_DEALS,
	groups: Sequence[DealGroup] = (),
) -> list[dict]:
	"""Per month: expected, p10, p50 and p90 (p10 ≤ p50 ≤ p90, none below 0). `deals` one by one (the
	largest ones), `groups` summed (the many small ones)."""
	expected = expected_by_month(deals, months, groups)
	runs_by_month = (
		simulate(deals, months, runs, seed, exact_deals, groups) if runs > 0 else [[e] for e in expected]
	)
	out = []
	for slot in range(months):
		values = runs_by_month[slot]
		p10, p50, p90 = (max(percentile(values, q), 0.0) for q in (10, 50, 90))
		out.append({"expected": expected[slot], "p10": p10, "p50": p50, "p90": p90})
	return out


def months_between(year: int, month: int, other_year: int, other_month: int) -> int:
	"""Month index of (other_year, other_month) counted from (year, month)."""
	return (other_year - year) * 12 + (other_month - month)
