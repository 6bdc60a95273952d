"""/crm/new-opportunity: create an opportunity on one of the user's prospects (or a new one when the
settings allow quick account creation), through crm_portal.api.pipeline.quick_create."""

import frappe
from frappe import _

from crm_portal import portal

no_cache = 1


def get_context(context):
	portal.prepare(context, _("New opportunity"))
	frappe.has_permission("CRM Opportunity", "create", throw=True)
	context.portfolios = portal.portfolios()
	context.portfolio = portal.chosen_portfolio(context.portfolios) if context.portfolios else None
	context.prospects = portal.my_prospects()
	context.prospect = portal.arg("prospect")
	context.quick_account = portal.quick_account_creation()
