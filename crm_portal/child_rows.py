"""A child table row read by its own name follows its parent *record* (DESIGN.md rule 10, walls on every path).

Frappe v15 judges a row loaded on its own (`GET /api/resource/<child>/<row>`, `frappe.client.get`,
`frappe.desk.form.load.getdoc`, the v2 API, print views) on its parent *DocType* only:
`frappe.permissions.has_child_permission` hands the parent check the row's `parent_doc`, which a row loaded
on its own does not have, so whoever reads one opportunity reads every opportunity's estimate lines, and
`has_permission` hooks are never called for a child DocType. Lists of rows (`?parent=`) are filtered by
`crm_portal.generic_endpoints.child_query_conditions`; for reads by name, the same child DocTypes get a
controller (hooks.py `override_doctype_class`, subclassing their own) whose `has_permission` also asks
the parent record, through the parent's rules (its `has_permission` hooks included). Rows inside their
parent document (`parent_doc` set) are judged with that document, as Frappe does."""

import frappe
from erpnext.accounts.doctype.payment_schedule import payment_schedule
from erpnext.accounts.doctype.pricing_rule_detail import pricing_rule_detail
from erpnext.accounts.doctype.sales_taxes_and_charges import sales_taxes_and_charges
from erpnext.crm.doctype.competitor_detail import competitor_detail
from erpnext.crm.doctype.crm_note import crm_note
from erpnext.crm.doctype.prospect_lead import prospect_lead
from erpnext.crm.doctype.prospect_opportunity import prospect_opportunity
from erpnext.selling.doctype.quotation_item import quotation_item
from erpnext.selling.doctype.sales_order_item import sales_order_item
from erpnext.setup.doctype.quotation_lost_reason_detail import quotation_lost_reason_detail
from erpnext.stock.doctype.packed_item import packed_item
from frappe.contacts.doctype.contact_email import contact_email
from frappe.contacts.doctype.contact_phone import contact_phone
from frappe.core.doctype.dynamic_link import dynamic_link
from frappe.desk.doctype.event_participants import event_participants

from crm_portal.crm_portal.doctype.crm_account_link import crm_account_link
from crm_portal.crm_portal.doctype.crm_estimate_line import crm_estimate_line
from crm_portal.crm_portal.doctype.crm_opportunity_contact import crm_opportunity_contact

# Adding or deleting a row of a record edits that record.
RECORD_PTYPES = {"create": "write", "delete": "write"}


def parent_permits(row, ptype: str, user: str | None = None, debug: bool = False) -> bool:
	"""Whether `user` has `ptype` on the record `row` belongs to (a row whose parent is gone: no one)."""
	if not (row.parenttype and row.parent) or not frappe.db.exists(row.parenttype, row.parent):
		return False
	ptype = RECORD_PTYPES.get(ptype, ptype)
	return frappe.has_permission(row.parenttype, ptype, doc=row.parent, user=user, debug=debug)


class RowOfReadableParent:
	"""Mixin of the child controllers below: a row is allowed what its parent record allows."""

	def has_permission(self, permtype="read", *, debug=False, user=None) -> bool:
		if not super().has_permission(permtype, debug=debug, user=user):
			return False
		if self.flags.ignore_permissions or self.parent_doc is not None:
			return True  # Frappe judged the parent document this row is part of
		return parent_permits(self, permtype, user, debug)

	def before_print(self, settings=None):
		"""Print views ask `frappe.has_permission(doctype, ptype, row)`, which stops at the parent DocType:
		a row loaded on its own is printed only for a reader of its parent record."""
		if frappe.flags.ignore_print_permissions or self.parent_doc is not None:
			return
		if not (parent_permits(self, "read") or parent_permits(self, "print")):
			raise frappe.PermissionError


# The app's child tables (their parents: CRM Opportunity, CRM Prospect).
class CRMOpportunityContact(RowOfReadableParent, crm_opportunity_contact.CRMOpportunityContact):
	pass


class CRMEstimateLine(RowOfReadableParent, crm_estimate_line.CRMEstimateLine):
	pass


class CRMAccountLink(RowOfReadableParent, crm_account_link.CRMAccountLink):
	pass


# Frappe's: a contact's e-mails, phones and links (a portal user reads only her contacts), event guests.
class ContactEmail(RowOfReadableParent, contact_email.ContactEmail):
	pass


class ContactPhone(RowOfReadableParent, contact_phone.ContactPhone):
	pass


class DynamicLink(RowOfReadableParent, dynamic_link.DynamicLink):
	pass


class EventParticipants(RowOfReadableParent, event_participants.EventParticipants):
	pass


# ERPNext's, read through the Quotations, Sales Orders and Prospects the CRM walls (crm_portal/erpnext_walls.py).
class QuotationItem(RowOfReadableParent, quotation_item.QuotationItem):
	pass


class SalesOrderItem(RowOfReadableParent, sales_order_item.SalesOrderItem):
	pass


class SalesTaxesandCharges(RowOfReadableParent, sales_taxes_and_charges.SalesTaxesandCharges):
	pass


class PaymentSchedule(RowOfReadableParent, payment_schedule.PaymentSchedule):
	pass


class PackedItem(RowOfReadableParent, packed_item.PackedItem):
	pass


class PricingRuleDetail(RowOfReadableParent, pricing_rule_detail.PricingRuleDetail):
	pass


class QuotationLostReasonDetail(RowOfReadableParent, quotation_lost_reason_detail.QuotationLostReasonDetail):
	pass


class CompetitorDetail(RowOfReadableParent, competitor_detail.CompetitorDetail):
	pass


class ProspectLead(RowOfReadableParent, prospect_lead.ProspectLead):
	pass


class ProspectOpportunity(RowOfReadableParent, prospect_opportunity.ProspectOpportunity):
	pass


class CRMNote(RowOfReadableParent, crm_note.CRMNote):
	pass
