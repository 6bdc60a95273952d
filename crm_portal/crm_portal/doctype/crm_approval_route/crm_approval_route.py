# Copyright (c) 2026, crm_portal developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class CRMApprovalRoute(Document):
	def validate(self):
		if bool(self.approver) == bool(self.approver_role):
			frappe.throw(
				_("Approval route {0}: choose an approver or an approver role (one of them)").format(
					self.idx
				),
				title=_("Approval Routing"),
			)
		if not (self.bu or self.filiere):
			frappe.throw(
				_(
					"Approval route {0}: give a BU, a filière or both (the default approver covers the rest)"
				).format(self.idx),
				title=_("Approval Routing"),
			)
