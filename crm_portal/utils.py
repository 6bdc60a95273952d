"""Small helpers shared by the API modules."""

import random
import string
from contextlib import contextmanager

import frappe
from frappe import _
from frappe.utils import cstr, escape_html


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


def bold_text(value) -> str:
	"""`value` in bold inside a message that is shown as HTML (`frappe.throw`, `frappe.msgprint`, alerts):
	escaped first, so a name is shown exactly as typed and never interpreted (`frappe.bold` does not
	escape). Use it for every record value or argument a message repeats."""
	return frappe.bold(escape_html(cstr(value)))


def check_not_stale(doc, modified: str | None) -> None:
	"""Refuse to write over changes the client has not seen (optimistic locking on `modified`)."""
	from crm_portal.exceptions import ConflictError

	if modified and str(doc.modified) != str(modified):
		frappe.throw(
			_("{0} was modified by {1} meanwhile: reload it and try again").format(
				bold_text(doc.get_title()), escape_html(cstr(doc.modified_by))
			),
			ConflictError,
			title=_("Modified meanwhile"),
		)


def parse_json_arg(value, expected: type, label: str):
	"""An object or list argument as the desk sends it (`frappe.call` JSON-encodes them) or as a JSON body
	gives it; anything else is refused with a message, never a server error. JSON text and decoded
	structures alike are held to the limits of `crm_portal.arguments` (depth, size, finite numbers)."""
	from crm_portal.arguments.checks import parse_json

	if value is None or value == "":
		return expected()
	value = parse_json(value, escape_html(cstr(label)))
	if not isinstance(value, expected):
		kind = _("an object") if expected is dict else _("a list")
		frappe.throw(
			_("{0} must be given as {1}").format(escape_html(cstr(label)), kind), title=_("Invalid input")
		)
	return value


def currency_symbol(currency: str | None = None) -> str:
	"""The symbol figures are written with: the currency's, else the CRM's default currency's ("€")."""
	currency = (
		currency
		or frappe.db.get_single_value("CRM Portal Settings", "default_currency")
		or frappe.db.get_default("currency")
	)
	return (currency and frappe.get_cached_value("Currency", currency, "symbol")) or currency or "€"
