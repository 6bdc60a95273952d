"""Lead endpoints: the conversion of a qualified lead into an account, a contact and an opportunity.

Everything happens in one transaction (`atomic`): a failure anywhere (a refused SIREN, a contact whose
e-mail another contact of the account has, a stage requirement of the opportunity) undoes it all."""

import frappe
from frappe import _
from frappe.utils import cint, now_datetime

from crm_portal.accounts import fields as account_fields
from crm_portal.api.accounts import PROSPECT_CREATE_FIELDS, make_prospect
from crm_portal.arguments.checks import checked_arguments
from crm_portal.crm_portal.doctype.crm_lead_status.crm_lead_status import get_lead_statuses
from crm_portal.leads import conversion, statuses
from crm_portal.utils import atomic, bold_text, check_not_stale, parse_json_arg

# Opportunity values the dialog may give; the others go through the controller's own checks.
OPPORTUNITY_ARGS = ("portfolio", "title", "amount", "days", "expected_signature_date", "stage")


@frappe.whitelist()
@checked_arguments()
def get_conversion_defaults(lead: str) -> dict:
	"""What the conversion dialog proposes: the account, contact and opportunity values taken over from
	the lead, and whether the lead may be converted now."""
	doc = frappe.get_doc("Lead", lead)
	doc.check_permission("read")
	values = doc.as_dict()
	blocked = conversion_blocker(doc)
	return {
		"can_convert": not blocked,
		"reason": blocked,
		"account_values": conversion.account_values(values),
		"contact_values": conversion.contact_values(values),
		"opportunity_values": conversion.opportunity_values(values),
		"legal_forms": list(account_fields.LEGAL_FORMS),
	}


def conversion_blocker(doc) -> str | None:
	"""Why this lead cannot be converted (a translated message), or None."""
	if doc.get("crm_converted_account"):
		return _("Lead {0} is already converted into {1} {2}").format(
			bold_text(doc.title or doc.name),
			_(doc.crm_converted_account_type),
			bold_text(doc.crm_converted_account),
		)
	all_statuses = get_lead_statuses()
	current = next((s for s in all_statuses if s.name == doc.get("crm_lead_status")), None)
	if not current or not current.allows_conversion:
		qualified = [s.name for s in all_statuses if s.allows_conversion]
		return _("Only a qualified lead can be converted: set its status to {0} first").format(
			" / ".join(bold_text(_(s)) for s in qualified) or _("a status that allows conversion")
		)
	if not statuses.converted_status(all_statuses):
		return _("No lead status is flagged Converted: ask an administrator to add one (CRM Lead Status)")
	return None


@frappe.whitelist(methods=["POST"])
@checked_arguments()
def convert_lead(
	lead: str,
	account_mode: str = conversion.NEW,
	account_type: str = "CRM Prospect",
	account: str | None = None,
	account_values: dict | str | None = None,
	contact_mode: str = conversion.NEW,
	contact: str | None = None,
	contact_values: dict | str | None = None,
	create_opportunity: bool | int | str = 0,
	opportunity_values: dict | str | None = None,
	modified: str | None = None,
) -> dict:
	"""Convert a qualified lead: a new or an existing account (CRM Prospect or Customer), a new or an
	existing contact of that account, optionally an opportunity in a portfolio; the lead gets the
	Converted status and links to what it became. All or nothing."""
	doc = frappe.get_doc("Lead", lead)
	doc.check_permission("write")
	check_not_stale(doc, modified)
	blocked = conversion_blocker(doc)
	if blocked:
		frappe.throw(blocked, title=_("Cannot convert"))

	lead_values = doc.as_dict()
	given_account = parse_json_arg(account_values, dict, _("Account values"))
	given_contact = parse_json_arg(contact_values, dict, _("Contact values"))
	given_opportunity = parse_json_arg(opportunity_values, dict, _("Opportunity values"))
	req = conversion.ConversionRequest(
		account_mode=account_mode,
		account_type=account_type,
		account=account,
		account_values=conversion.account_values(lead_values, given_account)
		if account_mode == conversion.NEW
		else {},
		contact_mode=contact_mode,
		contact=contact,
		contact_values=conversion.contact_values(lead_values, given_contact)
		if contact_mode == conversion.NEW
		else {},
		create_opportunity=bool(cint(create_opportunity)),
		opportunity_values=conversion.opportunity_values(lead_values, given_opportunity),
	)
	errors = conversion.request_errors(req)
	if errors:
		frappe.throw("<br>".join(_(e) for e in errors), title=_("Cannot convert"))

	with atomic():
		account_name = get_or_make_account(doc, req)
		contact_name = get_or_make_contact(doc, req, account_name)
		link_lead_records(doc, req.account_type, account_name)
		opportunity = make_opportunity(req, account_name, contact_name) if req.create_opportunity else None
		mark_converted(doc.name, req.account_type, account_name, contact_name, opportunity)
	return {
		"lead": doc.name,
		"account_type": req.account_type,
		"account": account_name,
		"contact": contact_name,
		"opportunity": opportunity,
	}


# --- account ---------------------------------------------------------------------------------------


def get_or_make_account(lead, req: conversion.ConversionRequest) -> str:
	if req.account_mode == conversion.EXISTING:
		if not frappe.db.exists(req.account_type, req.account):
			frappe.throw(_("{0} {1} does not exist").format(_(req.account_type), bold_text(req.account)))
		frappe.has_permission(req.account_type, "read", doc=req.account, throw=True)
		return req.account
	frappe.has_permission(req.account_type, "create", throw=True)
	values = dict(req.account_values)
	unknown = set(values) - PROSPECT_CREATE_FIELDS
	if unknown:
		frappe.throw(
			_("{0} cannot be set on a new account").format(", ".join(bold_text(k) for k in sorted(unknown)))
		)
	if req.account_type == account_fields.PROSPECT:
		return make_prospect(values).name
	return make_customer(lead, values)


