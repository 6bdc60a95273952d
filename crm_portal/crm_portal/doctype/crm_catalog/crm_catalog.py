# Copyright (c) 2026, crm_portal developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class CRMCatalog(Document):
	def validate(self):
		if self.pdf_file and not self.pdf_file.split("?")[0].lower().endswith(".pdf"):
			frappe.throw(_("A catalog must be a PDF file"), title=_("Invalid catalog"))
