"""/crm/opportunities: a portal user's opportunities as a list (open, won or lost; searchable)."""

from frappe import _

from crm_portal import portal

no_cache = 1


def get_context(context):
	portal.prepare(context, _("My opportunities"))
	context.status = portal.arg("status", "Open")
	if context.status not in portal.STATUSES:
		context.status = "Open"
	context.search = portal.arg("q")
	context.statuses = portal.STATUSES
	context.opportunities = portal.my_opportunities(context.status, context.search)
