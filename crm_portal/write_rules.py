"""What a write may put in an opportunity, an action or a prospect, whatever its path: form, REST,
`frappe.client.*`, bulk update, Kanban, Data Import, the app's API, the portal (doc_events
`before_validate` and `validate` of the three DocTypes, crm_portal/hooks.py). Whether the user may write
the record at all is crm_portal/permissions.py (judged on the stored record and on the result).

- System fields: what the app writes itself (a deal's quotation, order, project and next action date, an
  action's calendar event, occurrence link, completion time and reminder flag, a prospect's customer and
  ERPNext mirror) and Frappe's own columns (owner, creation, assignments, likes, comments, tags) keep
  their stored value (empty on a new record) whatever a client sends.
- Links: an account, contact, opportunity or portfolio newly linked (a new record, a changed field, an
  added row) must be one the user can read; the refusal names neither the record nor anything of it.
- A contact's or address's Dynamic Links (`check_dynamic_links`, doc_events of Contact and Address): a
  newly added link to a record of a DocType the app walls (a CRM Prospect, an opportunity...) must be to
  one the user can read: a contact put on another team's account would show on it and follow it.
- Person fields: the salesperson, the assignee, the account manager may only be the user or a member of
  their team (Sales Person subtree); managers choose anyone; a portal user only themselves.

Administrator (install, migrations, scheduler, demo) and the app's own code writing with
`ignore_permissions` are exempt; code that sets a system field on a save it makes calls
`mark_app_write(doc)` first."""

import frappe
from frappe import _

from crm_portal.permissions import PERSON_FIELDS, PORTAL_ROLE, may_choose_person

SYSTEM_FIELDS = {
	"CRM Opportunity": (
		"quotation",
		"sales_order",
		"project",
		"next_action_date",
		"stage_since",
		"last_action_on",
		# its quotation's approval state (crm_portal/pipeline/approval.py)
		"quotation_state",
	),
	"CRM Action": ("completed_on", "recurrence_of", "event", "reminder_sent"),
	"CRM Prospect": ("customer", "erpnext_prospect"),
}
# Columns Frappe writes through its own calls (db_set), never through a save of the record.
FRAMEWORK_FIELDS = ("_assign", "_liked_by", "_comments", "_user_tags")
# ...and those it sets on insert only: kept as stored on every later save.
CREATION_FIELDS = ("owner", "creation")

# (field, target DocType or "field:<the field naming it>", field that makes the check moot when set)
LINKS = {
	"CRM Opportunity": (
		("portfolio", "CRM Portfolio", None),
		("account", "field:account_type", None),
		("contact", "Contact", None),
		("reused_from", "CRM Opportunity", None),
	),
	# An action's account is its opportunity's (the controller sets it): the opportunity is the check.
	"CRM Action": (
		("opportunity", "CRM Opportunity", None),
		("account", "field:account_type", "opportunity"),
		("contact", "Contact", None),
	),
	"CRM Prospect": (),
}
# Child tables: (table field, link field of the row, target)
ROW_LINKS = {
	"CRM Opportunity": (("other_contacts", "contact", "Contact"),),
	"CRM Action": (),
	"CRM Prospect": (("account_links", "linked_account", "field:linked_doctype"),),
}

APP_WRITE_FLAG = "crm_app_write"


def mark_app_write(doc) -> None:
	"""The app's own code sets system fields on this save (e.g. an occurrence of a recurring meeting)."""
	doc.flags[APP_WRITE_FLAG] = True


def exempt(doc) -> bool:
	return frappe.session.user == "Administrator" or bool(doc.flags.ignore_permissions)


def before_validate(doc, method=None) -> None:
	"""doc_events before_validate: before the controller reads anything from what the client sent."""
	if exempt(doc):
		return
	keep_system_fields(doc)
	check_links(doc)


def validate(doc, method=None) -> None:
	"""doc_events validate: after the controller, on what the record becomes (defaults included)."""
	if exempt(doc):
		return
	check_person(doc)


