# Copyright (c) 2026, crm_portal developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model import no_value_fields
from frappe.model.document import Document

from crm_portal.accounts.doctypes import get_account_doctypes
from crm_portal.utils import bold_text

# Fields the pipeline sets itself: requiring them would make a stage unreachable or meaningless.
SYSTEM_FIELDS = {
	"stage",
	"status",
	"stage_template",
	"company",
	"weighted_amount",
	"weighted_days",
	"naming_series",
}


class CRMStage(Document):
	def validate(self):
		self.validate_probability()
		self.validate_required_fields()

	def validate_probability(self):
		if not 0 <= (self.probability or 0) <= 100:
			frappe.throw(_("Probability must be between 0 and 100 %"))

	def validate_required_fields(self):
		"""Every required field must exist on its target (all account DocTypes for Account), so a typo
		is refused here instead of blocking opportunities later."""
		seen = set()
		for row in self.required_fields:
			row.fieldname = (row.fieldname or "").strip()
			key = (row.target, row.fieldname)
			if key in seen:
				frappe.throw(_("Row {0}: {1} is listed twice").format(row.idx, bold_text(row.fieldname)))
			seen.add(key)
			doctypes = ["CRM Opportunity"] if row.target == "Opportunity" else get_account_doctypes()
			for doctype in doctypes:
				df = frappe.get_meta(doctype).get_field(row.fieldname)
				if not df or df.fieldtype in no_value_fields or row.fieldname in SYSTEM_FIELDS:
					frappe.throw(
						_("Row {0}: {1} has no field {2} that a user can fill").format(
							row.idx, _(doctype), bold_text(row.fieldname)
						),
						title=_("Unknown field"),
					)
			row.label = df.label
			row.fieldtype = df.fieldtype
