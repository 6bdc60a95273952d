"""Actions maths (pure, no frappe import): feed buckets, postpone targets, recurrence, card pictogram.

Every datetime here is naive and in the site's time zone (what Frappe stores and `now_datetime()`
returns); `site_now()` turns an aware instant into that. Weeks start on Monday, as in France."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Feed buckets, in display order. They split the feed without overlap: late (open and started before
# now), today (from now to midnight), this week (tomorrow to Sunday), next week, later; "all" is every
# action shown, done ones of the past included (they belong to no other bucket).
BUCKETS = ("late", "today", "this_week", "next_week", "later")
ALL = "all"
PAST = "past"  # done (or cancelled) and started before now: only in "all"

OPEN, DONE, CANCELLED = "Open", "Done", "Cancelled"
STATUSES = (OPEN, DONE, CANCELLED)
NATURES = ("Task", "Meeting", "Note")

POSTPONE_CHOICES = ("tomorrow", "next_week", "date")

FREQUENCIES = ("Daily", "Weekly", "Monthly")
MAX_OCCURRENCES = 100


class RecurrenceError(ValueError):
	"""Bad recurrence settings; `code` says which rule failed (the controller words the message)."""

	def __init__(self, code: str):
		super().__init__(code)
		self.code = code


# --- time zone, week ----------------------------------------------------------------------------


def site_now(instant: datetime, time_zone: str) -> datetime:
	"""The naive site-local datetime of an aware instant (a naive one is taken as UTC)."""
	if instant.tzinfo is None:
		instant = instant.replace(tzinfo=ZoneInfo("UTC"))
	return instant.astimezone(ZoneInfo(time_zone)).replace(tzinfo=None)


def midnight(day: date) -> datetime:
	return datetime.combine(day, time.min)


def week_start(day: date) -> date:
	"""The Monday of `day`'s week."""
	return day - timedelta(days=day.weekday())


def bucket_bounds(now: datetime) -> dict[str, tuple[datetime | None, datetime | None]]:
	"""[start, end) of each time bucket for open actions, given the site-local `now`."""
	tomorrow = midnight(now.date() + timedelta(days=1))
	next_monday = midnight(week_start(now.date()) + timedelta(days=7))
	week_after = next_monday + timedelta(days=7)
	return {
		"late": (None, now),
		"today": (now, tomorrow),
		"this_week": (tomorrow, next_monday),
		"next_week": (next_monday, week_after),
		"later": (week_after, None),
	}


def bucket_of(start: datetime, status: str, now: datetime) -> str:
	"""The bucket an action falls in: late only for open actions, `past` for finished ones before now."""
	if start < now:
		return "late" if status == OPEN else PAST
	for bucket, (low, high) in bucket_bounds(now).items():
		if (low is None or start >= low) and (high is None or start < high):
			return bucket
	raise AssertionError("the buckets cover every future datetime")


def bucket_counts(past: Iterable[tuple[str, int]], future: Iterable[tuple[date, int]], now: datetime) -> dict:
	"""Counts per bucket from two grouped queries: (status, count) of actions before now and
	(day, count) of actions from now on. "all" is everything shown."""
	counts = dict.fromkeys((*BUCKETS, ALL), 0)
	for status, count in past:
		if status == OPEN:
			counts["late"] += count
		counts[ALL] += count
	for day, count in future:
		if isinstance(day, datetime):
			day = day.date()
		# Every action of a day falls in the same bucket once it is after now; today's start at now.
		moment = max(midnight(day), now)
		counts[bucket_of(moment, OPEN, now)] += count
		counts[ALL] += count
	return counts


# --- postpone ---------------------------------------------------------------------------------------


def postpone_target(
	start: datetime, choice: str, now: datetime, on: date | datetime | None = None
) -> datetime:
	"""New start of an action postponed to tomorrow, next week (Monday) or a given date, keeping its
	time of day (a datetime given for `on` is taken as is)."""
	if choice == "tomorrow":
		day = now.date() + timedelta(days=1)
	elif choice == "next_week":
		day = week_start(now.date()) + timedelta(days=7)
	elif choice == "date":
		if on is None:
			raise ValueError("date")
		if isinstance(on, datetime):
			return on
		day = on
	else:
		raise ValueError(choice)
	return datetime.combine(day, start.time())


def shift_end(start: datetime, end: datetime | None, new_start: datetime) -> datetime | None:
	"""The end moved along with the start, keeping the duration."""
	return None if end is None else new_start + (end - start)


# --- recurrence -------------------------------------------------------------------------------------


def add_months(moment: datetime, months: int) -> datetime:
	"""Same day and time `months` later, on the month's last day when that day does not exist."""
	index = moment.year * 12 + moment.month - 1 + months
	year, month = index // 12, index % 12 + 1
	day = min(moment.day, calendar.monthrange(year, month)[1])
	return moment.replace(year=year, month=month, day=day)


def occurrence(start: datetime, frequency: str, interval: int, n: int) -> datetime:
	"""The n-th occurrence (0 = `start`)."""
	if frequency == "Daily":
		return start + timedelta(days=interval * n)
	if frequency == "Weekly":
		return start + timedelta(weeks=interval * n)
	if frequency == "Monthly":
		return add_months(start, interval * n)
	raise RecurrenceError("frequency")


def expand_recurrence(
	start: datetime,
	frequency: str,
	interval: int = 1,
	count: int | None = None,
	until: date | None = None,
) -> list[datetime]:
	"""Starts of every occurrence, the first included: every `interval` days / weeks / months,
	`count` times in all or until `until` (inclusive), at most MAX_OCCURRENCES."""
	if frequency not in FREQUENCIES:
		raise RecurrenceError("frequency")
	if not interval or interval < 1:
		raise RecurrenceError("interval")
	if not count and not until:
		raise RecurrenceError("end")
	if count is not None and count < 0:
		raise RecurrenceError("count")
	if until and until < start.date():
		raise RecurrenceError("until")
	if count and count > MAX_OCCURRENCES:
		raise RecurrenceError("too_many")
	starts = []
	n = 0
	while True:
		moment = occurrence(start, frequency, interval, n)
		if until and moment.date() > until:
			break
		if count and n >= count:
			break
		if len(starts) >= MAX_OCCURRENCES:
			raise RecurrenceError("too_many")
		starts.append(moment)
		n += 1
	return starts


# --- opportunity card -------------------------------------------------------------------------------


def next_action_state(next_action_date: datetime | None, now: datetime) -> str:
	"""Card pictogram: late (red), upcoming (green), none (orange)."""
	if not next_action_date:
		return "none"
	return "late" if next_action_date < now else "upcoming"


def next_action_date(actions: Iterable[tuple[datetime, str]]) -> datetime | None:
	"""An opportunity's next planned action: the earliest start among its open actions."""
	starts = [start for start, status in actions if status == OPEN and start]
	return min(starts) if starts else None
