"""Conversion and velocity figures from the stage-change log. No frappe import.

A deal's path is its moves in time order (the first one is its creation: from nothing to its first
stage). From the paths of the deals in a scope:

- stage-to-win rate of a stage: among the decided deals (finally Won or Lost) that reached the stage,
  the share that was won;
- time in a stage: from entering it to the next move, for every stay that ended (a deal still in the
  stage does not count yet); its median and 80th percentile;
- cycle length: average days from creation to signature of the won deals;
- win rate: won / decided deals; average won amount: mean amount of the won deals when won.

Each figure comes with the number of deals (or stays) it rests on and is None below `min_sample`."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise

OPEN, WON, LOST = "Open", "Won", "Lost"
DAY_SECONDS = 86400.0


@dataclass(frozen=True)
class Move:
	at: datetime
	stage: str | None
	status: str | None
	amount: float = 0.0


@dataclass(frozen=True)
class Figure:
	value: float | None
	sample: int

	def as_dict(self) -> dict:
		return {"value": self.value, "sample": self.sample}


@dataclass
class StageFigures:
	stage: str
	reached: int = 0
	won: int = 0
	rate: Figure = field(default_factory=lambda: Figure(None, 0))
	median_days: Figure = field(default_factory=lambda: Figure(None, 0))
	p80_days: Figure = field(default_factory=lambda: Figure(None, 0))


@dataclass
class Stats:
	stages: dict[str, StageFigures]
	cycle_days: Figure
	win_rate: Figure
	avg_won_amount: Figure
	deals: int
	min_sample: int


def deal_paths(rows: Iterable[Mapping]) -> dict[str, list[Move]]:
	"""Group log rows (opportunity, changed_on, to_stage, to_status, amount) into time-ordered paths."""
	paths: dict[str, list[Move]] = {}
	for row in rows:
		paths.setdefault(row["opportunity"], []).append(
			Move(row["changed_on"], row.get("to_stage"), row.get("to_status"), float(row.get("amount") or 0))
		)
	for moves in paths.values():
		moves.sort(key=lambda m: m.at)
	return paths


def percentile(values: list[float], q: float) -> float | None:
	"""The q-th percentile (0 ≤ q ≤ 100) with linear interpolation between closest ranks (as
	numpy's default); None for no values."""
	if not values:
		return None
	if not 0 <= q <= 100:
		raise ValueError("q must be within [0, 100]")
	ordered = sorted(values)
	position = (len(ordered) - 1) * q / 100
	low = int(position)
	high = min(low + 1, len(ordered) - 1)
	return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def shown(value: float | None, sample: int, min_sample: int) -> Figure:
	return Figure(value if sample >= max(min_sample, 1) else None, sample)


def days_between(start: datetime, end: datetime) -> float:
	return max((end - start).total_seconds(), 0.0) / DAY_SECONDS


def in_period(moment: datetime, start: date | datetime | None, end: date | datetime | None) -> bool:
	day = moment.date() if isinstance(moment, datetime) else moment
	start = start.date() if isinstance(start, datetime) else start
	end = end.date() if isinstance(end, datetime) else end
	return (start is None or day >= start) and (end is None or day <= end)


def closing(moves: list[Move]) -> Move | None:
	"""The move that decided a deal (its last one, when it left it Won or Lost)."""
	last = moves[-1] if moves else None
	return last if last and last.status in (WON, LOST) else None


def stays(moves: list[Move]) -> list[tuple[str, float, datetime]]:
	"""(stage, days, left at) of every ended stay in an open stage."""
	ended = []
	for current, following in pairwise(moves):
		if current.stage and current.status == OPEN and following.stage != current.stage:
			ended.append((current.stage, days_between(current.at, following.at), following.at))
	return ended


def compute_stats(
	paths: Mapping[str, list[Move]],
	stages: Iterable[str],
	min_sample: int = 10,
	start: date | datetime | None = None,
	end: date | datetime | None = None,
) -> Stats:
	"""Figures of `stages` (ids, in display order) over the deals decided — and the stays ended — within
	[start, end] (either may be None)."""
	figures = {stage: StageFigures(stage) for stage in stages}
	durations: dict[str, list[float]] = {stage: [] for stage in figures}
	decided = won = 0
	cycles: list[float] = []
	won_amounts: list[float] = []
	for moves in paths.values():
		if not moves:
			continue
		for stage, days, left_at in stays(moves):
			if stage in durations and in_period(left_at, start, end):
				durations[stage].append(days)
		last = closing(moves)
		if not last or not in_period(last.at, start, end):
			continue
		decided += 1
		is_won = last.status == WON
		if is_won:
			won += 1
			cycles.append(days_between(moves[0].at, last.at))
			won_amounts.append(last.amount)
		for stage in {m.stage for m in moves if m.stage in figures}:
			figures[stage].reached += 1
			figures[stage].won += is_won
	for stage, fig in figures.items():
		fig.rate = shown(fig.won / fig.reached if fig.reached else None, fig.reached, min_sample)
		values = durations[stage]
		fig.median_days = shown(percentile(values, 50), len(values), min_sample)
		fig.p80_days = shown(percentile(values, 80), len(values), min_sample)
	return Stats(
		stages=figures,
		cycle_days=shown(sum(cycles) / len(cycles) if cycles else None, len(cycles), min_sample),
		win_rate=shown(won / decided if decided else None, decided, min_sample),
		avg_won_amount=shown(
			sum(won_amounts) / len(won_amounts) if won_amounts else None, len(won_amounts), min_sample
		),
		deals=decided,
		min_sample=min_sample,
	)


def learned_rates(stats: Stats) -> dict[str, float]:
	"""Stage -> observed stage-to-win rate, for the stages whose rate is shown."""
	return {stage: fig.rate.value for stage, fig in stats.stages.items() if fig.rate.value is not None}