# --- system fields -----------------------------------------------------------------------------------


def keep_system_fields(doc) -> None:
	before = doc.get_doc_before_save()
	if doc.is_new():
		if not doc.flags.get(APP_WRITE_FLAG):
			for fieldname in SYSTEM_FIELDS[doc.doctype]:
				doc.set(fieldname, None)
		for fieldname in FRAMEWORK_FIELDS:
			doc.set(fieldname, None)
		return
	if before is None:
		return
	kept = (*FRAMEWORK_FIELDS, *CREATION_FIELDS)
	if not doc.flags.get(APP_WRITE_FLAG):
		kept += SYSTEM_FIELDS[doc.doctype]
	for fieldname in kept:
		doc.set(fieldname, before.get(fieldname))


# --- links -------------------------------------------------------------------------------------------


def refusal(doctype: str) -> str:
	"""Why a link is refused, in words that name nothing of the linked record."""
	if doctype == "CRM Opportunity":
		return _("You cannot link this opportunity: it is not one of your opportunities")
	if doctype == "CRM Portfolio":
		return _("You cannot use this portfolio: it is not open to you")
	if doctype == "Contact":
		return _("You cannot link this contact: it is not one of your contacts")
	return _("You cannot link this account: it is not one of your accounts")


def target_of(row, target: str) -> str | None:
	return row.get(target.removeprefix("field:")) if target.startswith("field:") else target


def check_links(doc) -> None:
	before = doc.get_doc_before_save()
	for fieldname, target, moot_if in LINKS[doc.doctype]:
		if moot_if and doc.get(moot_if):
			continue
		doctype, name = target_of(doc, target), doc.get(fieldname)
		if name and (before is None or (target_of(before, target), before.get(fieldname)) != (doctype, name)):
			check_readable(doctype, name)
	for table, fieldname, target in ROW_LINKS[doc.doctype]:
		known = {(target_of(r, target), r.get(fieldname)) for r in (before.get(table) if before else [])}
		for row in doc.get(table) or []:
			doctype, name = target_of(row, target), row.get(fieldname)
			if name and (doctype, name) not in known:
				check_readable(doctype, name)


def check_readable(doctype: str | None, name: str) -> None:
	"""A linked record the user cannot read is refused without a word about it. A DocType or record that
	does not exist is left to Frappe's link validation and the controllers."""
	if not doctype or not frappe.db.exists("DocType", doctype) or not frappe.db.exists(doctype, name):
		return
	if frappe.has_permission(doctype, "read", doc=name):
		return
	frappe.throw(refusal(doctype), frappe.PermissionError, title=_("Not permitted"))


def check_dynamic_links(doc, method=None) -> None:
	"""doc_events before_validate of Contact and Address."""
	from crm_portal.generic_endpoints import is_walled

	if exempt(doc):
		return
	before = doc.get_doc_before_save()
	known = {(r.link_doctype, r.link_name) for r in (before.get("links") if before else None) or []}
	for row in doc.get("links") or []:
		target = (row.link_doctype, row.link_name)
		if row.link_name and target not in known and is_walled(row.link_doctype):
			check_readable(*target)


# --- person fields -----------------------------------------------------------------------------------


def check_person(doc) -> None:
	fieldname = PERSON_FIELDS[doc.doctype]
	person = doc.get(fieldname)
	if not person or not (doc.is_new() or doc.has_value_changed(fieldname)):
		return
	user = frappe.session.user
	if may_choose_person(user, person):
		return
	label = _(doc.meta.get_label(fieldname))
	if PORTAL_ROLE in frappe.get_roles(user) and "Sales User" not in frappe.get_roles(user):
		message = _("{0}: you can only choose yourself").format(label)
	else:
		message = _("{0}: you can only choose yourself or a member of your team").format(label)
	frappe.throw(message, frappe.PermissionError, title=_("Not permitted"))
