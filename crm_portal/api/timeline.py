"""360° timeline of an account (CRM Prospect or Customer), a contact or an opportunity.

Upcoming activity = open actions; past activity = done or cancelled actions, opportunity tiles (stage,
expected signature, amount, days, portfolio) and the record's creation and modifications. Each list
is newest first; `counts` sums them up. Reads go through frappe.get_list, so users see only the actions
and opportunities they may read. CRM Action is queried only when that DocType exists on the site."""

import json

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from crm_portal.accounts import ACCOUNT_DOCTYPES
from crm_portal.arguments.checks import checked_arguments
from crm_portal.utils import bold_text

TIMELINE_DOCTYPES = (*ACCOUNT_DOCTYPES, "Contact", "CRM Opportunity")
MAX_ENTRIES = 200
ACTION_FIELDS = [
	"name",
	"subject",
	"action_type",
	"nature",
	"status",
	"start",
	"end",
	"assigned_to",
	"opportunity",
	"account_type",
	"account",
	"contact",
	"completed_on",
	"creation",
]
OPPORTUNITY_FIELDS = [
	"name",
	"title",
	"account_type",
	"account",
	"account_name",
	"stage",
	"status",
	"expected_signature_date",
	"amount",
	"currency",
	"days",
	"portfolio",
	"salesperson",
	"creation",
	"modified",
]


def has_actions() -> bool:
	return bool(frappe.db.exists("DocType", "CRM Action"))


def account_opportunities(doctype: str, name: str) -> list[dict]:
	return frappe.get_list(
		"CRM Opportunity",
		filters={"account_type": doctype, "account": name},
		fields=OPPORTUNITY_FIELDS,
		order_by="creation desc",
		limit_page_length=MAX_ENTRIES,
	)


def contact_opportunities(contact: str) -> list[dict]:
	other = frappe.get_all(
		"CRM Opportunity Contact", {"parenttype": "CRM Opportunity", "contact": contact}, pluck="parent"
	)
	rows = frappe.get_list(
		"CRM Opportunity",
		filters={"contact": contact},
		fields=OPPORTUNITY_FIELDS,
		order_by="creation desc",
		limit_page_length=MAX_ENTRIES,
	)
	if other:
		rows += frappe.get_list(
			"CRM Opportunity",
			filters={"name": ("in", other), "contact": ("!=", contact)},
			fields=OPPORTUNITY_FIELDS,
			order_by="creation desc",
			limit_page_length=MAX_ENTRIES,
		)
	return rows


def actions(filters_list: list[dict]) -> list[dict]:
	"""Actions matching any of the filter sets (each set ANDed), deduplicated."""
	if not has_actions():
		return []
	found = {}
	for filters in filters_list:
		for row in frappe.get_list(
			"CRM Action",
			filters=filters,
			fields=ACTION_FIELDS,
			order_by="start desc",
			limit_page_length=MAX_ENTRIES,
		):
			found[row.name] = row
	return list(found.values())


def action_entry(row, now) -> dict:
	upcoming = row.status == "Open"
	date = row.start if upcoming else (row.completed_on or row.start)
	return {
		"kind": "action",
		"date": date or row.creation,
		"doctype": "CRM Action",
		"name": row.name,
		"title": row.subject,
		"action_type": row.action_type,
		"nature": row.nature,
		"status": row.status,
		"start": row.start,
		"end": row.end,
		"assigned_to": row.assigned_to,
		"opportunity": row.opportunity,
		"contact": row.contact,
		"late": int(bool(upcoming and row.start and get_datetime(row.start) < now)),
		"upcoming": upcoming,
	}


def opportunity_entry(row) -> dict:
	return {
		"kind": "opportunity",
		"date": row.creation,
		"doctype": "CRM Opportunity",
		"name": row.name,
		"title": row.title,
		"account_type": row.account_type,
		"account": row.account,
		"account_name": row.account_name,
		"stage": row.stage,
		"stage_name": frappe.get_cached_value("CRM Stage", row.stage, "stage_name") if row.stage else None,
		"status": row.status,
		"expected_signature_date": row.expected_signature_date,
		"amount": row.amount,
		"currency": row.currency,
		"days": row.days,
		"portfolio": row.portfolio,
		"salesperson": row.salesperson,
		"upcoming": False,
	}


def history_entries(doctype: str, name: str) -> list[dict]:
	"""The record's creation and its tracked modifications (Version log)."""
	doc = frappe.db.get_value(doctype, name, ["creation", "owner"], as_dict=True)
	entries = [
		{
			"kind": "created",
			"date": doc.creation,
			"doctype": doctype,
			"name": name,
			"title": _("Created by {0}").format(frappe.utils.get_fullname(doc.owner)),
			"user": doc.owner,
			"upcoming": False,
		}
	]
	meta = frappe.get_meta(doctype)
	for version in frappe.get_all(
		"Version",
		filters={"ref_doctype": doctype, "docname": name},
		fields=["name", "owner", "creation", "data"],
		order_by="creation desc",
		limit=50,
	):
		try:
			data = json.loads(version.data or "{}")
		except ValueError:
			continue
		changed = [
			_(meta.get_label(change[0])) for change in data.get("changed") or [] if change and change[0]
		]
		if not changed and not data.get("added") and not data.get("removed"):
			continue
		entries.append(
			{
				"kind": "modified",
				"date": version.creation,
				"doctype": doctype,
				"name": name,
				"title": _("Modified by {0}").format(frappe.utils.get_fullname(version.owner)),
				"user": version.owner,
				"changed": changed,
				"upcoming": False,
			}
		)
	return entries


def sort_key(entry: dict):
	return get_datetime(entry["date"]) if entry.get("date") else get_datetime("1900-01-01")


@frappe.whitelist()
@checked_arguments()
@frappe.read_only()
def get_timeline(doctype: str, name: str) -> dict:
	"""{"upcoming": [...], "past": [...], "counts": {...}} for an account, a contact or an opportunity."""
	if doctype not in TIMELINE_DOCTYPES:
		frappe.throw(_("A timeline is available for accounts, contacts and opportunities only"))
	if not frappe.db.exists(doctype, name):
		frappe.throw(
			_("{0} {1} does not exist").format(_(doctype), bold_text(name)), frappe.DoesNotExistError
		)
	frappe.has_permission(doctype, "read", doc=name, throw=True)
	now = now_datetime()

	if doctype in ACCOUNT_DOCTYPES:
		opportunities = account_opportunities(doctype, name)
		filters = [{"account_type": doctype, "account": name}]
		if opportunities:
			filters.append({"opportunity": ("in", [o.name for o in opportunities])})
		action_rows = actions(filters)
	elif doctype == "Contact":
		opportunities = contact_opportunities(name)
		action_rows = actions([{"contact": name}])
	else:
		opportunities = []
		action_rows = actions([{"opportunity": name}])

	entries = [action_entry(a, now) for a in action_rows]
	entries += [opportunity_entry(o) for o in opportunities]
	entries += history_entries(doctype, name)
	upcoming = sorted((e for e in entries if e["upcoming"]), key=sort_key, reverse=True)
	past = sorted((e for e in entries if not e["upcoming"]), key=sort_key, reverse=True)
	return {
		"upcoming": upcoming[:MAX_ENTRIES],
		"past": past[:MAX_ENTRIES],
		"counts": {
			"upcoming": len(upcoming),
			"past": len(past),
			"late": sum(e.get("late", 0) for e in upcoming),
			"actions": len(action_rows),
			"opportunities": len(opportunities),
		},
	}
