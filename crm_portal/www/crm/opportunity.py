"""/crm/opportunity/<name>: one of the portal user's opportunities: figures, stage moves, won / lost,
its actions (log, complete). Another user's opportunity answers 403, an unknown one 404."""

import frappe
from frappe import _
from frappe.utils import today

from crm_portal import portal

no_cache = 1


def get_context(context):
	portal.prepare(
		context, _("Opportunity"), [{"route": "/crm/opportunities", "title": _("My opportunities")}]
	)
	doc = portal.get_opportunity(portal.arg("name"))
	context.title = _("Opportunity {0}").format(doc.name)  # the name only: the breadcrumb prints it raw
	context.doc = doc
	context.quotation = portal.quotation_badge(doc)
	context.can_write = bool(frappe.has_permission("CRM Opportunity", "write", doc=doc))
	stages = portal.stages_of(doc.stage_template)
	context.stage_name = next((s.stage_name for s in stages if s.name == doc.stage), doc.stage)
	context.open_stages = [s for s in stages if s.stage_type == "Open"]
	context.actions = portal.opportunity_actions(doc.name)
	context.action_types = portal.action_types()
	context.lost_reasons = portal.lost_reasons()
	context.now = portal.now_local()
	context.today = today()
