"""Why an open deal is at risk. No frappe import.

- overdue: its expected signature date has passed and it is still open;
- no_action: no action done or planned on it for `no_action_days` days (the latest of its creation, its
  last done action and its next planned action is that old);
- stuck: it has been in its current stage longer than the stage's 80th percentile time (when that
  figure is known)."""

from dataclasses import dataclass
from datetime import date, datetime

OVERDUE, NO_ACTION, STUCK = "overdue", "no_action", "stuck"
CODES = (OVERDUE, NO_ACTION, STUCK)


@dataclass(frozen=True)
class DealState:
	status: str
	expected_signature_date: date | None
	created: datetime | None
	last_action_on: datetime | None
	next_action_date: datetime | None
	stage: str | None
	stage_since: datetime | None


def as_datetime(value: date | datetime | None) -> datetime | None:
	if value is None or isinstance(value, datetime):
		return value
	return datetime(value.year, value.month, value.day)


def risk_reasons(
	deal: DealState, now: datetime, no_action_days: int | None, p80_days: dict[str, float]
) -> list[str]:
	"""The codes (in CODES order) of the reasons why `deal` is at risk at `now`."""
	if deal.status != "Open":
		return []
	reasons = []
	if deal.expected_signature_date and deal.expected_signature_date < now.date():
		reasons.append(OVERDUE)
	if no_action_days:
		moments = [as_datetime(m) for m in (deal.created, deal.last_action_on, deal.next_action_date) if m]
		if moments and (now - max(moments)).total_seconds() > no_action_days * 86400:
			reasons.append(NO_ACTION)
	limit = p80_days.get(deal.stage) if deal.stage else None
	if limit is not None and deal.stage_since:
		if (now - as_datetime(deal.stage_since)).total_seconds() > limit * 86400:
			reasons.append(STUCK)
	return reasons