def make_customer(lead, values: dict) -> str:
	"""An ERPNext Customer with its CRM fields; `lead_name` lets ERPNext link the lead's contacts,
	addresses and communications to it, as its own lead → customer does."""
	customer = frappe.new_doc("Customer")
	customer.update({account_fields.fieldname("Customer", k): v for k, v in values.items()})
	customer.customer_type = "Company" if lead.company_name else "Individual"
	customer.lead_name = lead.name
	customer.account_manager = customer.account_manager or frappe.session.user
	customer.insert()
	return customer.name


# --- contact ---------------------------------------------------------------------------------------


def lead_contacts(lead_name: str) -> list[str]:
	"""The contacts ERPNext made for the lead (CRM Settings: auto creation of contact)."""
	return frappe.get_all(
		"Dynamic Link",
		filters={"parenttype": "Contact", "link_doctype": "Lead", "link_name": lead_name},
		pluck="parent",
		order_by="creation asc",
	)


def get_or_make_contact(lead, req: conversion.ConversionRequest, account: str) -> str:
	if req.contact_mode == conversion.EXISTING:
		contact = frappe.get_doc("Contact", req.contact) if frappe.db.exists("Contact", req.contact) else None
		if not contact:
			frappe.throw(_("Contact {0} does not exist").format(bold_text(req.contact)))
		contact.check_permission("read")
		if not contact.has_link(req.account_type, account):
			frappe.throw(
				_("{0} is not a contact of {1}: choose one of its contacts or create a new one").format(
					bold_text(contact.full_name or contact.name), bold_text(account)
				)
			)
		return contact.name
	values = req.contact_values
	existing = lead_contacts(lead.name)
	if existing:
		# The lead's own contact becomes the account's: no duplicate person.
		contact = frappe.get_doc("Contact", existing[0])
		contact.check_permission("write")
	else:
		frappe.has_permission("Contact", "create", throw=True)
		contact = frappe.new_doc("Contact")
		contact.append("links", {"link_doctype": "Lead", "link_name": lead.name})
	for field in ("salutation", "first_name", "last_name", "designation"):
		if values.get(field):
			contact.set(field, values[field])
	contact.company_name = lead.company_name or contact.company_name
	email = (values.get("email_id") or "").strip()
	if email and email.lower() not in {(r.email_id or "").lower() for r in contact.email_ids}:
		contact.append("email_ids", {"email_id": email, "is_primary": int(not contact.email_ids)})
	known_numbers = {r.phone for r in contact.phone_nos}
	for field, flag in (("phone", "is_primary_phone"), ("mobile_no", "is_primary_mobile_no")):
		number = values.get(field)
		if number and number not in known_numbers:
			contact.append("phone_nos", {"phone": number, flag: 1})
			known_numbers.add(number)
	if not contact.has_link(req.account_type, account):
		contact.append("links", {"link_doctype": req.account_type, "link_name": account})
	contact.save() if not contact.is_new() else contact.insert()
	return contact.name


def link_lead_records(lead, account_type: str, account: str) -> None:
	"""The lead's addresses and communications follow it to the account (ERPNext does it for a new
	Customer made from a lead; this covers CRM Prospects and existing accounts)."""
	from erpnext.crm.utils import link_communications

	for address in frappe.get_all(
		"Dynamic Link",
		filters={"parenttype": "Address", "link_doctype": "Lead", "link_name": lead.name},
		pluck="parent",
	):
		doc = frappe.get_doc("Address", address)
		if not doc.has_link(account_type, account):
			doc.append("links", {"link_doctype": account_type, "link_name": account})
			doc.save()
	account_doc = frappe.get_doc(account_type, account)
	already = set(
		frappe.get_all(
			"Communication Link",
			filters={"link_doctype": account_type, "link_name": account},
			pluck="parent",
		)
	)
	if not already:
		link_communications("Lead", lead.name, account_doc)


# --- opportunity and lead --------------------------------------------------------------------------


def make_opportunity(req: conversion.ConversionRequest, account: str, contact: str) -> str:
	"""Through the pipeline's quick-create, so the portfolio's first stage and its requirements apply."""
	from crm_portal.api.pipeline import quick_create

	values = dict(req.opportunity_values)
	args = {k: values.pop(k) for k in OPPORTUNITY_ARGS if k in values}
	summary = quick_create(
		account=account,
		account_type=req.account_type,
		contact=contact,
		values={"opportunity": values} if values else None,
		**args,
	)
	return summary["name"]


def mark_converted(
	lead_name: str, account_type: str, account: str, contact: str, opportunity: str | None
) -> None:
	# Reloaded: a new Customer made from the lead has already written ERPNext's status on it.
	doc = frappe.get_doc("Lead", lead_name)
	doc.update(
		{
			"crm_lead_status": statuses.converted_status(get_lead_statuses()).name,
			"crm_converted_account_type": account_type,
			"crm_converted_account": account,
			"crm_converted_contact": contact,
			"crm_converted_opportunity": opportunity,
			"crm_converted_on": now_datetime(),
			"crm_converted_by": frappe.session.user,
		}
	)
	doc.flags.crm_converting = True
	doc.save()
