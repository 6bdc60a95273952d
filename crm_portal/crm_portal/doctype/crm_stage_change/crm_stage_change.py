# Copyright (c) 2026, crm_portal developers
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CRMStageChange(Document):
	"""One move of an opportunity (stage and/or status), written by crm_portal/forecast/log.py in the
	same transaction as the move; never edited by hand. The forecast reads these rows."""


def on_doctype_update():
	frappe.db.add_index("CRM Stage Change", ["opportunity", "changed_on"])
	frappe.db.add_index("CRM Stage Change", ["portfolio", "changed_on"])
	frappe.db.add_index("CRM Stage Change", ["stage_template", "changed_on"])
