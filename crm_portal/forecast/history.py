"""Rebuild an opportunity's stage-change log from its Versions (the back-fill patch). No frappe import.

Frappe's Version of a save stores `{"changed": [[fieldname, old, new], ...], ...}`; a creation has no
Version. The first value of a field is the old value of its first change (else its current value); the
creation is a change from nothing to that first stage, at the opportunity's creation, by its owner."""

from collections.abc import Iterable, Mapping
from datetime import datetime

TRACKED = ("stage", "status", "amount", "days")


def as_number(value) -> float:
	"""A number as a Version stores it: Frappe writes the changed values formatted for display
	("$ 2,000.00", "2 000,50 €", "1.234.567", "12"). The last separator is the decimal one unless it is
	followed by exactly three digits with no other kind of separator before it (then it groups thousands)."""
	if isinstance(value, int | float):
		return float(value)
	text = "".join(c for c in str(value or "") if c.isdigit() or c in ",.-")
	negative = text.startswith("-")
	text = text.replace("-", "")
	if not any(c.isdigit() for c in text):
		return 0.0
	last = max(text.rfind(","), text.rfind("."))
	if last >= 0:
		tail = text[last + 1 :]
		kinds = {c for c in text[:last] if c in ",."}
		is_decimal = len(tail) != 3 or bool(kinds - {text[last]})
		whole = "".join(c for c in text[:last] if c.isdigit())
		text = f"{whole}.{tail}" if is_decimal else whole + tail
	try:
		number = float(text)
	except ValueError:
		return 0.0
	return -number if negative else number


def rebuild(
	opportunity: Mapping,
	versions: Iterable[tuple[datetime, str, Mapping]],
	stage_types: Mapping[str, str],
) -> list[dict]:
	"""Log rows (from/to stage and status, amount, days, user, changed_on) of one opportunity.

	`opportunity`: its current name, creation, owner, stage, status, amount, days. `versions`: (creation,
	owner, data) in time order, data as stored in Version.data (decoded)."""
	versions = [(at, user, dict(data or {})) for at, user, data in versions]
	changes = [
		(at, user, {row[0]: (row[1], row[2]) for row in data.get("changed") or [] if len(row) == 3})
		for at, user, data in versions
	]
	values = {}
	for fieldname in TRACKED:
		first = next((c[fieldname][0] for _at, _user, c in changes if fieldname in c), None)
		seen = any(fieldname in c for _at, _user, c in changes)
		values[fieldname] = first if seen else opportunity.get(fieldname)
	status_seen = any("status" in c for _at, _user, c in changes)
	if values["stage"] and (not status_seen or not values["status"]):
		values["status"] = stage_types.get(values["stage"], values["status"])
	rows = [
		{
			"from_stage": None,
			"to_stage": values["stage"],
			"from_status": None,
			"to_status": values["status"],
			"amount": as_number(values["amount"]),
			"days": as_number(values["days"]),
			"user": opportunity.get("owner"),
			"changed_on": opportunity.get("creation"),
		}
	]
	for at, user, changed in changes:
		before_stage, before_status = values["stage"], values["status"]
		for fieldname in TRACKED:
			if fieldname in changed:
				values[fieldname] = changed[fieldname][1]
		if "stage" in changed and "status" not in changed:
			values["status"] = stage_types.get(values["stage"], values["status"])
		if (values["stage"], values["status"]) == (before_stage, before_status):
			continue
		rows.append(
			{
				"from_stage": before_stage,
				"to_stage": values["stage"],
				"from_status": before_status,
				"to_status": values["status"],
				"amount": as_number(values["amount"]),
				"days": as_number(values["days"]),
				"user": user,
				"changed_on": at,
			}
		)
	return rows
