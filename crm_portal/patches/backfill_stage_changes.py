"""Back-fill the stage-change log (CRM Stage Change) of existing opportunities from their Versions, and
their `stage_since`. Idempotent: an opportunity that already has log rows is left as it is.

Set-based, so it takes minutes, not hours, on a site with 100 000+ opportunities: the opportunities are
read by pages of BATCH (keyset: name > the last one read), with one statement per page for the
Versions, one multi-row INSERT for the rows and one UPDATE for `stage_since`."""

import json

import frappe
from frappe.utils import now_datetime

from crm_portal.forecast.history import rebuild
from crm_portal.forecast.log import STAGE_CHANGE
from crm_portal.forecast.queries import clear_template_figures

BATCH = 1000
OPPORTUNITY_FIELDS = [
	"name", "creation", "owner", "stage", "status", "amount", "days", "stage_since", "portfolio",
	"stage_template", "salesperson", "currency",
]  # fmt: skip
ROW_FIELDS = [
	"name", "opportunity", "portfolio", "stage_template", "salesperson", "from_stage", "to_stage",
	"from_status", "to_status", "currency", "amount", "days", "user", "changed_on", "source", "owner",
	"modified_by", "creation", "modified", "docstatus",
]  # fmt: skip


def execute():
	frappe.reload_doc("crm_portal", "doctype", "crm_stage_change")
	stage_types = dict(frappe.get_all("CRM Stage", fields=["name", "stage_type"], as_list=True))
	last = ""
	while page := frappe.get_all(
		"CRM Opportunity",
		filters=[["name", ">", last]],
		fields=OPPORTUNITY_FIELDS,
		order_by="name asc",
		limit_page_length=BATCH,
	):
		last = page[-1].name
		backfill(page, stage_types)
	clear_template_figures()


def backfill(opportunities: list, stage_types: dict) -> int:
	"""The log rows of the opportunities of one page that have none yet; returns how many."""
	logged = set(
		frappe.get_all(
			STAGE_CHANGE,
			filters={"opportunity": ("in", [o.name for o in opportunities])},
			pluck="opportunity",
			distinct=True,
		)
	)
	todo = [o for o in opportunities if o.name not in logged]
	if not todo:
		return 0
	versions: dict[str, list] = {}
	for version in frappe.get_all(
		"Version",
		filters={"ref_doctype": "CRM Opportunity", "docname": ("in", [o.name for o in todo])},
		fields=["docname", "creation", "owner", "data"],
		order_by="creation asc",
	):
		versions.setdefault(version.docname, []).append(
			(version.creation, version.owner, parse(version.data))
		)
	now = now_datetime()
	rows = []
	for opportunity in todo:
		for row in rebuild(opportunity, versions.get(opportunity.name, []), stage_types):
			rows.append(
				(
					frappe.generate_hash(length=10),
					opportunity.name,
					opportunity.portfolio,
					opportunity.stage_template,
					opportunity.salesperson,
					row["from_stage"],
					row["to_stage"],
					row["from_status"],
					row["to_status"],
					opportunity.currency,
					row["amount"],
					row["days"],
					row["user"],
					row["changed_on"],
					"Version",
					opportunity.owner,
					row["user"],
					now,
					now,
					0,
				)  # fmt: skip
			)
	frappe.db.bulk_insert(STAGE_CHANGE, ROW_FIELDS, rows)
	without_since = [o.name for o in todo if not o.stage_since]
	if without_since:  # entered its current stage at its last move
		frappe.db.sql(
			"""update `tabCRM Opportunity` o set o.stage_since = (select max(c.changed_on)
			from `tabCRM Stage Change` c where c.opportunity = o.name)
			where o.name in %(names)s and o.stage_since is null""",
			{"names": without_since},
		)
	return len(rows)


def parse(data: str | None) -> dict:
	try:
		return json.loads(data or "{}") or {}
	except ValueError:
		return {}
