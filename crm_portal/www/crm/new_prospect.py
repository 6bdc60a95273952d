"""/crm/new-prospect: create a (Draft) prospect the user manages, through
crm_portal.api.accounts.create_prospect; then on to a new opportunity for it."""

import frappe
from frappe import _

from crm_portal import portal

no_cache = 1


def get_context(context):
	portal.prepare(context, _("New prospect"))
	frappe.has_permission("CRM Prospect", "create", throw=True)
	context.legal_forms = [
		f for f in (frappe.get_meta("CRM Prospect").get_field("legal_form").options or "").split("\n") if f
	]
