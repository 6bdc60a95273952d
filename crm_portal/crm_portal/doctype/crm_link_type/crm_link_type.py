# Copyright (c) 2026, crm_portal developers
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CRMLinkType(Document):
	"""A kind of link between two accounts: management (DONORDRE / CL_A_FACT / SITE_LIV…, used on
	sales documents) or filiation (parent company, branch…, informative), with a direction."""

	def before_insert(self):
		self.normalize_code()  # before naming: the code is the name

	def validate(self):
		self.normalize_code()

	def normalize_code(self):
		self.code = (self.code or "").strip().upper()
