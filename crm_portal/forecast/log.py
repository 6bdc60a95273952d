"""The stage-change log: one `CRM Stage Change` row per move of an opportunity, whatever the path
(board, form, REST, portal, quotation and order events, reuse, Rouvrir), written by the opportunity's own
hooks, so in the same transaction as the move (a failed save leaves no row).

Rows carry the opportunity's owner and current salesperson, so they obey the opportunities' walls
(crm_portal/permissions.py): when a deal changes hands its rows follow it."""

import frappe
from frappe.query_builder.functions import Max
from frappe.utils import now_datetime

STAGE_CHANGE = "CRM Stage Change"


def set_stage_since(doc, method: str | None = None) -> None:
	"""before_save of CRM Opportunity: when it entered its current stage."""
	before = None if doc.is_new() else doc.get_doc_before_save()
	if before is None or (before.stage, before.status) != (doc.stage, doc.status):
		doc.stage_since = now_datetime()
	elif not doc.stage_since:
		doc.stage_since = doc.creation or now_datetime()


def on_opportunity_update(doc, method: str | None = None) -> None:
	"""on_update of CRM Opportunity (runs on insert too): log the move, keep the rows' salesperson."""
	before = doc.get_doc_before_save()
	if before is not None and before.salesperson != doc.salesperson:
		change = frappe.qb.DocType(STAGE_CHANGE)
		frappe.qb.update(change).set(change.salesperson, doc.salesperson).where(
			change.opportunity == doc.name
		).run()
	if before is not None and (before.stage, before.status) == (doc.stage, doc.status):
		return
	if not doc.stage_since or (before is not None and doc.stage_since == before.stage_since):
		# a save that skipped before_save (flags.ignore_validate): the move is now all the same
		doc.db_set("stage_since", now_datetime(), update_modified=False)
	write_row(
		doc,
		from_stage=before.stage if before else None,
		from_status=before.status if before else None,
		changed_on=doc.stage_since,
		user=frappe.session.user,
	)


def write_row(doc, from_stage, from_status, changed_on, user, source: str = "Live", amount=None, days=None):
	"""Insert one row (the app's own record: no permission applies, nobody edits it)."""
	row = frappe.new_doc(STAGE_CHANGE)
	row.update(
		{
			"opportunity": doc.name,
			"portfolio": doc.portfolio,
			"stage_template": doc.stage_template,
			"salesperson": doc.salesperson,
			"from_stage": from_stage,
			"to_stage": doc.stage,
			"from_status": from_status,
			"to_status": doc.status,
			"currency": doc.currency,
			"amount": doc.amount if amount is None else amount,
			"days": doc.days if days is None else days,
			"user": user,
			"changed_on": changed_on,
			"source": source,
		}
	)
	row.owner = doc.owner
	row.modified_by = user
	row.creation = row.modified = now_datetime()
	row.db_insert()
	return row


def refresh_last_action(action, method: str | None = None) -> None:
	"""on_update / after_delete of CRM Action: the opportunity's last done action (for the at-risk
	rule), written to that one column like its next planned action."""
	opportunities = {action.get("opportunity")}
	before = action.get_doc_before_save() if method == "on_update" else None
	if before is not None:
		fields = ("opportunity", "status", "completed_on")
		if all(before.get(f) == action.get(f) for f in fields):
			return  # nothing the last action date depends on changed
		opportunities.add(before.get("opportunity"))
	table = frappe.qb.DocType("CRM Action")
	for opportunity in filter(None, opportunities):
		if not frappe.db.exists("CRM Opportunity", opportunity):
			continue
		(last,) = (
			frappe.qb.from_(table)
			.select(Max(table.completed_on))
			.where((table.opportunity == opportunity) & (table.status == "Done"))
			.run()[0]
		)
		frappe.db.set_value("CRM Opportunity", opportunity, "last_action_on", last, update_modified=False)


def on_opportunity_trash(doc, method: str | None = None) -> None:
	"""on_trash of CRM Opportunity: its log goes with it (a deleted deal is no history)."""
	frappe.db.delete(STAGE_CHANGE, {"opportunity": doc.name})
