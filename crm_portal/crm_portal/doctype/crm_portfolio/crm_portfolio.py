# Copyright (c) 2026, crm_portal developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from crm_portal.utils import bold_text


class CRMPortfolio(Document):
	def validate(self):
		self.validate_default_stage()

	def validate_default_stage(self):
		if not self.default_stage:
			return
		stage = frappe.db.get_value(
			"CRM Stage", self.default_stage, ["stage_template", "stage_type"], as_dict=True
		)
		if stage.stage_template != self.stage_template:
			frappe.throw(
				_("Default stage {0} is not a stage of template {1}").format(
					bold_text(self.default_stage), bold_text(self.stage_template)
				)
			)
		if stage.stage_type != "Open":
			frappe.throw(_("The default stage must be an open stage"))
