"""Account DocTypes on this site, and their titles (frappe-using helpers of the accounts package)."""

import frappe

from crm_portal.accounts import ACCOUNT_DOCTYPES


def get_account_doctypes() -> list[str]:
	"""The account DocTypes present on this site (CRM Prospect ships with the app)."""
	return [dt for dt in ACCOUNT_DOCTYPES if frappe.db.exists("DocType", dt)]


def get_account_title(account_type: str, account: str) -> str | None:
	title_field = frappe.get_meta(account_type).get_title_field()
	return frappe.db.get_value(account_type, account, title_field)
