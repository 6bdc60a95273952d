# Copyright (c) 2026, crm_portal developers
# For license information, please see license.txt

from frappe.model.document import Document


class CRMAccountLink(Document):
	"""A row of an account's links, checked by crm_portal.accounts.validation.validate_account_links."""
