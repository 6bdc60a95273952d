"""Calendar maths for the board and the signature calendar (pure, no frappe import)."""

from __future__ import annotations

import calendar
from datetime import date

PERIODS = ("month", "quarter", "semester", "year")


def period_bounds(day: date, period: str) -> tuple[date, date]:
	"""First and last day of the month / quarter / semester / year containing `day`."""
	months = {"month": 1, "quarter": 3, "semester": 6, "year": 12}[period]
	first_month = (day.month - 1) // months * months + 1
	last_month = first_month + months - 1
	return date(day.year, first_month, 1), last_day(day.year, last_month)


def last_day(year: int, month: int) -> date:
	return date(year, month, calendar.monthrange(year, month)[1])


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
	index = year * 12 + (month - 1) + delta
	return index // 12, index % 12 + 1


def month_key(day: date | None) -> str | None:
	"""'2026-03' for a date in March 2026; None for no date (the calendar's "Sans date" column)."""
	return f"{day.year:04d}-{day.month:02d}" if day else None


def month_range(year: int, month: int, count: int) -> list[tuple[int, int]]:
	"""`count` consecutive (year, month) pairs starting at year-month."""
	return [add_months(year, month, i) for i in range(count)]
