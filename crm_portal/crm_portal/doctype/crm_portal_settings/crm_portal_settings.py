# Copyright (c) 2026, crm_portal developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_portal.utils import bold_text


class CRMPortalSettings(Document):
	def validate(self):
		if self.min_search_chars is not None and not 0 <= self.min_search_chars <= 10:
			frappe.throw(_("Minimum search characters must be between 0 and 10"))
		if self.sirene_api_url and not self.sirene_api_url.startswith(("http://", "https://")):
			frappe.throw(_("The SIRENE API base URL must start with http:// or https://"))
		self.validate_card_fields()

	def validate_card_fields(self):
		meta = frappe.get_meta("CRM Opportunity")
		unknown = [f for f in (self.card_fields or "").split() if not meta.has_field(f)]
		if unknown:
			frappe.throw(
				_("Unknown fields of CRM Opportunity for the cards: {0}").format(
					", ".join(bold_text(k) for k in unknown)
				)
			)
