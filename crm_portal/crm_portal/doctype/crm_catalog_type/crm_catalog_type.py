# Copyright (c) 2026, crm_portal developers
# For license information, please see license.txt

from frappe.model.document import Document


class CRMCatalogType(Document):
	pass
