"""Contact hooks: two contacts of one account never share an e-mail address."""

import frappe
from frappe import _
from frappe.query_builder import DocType

from crm_portal.accounts import ACCOUNT_DOCTYPES
from crm_portal.utils import bold_text


def contact_emails(contact) -> set[str]:
	emails = {(row.email_id or "").strip().lower() for row in contact.get("email_ids") or []}
	if contact.get("email_id"):
		emails.add(contact.email_id.strip().lower())
	return {e for e in emails if e}


def validate_unique_email_per_account(doc, method=None) -> None:
	"""Contact `validate` hook (doc_events)."""
	emails = contact_emails(doc)
	accounts = [
		(link.link_doctype, link.link_name)
		for link in doc.get("links") or []
		if link.link_doctype in ACCOUNT_DOCTYPES and link.link_name
	]
	if not emails or not accounts:
		return
	dynamic_link = DocType("Dynamic Link")
	contact_email = DocType("Contact Email")
	contact = DocType("Contact")
	for link_doctype, link_name in accounts:
		query = (
			frappe.qb.from_(dynamic_link)
			.join(contact_email)
			.on(contact_email.parent == dynamic_link.parent)
			.join(contact)
			.on(contact.name == dynamic_link.parent)
			.select(contact.name, contact.full_name, contact_email.email_id)
			.where(dynamic_link.parenttype == "Contact")
			.where(contact_email.parenttype == "Contact")
			.where(dynamic_link.link_doctype == link_doctype)
			.where(dynamic_link.link_name == link_name)
			.where(dynamic_link.parent != (doc.name or ""))
			.where(contact_email.email_id.isin(list(emails)))
			.limit(1)
		)
		clash = query.run(as_dict=True)
		if clash:
			clash = clash[0]
			title = frappe.get_meta(link_doctype).get_title_field()
			account_title = frappe.db.get_value(link_doctype, link_name, title) or link_name
			frappe.throw(
				_("The e-mail address {0} is already used by {1}, another contact of {2}").format(
					bold_text(clash.email_id),
					bold_text(clash.full_name or clash.name),
					bold_text(account_title),
				),
				frappe.DuplicateEntryError,
				title=_("E-mail already used"),
			)
