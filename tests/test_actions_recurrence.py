"""Meeting recurrence (pure): every N days / weeks / months, a count or an end date."""

from datetime import date, datetime
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_portal.actions import MAX_OCCURRENCES, RecurrenceError, add_months, expand_recurrence

START = datetime(2026, 1, 31, 9, 30)


def test_weekly_count():
	assert expand_recurrence(datetime(2026, 3, 2, 9, 0), "Weekly", 2, count=3) == [
		datetime(2026, 3, 2, 9, 0),
		datetime(2026, 3, 16, 9, 0),
		datetime(2026, 3, 30, 9, 0),
	]


def test_daily_until_is_inclusive():
	starts = expand_recurrence(datetime(2026, 3, 2, 9, 0), "Daily", 1, until=date(2026, 3, 5))
	assert [s.day for s in starts] == [2, 3, 4, 5]


def test_monthly_clamps_to_the_end_of_month():
	assert expand_recurrence(START, "Monthly", 1, count=4) == [
		datetime(2026, 1, 31, 9, 30),
		datetime(2026, 2, 28, 9, 30),
		datetime(2026, 3, 31, 9, 30),
		datetime(2026, 4, 30, 9, 30),
	]
	assert add_months(datetime(2024, 1, 31), 1) == datetime(2024, 2, 29)
	assert add_months(datetime(2026, 11, 15), 3) == datetime(2027, 2, 15)


def test_count_and_until_both_apply():
	starts = expand_recurrence(datetime(2026, 3, 2, 9, 0), "Daily", 1, count=10, until=date(2026, 3, 4))
	assert len(starts) == 3


@pytest.mark.parametrize(
	"kwargs,code",
	[
		({"frequency": "Yearly", "count": 2}, "frequency"),
		({"frequency": "Daily", "interval": 0, "count": 2}, "interval"),
		({"frequency": "Daily"}, "end"),
		({"frequency": "Daily", "until": date(2026, 1, 1)}, "until"),
		({"frequency": "Daily", "count": MAX_OCCURRENCES + 1}, "too_many"),
		({"frequency": "Daily", "until": date(2027, 1, 1)}, "too_many"),
	],
)
def test_bad_settings_are_refused(kwargs, code):
	with pytest.raises(RecurrenceError) as err:
		expand_recurrence(START, **kwargs)
	assert err.value.code == code


@given(
	frequency=st.sampled_from(["Daily", "Weekly", "Monthly"]),
	interval=st.integers(1, 12),
	count=st.integers(1, MAX_OCCURRENCES),
)
def test_count_gives_that_many_increasing_starts(frequency, interval, count):
	starts = expand_recurrence(START, frequency, interval, count=count)
	assert len(starts) == count
	assert starts[0] == START
	assert all(a < b for a, b in pairwise(starts))
	assert all(s.time() == START.time() for s in starts)
