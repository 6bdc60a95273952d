# Copyright (c) 2026, crm_portal developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.contacts.address_and_contact import delete_contact_and_address, load_address_and_contact
from frappe.model.document import Document

from crm_portal.accounts import fields as account_fields
from crm_portal.accounts.validation import validate_account
from crm_portal.names import escape_formatted
from crm_portal.utils import bold_text


class CRMProspect(Document):
	"""A company sales people prospect: Draft until validated by an explicit action, Customer once
	linked to the ERPNext Customer it became, Closed when no longer worked on."""

	def onload(self):
		load_address_and_contact(self)

	def get_formatted(self, fieldname, *args, **kwargs):
		"""Names print as text (crm_portal/names.py): Frappe's print formats show Data values as HTML."""
		return escape_formatted(self, fieldname, super().get_formatted(fieldname, *args, **kwargs))

	def validate(self):
		self.set_status()
		validate_account(self)

	def on_trash(self):
		delete_contact_and_address(self.doctype, self.name)

	def set_status(self):
		"""Status moves only through the actions below (flags.status_change); a customer link makes an
		open prospect a Customer."""
		previous = None
		if not self.is_new():
			before = self.get_doc_before_save()
			previous = before.status if before else self.status
		if not self.flags.status_change:
			self.status = previous or account_fields.DRAFT
		if self.customer and self.status != account_fields.CLOSED:
			self.status = account_fields.CUSTOMER_STATUS

	def change_status(self, status: str):
		self.flags.status_change = True
		self.status = status
		self.save()
		self.flags.status_change = False

	def validate_prospect(self):
		"""Draft → Validated (the "Validate prospect" action)."""
		if self.status != account_fields.DRAFT:
			frappe.throw(
				_("Only a draft prospect can be validated ({0} is {1})").format(
					bold_text(self.call_name), _(self.status)
				),
				title=_("Cannot validate"),
			)
		self.change_status(account_fields.VALIDATED)

	def close(self):
		if self.status == account_fields.CLOSED:
			return
		self.change_status(account_fields.CLOSED)

	def reopen(self):
		if self.status != account_fields.CLOSED:
			return
		self.change_status(account_fields.CUSTOMER_STATUS if self.customer else account_fields.VALIDATED)
