"""Lead document events (frappe-using; the rules themselves are in `statuses`)."""

import frappe
from frappe import _

from crm_portal.crm_portal.doctype.crm_lead_status.crm_lead_status import get_lead_statuses
from crm_portal.leads import statuses
from crm_portal.utils import bold_text


def validate_lead(doc, method=None) -> None:
	"""Lead `validate` (doc_events): a status by default, the open flag the lists filter on, and the
	converted status reserved to the conversion."""
	all_statuses = get_lead_statuses()
	if not doc.get("crm_lead_status"):
		default = statuses.default_status(all_statuses)
		doc.crm_lead_status = default.name if default else None
	current = next((s for s in all_statuses if s.name == doc.crm_lead_status), None)
	if doc.crm_lead_status and not current:
		return  # Frappe reports the broken link itself
	doc.crm_status_is_open = int(not statuses.is_history(current)) if current else 1
	if doc.get("crm_converted_account"):
		doc.status = "Converted"  # ERPNext's own status only knows conversions into a Customer
	if doc.flags.crm_converting or not doc.has_value_changed("crm_lead_status"):
		return
	if current and current.is_converted and not doc.get("crm_converted_account"):
		frappe.throw(
			_("Use the Convert button to convert a lead: it creates the account and the contact"),
			title=_("Convert the lead"),
		)
	if doc.get("crm_converted_account") and not doc.is_new():
		frappe.throw(
			_("Lead {0} is converted into {1}: its status can no longer change").format(
				bold_text(doc.title or doc.name), bold_text(doc.crm_converted_account)
			),
			title=_("Lead converted"),
		)
