"""Back-fill the stage-change log (CRM Stage Change) of existing opportunities from their Versions, and
their `stage_since`. Idempotent: an opportunity that already has log rows is left as it is."""

import json

import frappe

from crm_portal.forecast.history import rebuild
from crm_portal.forecast.log import STAGE_CHANGE, write_row
from crm_portal.forecast.queries import clear_template_figures


def execute():
	frappe.reload_doc("crm_portal", "doctype", "crm_stage_change")
	stage_types = dict(frappe.get_all("CRM Stage", fields=["name", "stage_type"], as_list=True))
	logged = set(frappe.get_all(STAGE_CHANGE, pluck="opportunity", distinct=True))
	fields = ["name", "creation", "owner", "stage", "status", "amount", "days", "stage_since"]
	for opportunity in frappe.get_all("CRM Opportunity", fields=fields, order_by="creation asc"):
		if opportunity.name not in logged:
			backfill(opportunity, stage_types)
	clear_template_figures()


def backfill(opportunity, stage_types: dict) -> None:
	versions = frappe.get_all(
		"Version",
		filters={"ref_doctype": "CRM Opportunity", "docname": opportunity.name},
		fields=["creation", "owner", "data"],
		order_by="creation asc",
	)
	history = rebuild(
		opportunity,
		[(v.creation, v.owner, parse(v.data)) for v in versions],
		stage_types,
	)
	doc = frappe.get_doc("CRM Opportunity", opportunity.name)
	for row in history:
		snapshot = frappe._dict(doc.as_dict())
		snapshot.update(stage=row["to_stage"], status=row["to_status"])
		write_row(
			snapshot,
			from_stage=row["from_stage"],
			from_status=row["from_status"],
			changed_on=row["changed_on"],
			user=row["user"],
			source="Version",
			amount=row["amount"],
			days=row["days"],
		)
	if not opportunity.stage_since and history:
		frappe.db.set_value(
			"CRM Opportunity",
			opportunity.name,
			"stage_since",
			history[-1]["changed_on"],
			update_modified=False,
		)


def parse(data: str | None) -> dict:
	try:
		return json.loads(data or "{}") or {}
	except ValueError:
		return {}
