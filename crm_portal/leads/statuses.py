"""Lead statuses (CRM Lead Status records): order, flags and the choices they drive (no frappe import).

A status is open (the lead is in the Leads list), lost, or converted (both in the history); the statuses
flagged "allows conversion" are the qualified ones a lead can be converted from. Rules test the flags,
never the names, so admins can rename and add statuses."""

from dataclasses import dataclass

# (name, sequence, open, lost, converted, allows conversion): the Axelor defaults, in French as the seeds.
STANDARD_STATUSES = (
	("Nouvelle", 10, 1, 0, 0, 0),
	("Assignée", 20, 1, 0, 0, 0),
	("En cours", 30, 1, 0, 0, 0),
	("Qualification commerciale", 40, 1, 0, 0, 1),
	("Convertie", 50, 0, 0, 1, 0),
	("Perdue", 60, 0, 1, 0, 0),
)

OPEN_AND_LOST = "A lead status cannot be both open and lost"
CONVERTED_NOT_OPEN = "A converted status cannot be open or lost"
CONVERSION_NEEDS_OPEN = "Only an open status can allow conversion"
NEGATIVE_SEQUENCE = "The sequence cannot be negative"


@dataclass(frozen=True)
class LeadStatus:
	name: str
	sequence: int = 0
	is_open: bool = True
	is_lost: bool = False
	is_converted: bool = False
	allows_conversion: bool = False


def flag_errors(status: LeadStatus) -> list[str]:
	"""What is wrong with a status's flags (messages to translate), empty when it is consistent."""
	errors = []
	if status.is_open and status.is_lost:
		errors.append(OPEN_AND_LOST)
	if status.is_converted and (status.is_open or status.is_lost):
		errors.append(CONVERTED_NOT_OPEN)
	if status.allows_conversion and not status.is_open:
		errors.append(CONVERSION_NEEDS_OPEN)
	if status.sequence is not None and status.sequence < 0:
		errors.append(NEGATIVE_SEQUENCE)
	return errors


def ordered(statuses: list[LeadStatus]) -> list[LeadStatus]:
	"""By sequence, then name (the order of the status bar on the lead)."""
	return sorted(statuses, key=lambda s: (s.sequence or 0, s.name))


def default_status(statuses: list[LeadStatus]) -> LeadStatus | None:
	"""A new lead's status: the first open one."""
	return next((s for s in ordered(statuses) if s.is_open), None)


def converted_status(statuses: list[LeadStatus]) -> LeadStatus | None:
	"""The status a converted lead gets: the first converted one."""
	return next((s for s in ordered(statuses) if s.is_converted), None)


def is_history(status: LeadStatus | None) -> bool:
	"""Leads whose status is not open (lost, converted, …) leave the Leads list for the history."""
	return status is not None and not status.is_open
