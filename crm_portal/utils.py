"""Small helpers shared by the API modules."""

import json
import random
import string
from contextlib import contextmanager

import frappe
from frappe import _


@contextmanager
def atomic():
	"""All or nothing: roll back to a savepoint and re-raise when the block fails, so a caller that
	catches the error (server code, tests) never sees half the writes."""
	name = "crm_" + "".join(random.choices(string.ascii_lowercase, k=10))
	frappe.db.savepoint(name)
	try:
		yield
	except Exception:
		frappe.db.rollback(save_point=name)
		raise
	else:
		frappe.db.release_savepoint(name)


def check_not_stale(doc, modified: str | None) -> None:
	"""Refuse to write over changes the client has not seen (optimistic locking on `modified`)."""
	from crm_portal.exceptions import ConflictError

	if modified and str(doc.modified) != str(modified):
		frappe.throw(
			_("{0} was modified by {1} meanwhile: reload it and try again").format(
				frappe.bold(doc.get_title()), doc.modified_by
			),
			ConflictError,
			title=_("Modified meanwhile"),
		)


def parse_json_arg(value, expected: type, label: str):
	"""An object or list argument as the desk sends it (`frappe.call` JSON-encodes them) or as a JSON body
	gives it; anything else is refused with a message, never a server error."""
	if value in (None, ""):
		return expected()
	if isinstance(value, str):
		try:
			value = json.loads(value)
		except ValueError:
			frappe.throw(_("{0} is not valid JSON").format(label), title=_("Invalid input"))
	if not isinstance(value, expected):
		kind = _("an object") if expected is dict else _("a list")
		frappe.throw(_("{0} must be given as {1}").format(label, kind), title=_("Invalid input"))
	return value
