"""Actions feed buckets, postpone targets, next-action state (pure)."""

from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_portal.actions import (
	ALL,
	BUCKETS,
	DONE,
	OPEN,
	PAST,
	bucket_bounds,
	bucket_counts,
	bucket_of,
	next_action_date,
	next_action_state,
	postpone_target,
	shift_end,
	site_now,
	week_start,
)

# Wednesday 2026-03-18 10:30, site time
NOW = datetime(2026, 3, 18, 10, 30)


@pytest.mark.parametrize(
	"start,status,bucket",
	[
		(datetime(2026, 3, 18, 10, 29, 59), OPEN, "late"),
		(datetime(2026, 3, 18, 10, 29, 59), DONE, PAST),
		(datetime(2026, 3, 1), OPEN, "late"),
		(NOW, OPEN, "today"),
		(datetime(2026, 3, 18, 23, 59, 59), OPEN, "today"),
		(datetime(2026, 3, 19, 0, 0), OPEN, "this_week"),  # midnight: tomorrow
		(datetime(2026, 3, 22, 23, 59, 59), OPEN, "this_week"),  # Sunday night
		(datetime(2026, 3, 23, 0, 0), OPEN, "next_week"),  # Monday: week start
		(datetime(2026, 3, 29, 23, 59, 59), DONE, "next_week"),
		(datetime(2026, 3, 30, 0, 0), OPEN, "later"),
		(datetime(2027, 1, 1), OPEN, "later"),
	],
)
def test_bucket_boundaries(start, status, bucket):
	assert bucket_of(start, status, NOW) == bucket


def test_on_sunday_this_week_is_empty_and_monday_starts_next_week():
	sunday = datetime(2026, 3, 22, 9, 0)
	low, high = bucket_bounds(sunday)["this_week"]
	assert low == high == datetime(2026, 3, 23)
	assert bucket_of(datetime(2026, 3, 23, 8, 0), OPEN, sunday) == "next_week"
	monday = datetime(2026, 3, 23, 0, 0)
	assert bucket_of(datetime(2026, 3, 24, 8, 0), OPEN, monday) == "this_week"
	assert bucket_of(datetime(2026, 3, 22, 23, 0), OPEN, monday) == "late"


def test_week_starts_on_monday():
	assert week_start(date(2026, 3, 18)) == date(2026, 3, 16)
	assert week_start(date(2026, 3, 16)) == date(2026, 3, 16)
	assert week_start(date(2026, 3, 22)) == date(2026, 3, 16)


def test_site_time_zone_moves_the_day_and_the_week():
	# Sunday 23:30 UTC is already Monday 00:30 in Paris (winter, UTC+1): a new week there.
	from zoneinfo import ZoneInfo

	instant = datetime(2026, 3, 22, 23, 30, tzinfo=ZoneInfo("UTC"))
	paris = site_now(instant, "Europe/Paris")
	assert paris == datetime(2026, 3, 23, 0, 30)
	assert site_now(datetime(2026, 3, 22, 23, 30), "UTC") == datetime(2026, 3, 22, 23, 30)
	meeting = datetime(2026, 3, 23, 9, 0)
	assert bucket_of(meeting, OPEN, paris) == "today"
	assert bucket_of(meeting, OPEN, site_now(instant, "UTC")) == "next_week"
	# summer time: UTC+2
	assert site_now(datetime(2026, 7, 1, 22, 0, tzinfo=ZoneInfo("UTC")), "Europe/Paris") == datetime(
		2026, 7, 2, 0, 0
	)


def test_bucket_counts_from_grouped_rows():
	past = [(OPEN, 7), (DONE, 3)]
	future = [
		(date(2026, 3, 18), 2),  # rest of today
		(date(2026, 3, 20), 1),
		(datetime(2026, 3, 23, 0, 0), 4),
		(date(2026, 5, 1), 1),
	]
	counts = bucket_counts(past, future, NOW)
	assert counts == {"late": 7, "today": 2, "this_week": 1, "next_week": 4, "later": 1, ALL: 18}


moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31))


@given(now=moments, starts=st.lists(st.tuples(moments, st.sampled_from([OPEN, DONE])), max_size=30))
def test_grouped_counts_agree_with_bucket_of(now, starts):
	"""What the two grouped queries give, bucketed, equals bucketing each action."""
	past, future = {}, {}
	for start, status in starts:
		if start < now:
			past[status] = past.get(status, 0) + 1
		else:
			future[start.date()] = future.get(start.date(), 0) + 1
	counts = bucket_counts(past.items(), future.items(), now)
	expected = dict.fromkeys((*BUCKETS, ALL), 0)
	for start, status in starts:
		bucket = bucket_of(start, status, now)
		if bucket != PAST:
			expected[bucket] += 1
		expected[ALL] += 1
	assert counts == expected


@given(now=moments)
def test_buckets_are_contiguous(now):
	bounds = list(bucket_bounds(now).values())
	assert bounds[0][0] is None and bounds[-1][1] is None
	for (_, high), (low, _) in pairwise(bounds):
		assert high == low
	for low, high in bounds[1:-1]:
		assert low <= high


def test_postpone_targets_keep_the_time_of_day():
	start = datetime(2026, 3, 10, 14, 15)  # late action
	assert postpone_target(start, "tomorrow", NOW) == datetime(2026, 3, 19, 14, 15)
	assert postpone_target(start, "next_week", NOW) == datetime(2026, 3, 23, 14, 15)
	assert postpone_target(start, "date", NOW, date(2026, 4, 2)) == datetime(2026, 4, 2, 14, 15)
	assert postpone_target(start, "date", NOW, datetime(2026, 4, 2, 9, 0)) == datetime(2026, 4, 2, 9, 0)
	sunday = datetime(2026, 3, 22, 20, 0)
	assert postpone_target(start, "next_week", sunday) == datetime(2026, 3, 23, 14, 15)
	with pytest.raises(ValueError):
		postpone_target(start, "someday", NOW)
	with pytest.raises(ValueError):
		postpone_target(start, "date", NOW)


def test_shift_end_keeps_duration():
	start, end = datetime(2026, 3, 10, 14, 0), datetime(2026, 3, 10, 15, 30)
	assert shift_end(start, end, datetime(2026, 3, 12, 9, 0)) == datetime(2026, 3, 12, 10, 30)
	assert shift_end(start, None, datetime(2026, 3, 12, 9, 0)) is None


def test_next_action_state_and_date():
	assert next_action_state(None, NOW) == "none"
	assert next_action_state(NOW - timedelta(seconds=1), NOW) == "late"
	assert next_action_state(NOW, NOW) == "upcoming"
	assert next_action_date([]) is None
	assert next_action_date(
		[(NOW, DONE), (NOW + timedelta(days=2), OPEN), (NOW + timedelta(1), "Cancelled")]
	) == (NOW + timedelta(days=2))
	assert next_action_date(
		[(NOW + timedelta(days=3), OPEN), (NOW - timedelta(days=3), OPEN)]
	) == NOW - timedelta(days=3)
