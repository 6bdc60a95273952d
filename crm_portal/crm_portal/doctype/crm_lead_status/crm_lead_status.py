# Copyright (c) 2026, crm_portal developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_portal.leads import statuses


class CRMLeadStatus(Document):
	def validate(self):
		errors = statuses.flag_errors(as_lead_status(self))
		if errors:
			frappe.throw("<br>".join(_(e) for e in errors), title=_("Invalid lead status"))

	def on_update(self):
		# Leads keep a copy of the flag for the Leads list / history filters.
		if (
			not self.is_new()
			and self.has_value_changed("is_open")
			and frappe.db.has_column("Lead", "crm_lead_status")  # a Custom Field synced after install
		):
			lead = frappe.qb.DocType("Lead")
			(
				frappe.qb.update(lead)
				.set(lead.crm_status_is_open, self.is_open)
				.where(lead.crm_lead_status == self.name)
				.run()
			)


def as_lead_status(doc) -> statuses.LeadStatus:
	return statuses.LeadStatus(
		name=doc.name or doc.status_name,
		sequence=doc.sequence or 0,
		is_open=bool(doc.is_open),
		is_lost=bool(doc.is_lost),
		is_converted=bool(doc.is_converted),
		allows_conversion=bool(doc.allows_conversion),
	)


def get_lead_statuses() -> list[statuses.LeadStatus]:
	rows = frappe.get_all(
		"CRM Lead Status",
		fields=["name", "sequence", "is_open", "is_lost", "is_converted", "allows_conversion"],
	)
	return statuses.ordered(
		[
			statuses.LeadStatus(
				r.name,
				r.sequence or 0,
				bool(r.is_open),
				bool(r.is_lost),
				bool(r.is_converted),
				bool(r.allows_conversion),
			)
			for r in rows
		]
	)
