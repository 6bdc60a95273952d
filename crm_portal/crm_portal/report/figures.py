"""Report maths (pure, no frappe import): the previous period of a period, variations, averages and the
recurring / one-off split of won amounts. Used by the Pipeline by stage, Wins and Activity reports."""

from __future__ import annotations

import calendar
import math
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


# --- how figures are written ------------------------------------------------------------------------
# The Python twin of crm_portal/public/js/logic/formatting.mjs, for what the server draws (portal pages,
# workspace number cards): both give the examples of tests/formatting_cases.json.

NBSP = "\u00a0"


def _round_to(value: float, digits: int) -> float:
	"""JavaScript's Math.round (half towards +inf) to `digits` decimals, as formatting.mjs rounds."""
	factor = 10**digits
	return math.floor(value * factor + 0.5) / factor


def _number(value, default: float = 0.0) -> float:
	try:
		number = float(value)
	except (TypeError, ValueError):
		return default
	return number if math.isfinite(number) else default


def _french_number(value: float, digits: int) -> str:
	text = f"{abs(value):,.{digits}f}"
	whole, _, decimals = text.partition(".")
	sign = "-" if value < 0 and float(text.replace(",", "")) != 0 else ""
	return sign + whole.replace(",", NBSP) + (f",{decimals}" if decimals else "")


def _short_decimal(value: float) -> str:
	"""12.0 → "12", 2.5 → "2,5" (as JavaScript's String() writes a rounded number)."""
	value = value + 0.0  # no "-0"
	return (str(int(value)) if value == int(value) else repr(value)).replace(".", ",")


def format_amount_short(amount, currency_symbol: str = "€") -> str:
	"""15000 → "15 k€", 1250000 → "1,3 M€", 950 → "950 €" (French separators, non-breaking spaces)."""
	value = _number(amount)
	scaled, unit = value, ""
	if abs(value) >= 1e6:
		scaled, unit = value / 1e6, "M"
	elif abs(value) >= 1e3:
		scaled, unit = value / 1e3, "k"
	rounded = _round_to(scaled, 1)
	digits = 1 if unit and abs(scaled) < 10 and rounded != int(rounded) else 0
	text = f"{_round_to(scaled, digits):.{digits}f}".replace(".", ",")
	return f"{text}{NBSP}{unit}{currency_symbol}"


def format_amount(amount, currency_symbol: str = "€") -> str:
	"""A whole amount: 43000 → "43 000 €", 455.5 → "455,50 €" (cents only when there are some)."""
	value = _round_to(_number(amount), 2)
	return f"{_french_number(value, 0 if value == int(value) else 2)}{NBSP}{currency_symbol}"


def format_days(days) -> str:
	"""Days with at most one decimal: 12 → "12 j", 2.5 → "2,5 j"."""
	return f"{_short_decimal(_round_to(_number(days), 1))}{NBSP}j"


def format_percent(percent) -> str:
	"""A percentage with at most one decimal: 10 → "10 %", 12.5 → "12,5 %"."""
	return f"{_short_decimal(_round_to(_number(percent), 1))}{NBSP}%"


def column_header(amount=0, days=0, count=0, currency_symbol: str = "€") -> str:
	"""The Kanban column header of the seeds: "15 k€ - 12 j (1)"."""
	return f"{format_amount_short(amount, currency_symbol)} - {format_days(days)} ({int(_number(count))})"
