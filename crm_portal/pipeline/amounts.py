"""Opportunity amounts beyond the estimate (no frappe import): best and worst case, recurring revenue.

Best and worst case are the highest and lowest revenue expected ("au mieux", "au pire" in the seed), so
worst ≤ amount ≤ best whenever they are given (0 or empty = not given). The recurring amount is per
month, over a period from a start date for a number of months (the settings' default duration when
none is given); the end date and the number of months follow each other."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

NEGATIVE = "{0} cannot be negative"
BEST_BELOW_AMOUNT = "The best case ({0}) cannot be lower than the amount ({1})"
WORST_ABOVE_AMOUNT = "The worst case ({0}) cannot be higher than the amount ({1})"
WORST_ABOVE_BEST = "The worst case ({0}) cannot be higher than the best case ({1})"
END_WITHOUT_START = "Enter the start date of the recurring revenue before its end date"
END_BEFORE_START = "The end of the recurring revenue ({0}) cannot be before its start ({1})"
NEGATIVE_MONTHS = "The duration of the recurring revenue cannot be negative"


def case_errors(amount: float, best: float | None, worst: float | None) -> list[tuple[str, tuple]]:
	"""(message, format arguments) for every broken rule; amounts are compared when given (> 0)."""
	errors = []
	amount = amount or 0
	if best and best < amount:
		errors.append((BEST_BELOW_AMOUNT, (best, amount)))
	if worst and amount and worst > amount:
		errors.append((WORST_ABOVE_AMOUNT, (worst, amount)))
	if best and worst and worst > best:
		errors.append((WORST_ABOVE_BEST, (worst, best)))
	return errors


def add_months(day: date, months: int) -> date:
	month_index = day.month - 1 + months
	year, month = day.year + month_index // 12, month_index % 12 + 1
	return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_of_period(start: date, months: int) -> date:
	"""The last day of `months` months from `start`: 1 Jan + 12 → 31 Dec."""
	return add_months(start, months) - timedelta(days=1)


def months_between(start: date, end: date) -> int:
	"""The fewest whole months from `start` whose period covers `end`: 1 Jan → 31 Dec is 12, and a
	period started is counted."""
	months = (end.year - start.year) * 12 + end.month - start.month
	while months > 0 and end_of_period(start, months - 1) >= end:
		months -= 1
	while end_of_period(start, months) < end:
		months += 1
	return months


@dataclass
class Recurring:
	amount: float = 0
	start: date | None = None
	end: date | None = None
	months: int | None = None
	total: float = 0


def recurring_errors(rec: Recurring) -> list[tuple[str, tuple]]:
	errors = []
	if rec.end and not rec.start:
		errors.append((END_WITHOUT_START, ()))
	if rec.start and rec.end and rec.end < rec.start:
		errors.append((END_BEFORE_START, (rec.end, rec.start)))
	if rec.months is not None and rec.months < 0:
		errors.append((NEGATIVE_MONTHS, ()))
	return errors


def complete_recurring(rec: Recurring, default_months: int | None, months_first: bool = False) -> Recurring:
	"""Fill the period: start + months → end, start + end → months; the default duration when only a
	start is known and there is a recurring amount. `months_first`: the user changed the duration (not
	the end) on a saved opportunity, so the end follows it. Call after `recurring_errors` is empty."""
	months = rec.months or None
	end = rec.end
	if rec.start:
		if end and not (months_first and months):
			months = months_between(rec.start, end)
		else:
			if not months and rec.amount and default_months and default_months > 0:
				months = default_months
			if months:
				end = end_of_period(rec.start, months)
	total = round((rec.amount or 0) * (months or 0), 2)
	return Recurring(amount=rec.amount or 0, start=rec.start, end=end, months=months, total=total)
