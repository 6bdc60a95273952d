"""Account DocTypes on this site, and their titles (frappe-using helpers of the accounts package)."""

import frappe

from crm_portal.accounts import ACCOUNT_DOCTYPES
from crm_portal.utils import bold_text


def get_account_doctypes() -> list[str]:
	"""The account DocTypes present on this site (CRM Prospect ships with the app)."""
	return [dt for dt in ACCOUNT_DOCTYPES if frappe.db.exists("DocType", dt)]


def get_account_title(account_type: str, account: str) -> str | None:
	title_field = frappe.get_meta(account_type).get_title_field()
	return frappe.db.get_value(account_type, account, title_field)


def check_links_readable(
	account_type: str | None = None, account: str | None = None, contact: str | None = None
):
	"""An API that links a record to an account or contact first checks that the user may read them, so
	a name typed by hand can neither reveal nor attach somebody else's account."""
	from frappe import _

	if account:
		if account_type not in get_account_doctypes():
			frappe.throw(_("The account must be a prospect or a customer"), title=_("Invalid account"))
		if not frappe.db.exists(account_type, account):
			frappe.throw(
				_("{0} {1} does not exist").format(_(account_type), bold_text(account)),
				frappe.DoesNotExistError,
			)
		frappe.has_permission(account_type, "read", doc=account, throw=True)
	if contact:
		if not frappe.db.exists("Contact", contact):
			frappe.throw(
				_("{0} {1} does not exist").format(_("Contact"), bold_text(contact)), frappe.DoesNotExistError
			)
		frappe.has_permission("Contact", "read", doc=contact, throw=True)
