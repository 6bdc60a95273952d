"""Print formats of accounts (CRM Prospect, Customer): the account sheet ("fiche client / prospect")
and the address envelope, and attaching the sheet's PDF to the account.

`crm_account_sheet` and `crm_account_address` are Jinja methods (hooks.py `jinja`) the print formats'
templates (crm_portal/templates/print/) call."""

import frappe
from frappe import _
from frappe.utils.file_manager import save_file

from crm_portal.accounts import ACCOUNT_DOCTYPES
from crm_portal.accounts import fields as account_fields
from crm_portal.arguments.checks import checked_arguments

ACCOUNT_SHEETS = {"CRM Prospect": "CRM Prospect Sheet", "Customer": "CRM Customer Sheet"}
ENVELOPES = {"CRM Prospect": "CRM Prospect Envelope", "Customer": "CRM Customer Envelope"}
SHEET_FIELDS = (
	"legal_name",
	"legal_form",
	"siren",
	"siret",
	"ape_code",
	"account_manager",
	"customer_group",
	"territory",
	"industry",
	"source",
	"phone",
	"invoice_email",
)
HOME_COUNTRY = "France"


def account_value(doc, field: str):
	fieldname = account_fields.fieldname(doc.doctype, field)
	return doc.get(fieldname) if doc.meta.has_field(fieldname) else None


def linked(parenttype: str, doctype: str, name: str) -> list[str]:
	return frappe.get_all(
		"Dynamic Link",
		filters={"parenttype": parenttype, "link_doctype": doctype, "link_name": name},
		pluck="parent",
		order_by="idx asc",
	)


def crm_account_address(doc) -> dict | None:
	"""The account's postal address for the envelope: its primary (else billing, else first) address."""
	names = linked("Address", doc.doctype, doc.name)
	if not names:
		return None
	rows = frappe.get_all(
		"Address",
		filters={"name": ("in", names), "disabled": 0},
		fields=[
			"name",
			"address_title",
			"address_type",
			"address_line1",
			"address_line2",
			"pincode",
			"city",
			"country",
			"is_primary_address",
		],
	)
	if not rows:
		return None
	rows.sort(key=lambda r: (not r.is_primary_address, r.address_type != "Billing", r.name))
	address = rows[0]
	address.city_line = " ".join(
		p for p in ((address.pincode or "").strip(), (address.city or "").upper()) if p
	)
	address.show_country = bool(address.country and address.country != HOME_COUNTRY)
	return address


def crm_account_sheet(doc) -> dict:
	"""Everything the account sheet shows, the same way for both account DocTypes."""
	if doc.doctype not in ACCOUNT_DOCTYPES:
		frappe.throw(_("The account sheet is for CRM Prospects and Customers only"))
	meta = doc.meta
	identity = []
	for field in SHEET_FIELDS:
		fieldname = account_fields.fieldname(doc.doctype, field)
		value = account_value(doc, field)
		if value:
			identity.append({"label": _(meta.get_label(fieldname)), "value": value})
	contact_names = linked("Contact", doc.doctype, doc.name)
	contacts = (
		frappe.get_all(
			"Contact",
			filters={"name": ("in", contact_names)},
			fields=["name", "full_name", "designation", "email_id", "phone", "mobile_no"],
			order_by="full_name asc",
		)
		if contact_names
		else []
	)
	opportunities = frappe.get_list(
		"CRM Opportunity",
		filters={"account_type": doc.doctype, "account": doc.name, "status": "Open"},
		fields=["name", "title", "stage", "amount", "currency", "expected_signature_date"],
		order_by="expected_signature_date asc",
		limit=20,
	)
	for opp in opportunities:
		opp.stage_name = frappe.get_cached_value("CRM Stage", opp.stage, "stage_name") if opp.stage else ""
	addresses = [frappe.get_doc("Address", name) for name in linked("Address", doc.doctype, doc.name)]
	return {
		"title": account_value(doc, "call_name") or doc.name,
		"kind": _("Prospect") if doc.doctype == account_fields.PROSPECT else _("Customer"),
		"status": doc.get("status") if doc.doctype == account_fields.PROSPECT else None,
		"identity": identity,
		"addresses": [a for a in addresses if not a.disabled],
		"contacts": contacts,
		"opportunities": opportunities,
		"notes": account_value(doc, "notes"),
	}


@frappe.whitelist(methods=["POST"])
@checked_arguments()
def attach_account_sheet(doctype: str, name: str) -> dict:
	"""Print the account sheet as PDF and attach it (private file) to the account."""
	if doctype not in ACCOUNT_SHEETS:
		frappe.throw(_("The account sheet is for CRM Prospects and Customers only"))
	doc = frappe.get_doc(doctype, name)
	doc.check_permission("print")
	doc.check_permission("write")
	pdf = frappe.get_print(doctype, name, ACCOUNT_SHEETS[doctype], doc=doc, as_pdf=True)
	title = frappe.scrub(account_value(doc, "call_name") or name)
	file = save_file(
		f"{_('account-sheet')}-{title}-{frappe.utils.today()}.pdf", pdf, doctype, name, is_private=1
	)
	return {"file_name": file.file_name, "file_url": file.file_url, "name": file.name}
