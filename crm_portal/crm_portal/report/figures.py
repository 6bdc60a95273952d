"""Report maths (pure, no frappe import): the previous period of a period, variations, averages and the
recurring / one-off split of won amounts. Used by the Pipeline by stage, Wins and Activity reports."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta

ONE_OFF = "One-off"
RECURRENCES = (ONE_OFF, "Monthly", "Quarterly", "Yearly")


def _last_day(year: int, month: int) -> date:
	return date(year, month, calendar.monthrange(year, month)[1])


def _shift_months(year: int, month: int, delta: int) -> tuple[int, int]:
	index = year * 12 + month - 1 + delta
	return index // 12, index % 12 + 1


def previous_period(start: date, end: date) -> tuple[date, date]:
	"""The period of the same length just before [start, end] (both included).

	Whole months (from the 1st to a month's last day) step back by as many calendar months, so
	November's previous period is October and a quarter's is the quarter before; any other period steps
	back by its number of days."""
	if end < start:
		raise ValueError("the period ends before it starts")
	if start.day == 1 and end == _last_day(end.year, end.month):
		months = (end.year - start.year) * 12 + end.month - start.month + 1
		first = _shift_months(start.year, start.month, -months)
		last = _shift_months(end.year, end.month, -months)
		return date(first[0], first[1], 1), _last_day(*last)
	length = (end - start).days + 1
	return start - timedelta(days=length), start - timedelta(days=1)


def variation(current: float, previous: float) -> float | None:
	"""Change from `previous` to `current` in percent; None when there was nothing before."""
	if not previous:
		return None
	return round((current - previous) / abs(previous) * 100, 1)


def average(total: float, count: int) -> float:
	return round(total / count, 2) if count else 0.0


def split_recurring(lines: Iterable[tuple[str | None, float]]) -> tuple[float, float]:
	"""(recurring, one-off) totals of estimate lines given as (recurrence, amount); an empty recurrence is
	one-off, as the line's default."""
	recurring = one_off = 0.0
	for recurrence, amount in lines:
		if recurrence and recurrence != ONE_OFF:
			recurring += amount or 0
		else:
			one_off += amount or 0
	return recurring, one_off


def activity_counts(open_count: int, late_count: int, done_count: int) -> dict[str, int]:
	"""Done / planned / late of a user's actions: open ones split by whether they are late."""
	if late_count > open_count:
		raise ValueError("more late actions than open ones")
	planned = open_count - late_count
	return {"done": done_count, "planned": planned, "late": late_count, "total": done_count + open_count}
