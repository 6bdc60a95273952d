# Copyright (c) 2026, crm_portal developers
# For license information, please see license.txt

from frappe.model.document import Document


class CRMActionType(Document):
	def validate(self):
		if self.nature != "Meeting":
			self.default_duration = 0
