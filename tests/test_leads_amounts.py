"""Opportunity amounts (pure): best/worst case and the recurring period."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_portal.pipeline import amounts as am
from crm_portal.pipeline.amounts import Recurring


def messages(errors):
	return [msg for msg, _args in errors]


def test_cases_around_the_amount():
	assert am.case_errors(1000, 1500, 800) == []
	assert am.case_errors(1000, None, None) == []
	assert am.case_errors(1000, 1000, 1000) == []
	assert messages(am.case_errors(1000, 900, None)) == [am.BEST_BELOW_AMOUNT]
	assert messages(am.case_errors(1000, None, 1200)) == [am.WORST_ABOVE_AMOUNT]
	assert messages(am.case_errors(0, 500, 800)) == [am.WORST_ABOVE_BEST]
	assert am.case_errors(0, None, 800) == []  # no amount yet: the worst case alone is fine


def test_add_months_clamps_to_the_month_end():
	assert am.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
	assert am.add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


def test_period_end_and_months():
	assert am.end_of_period(date(2026, 1, 1), 12) == date(2026, 12, 31)
	assert am.months_between(date(2026, 1, 1), date(2026, 12, 31)) == 12
	assert am.months_between(date(2026, 1, 15), date(2026, 2, 10)) == 1
	assert am.months_between(date(2026, 1, 15), date(2026, 2, 15)) == 2
	assert am.months_between(date(2026, 3, 1), date(2026, 3, 1)) == 1


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(1, 240))
def test_months_round_trip(start, months):
	assert am.months_between(start, am.end_of_period(start, months)) == months


def test_recurring_errors():
	assert messages(am.recurring_errors(Recurring(100, None, date(2026, 1, 1)))) == [am.END_WITHOUT_START]
	assert messages(am.recurring_errors(Recurring(100, date(2026, 2, 1), date(2026, 1, 1)))) == [
		am.END_BEFORE_START
	]
	assert messages(am.recurring_errors(Recurring(100, date(2026, 1, 1), None, -3))) == [am.NEGATIVE_MONTHS]
	assert am.recurring_errors(Recurring(100, date(2026, 1, 1), date(2026, 1, 1))) == []


@pytest.mark.parametrize(
	"rec,default,months_first,end,months,total",
	[
		# only a start: the settings' default duration
		(Recurring(500, date(2026, 1, 1)), 12, False, date(2026, 12, 31), 12, 6000),
		# no recurring amount: no default period
		(Recurring(0, date(2026, 1, 1)), 12, False, None, None, 0),
		# start + end: the months follow
		(Recurring(500, date(2026, 1, 1), date(2026, 6, 30)), 12, False, date(2026, 6, 30), 6, 3000),
		# start + months: the end follows
		(Recurring(500, date(2026, 1, 1), None, 24), 12, False, date(2027, 12, 31), 24, 12000),
		# the user changed the months of a saved opportunity: the end follows them
		(Recurring(500, date(2026, 1, 1), date(2026, 12, 31), 3), 12, True, date(2026, 3, 31), 3, 1500),
		# both given on a new one: the end wins
		(Recurring(500, date(2026, 1, 1), date(2026, 12, 31), 3), 12, False, date(2026, 12, 31), 12, 6000),
		# no default duration in the settings
		(Recurring(500, date(2026, 1, 1)), 0, False, None, None, 0),
	],
)
def test_complete_recurring(rec, default, months_first, end, months, total):
	done = am.complete_recurring(rec, default, months_first)
	assert (done.end, done.months, done.total) == (end, months, total)
