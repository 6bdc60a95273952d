"""The mission letter ("lettre de mission", seed 002): once its proposal is approved ("Validée"), the
salesperson sends the client a letter made from the Quotation.

- The print format "Lettre de mission" (crm_portal/crm_portal/print_format/lettre_de_mission/) prints the
  letter head, then `crm_mission_letter(doc)` (a Jinja method, hooks.py `jinja`): the body
  (crm_portal/templates/print/mission_letter.html) in the print format's language, from
  `mission_letter_values`: the opportunity's account, contact and dates (mission start and end are the
  opportunity's recurring period), the proposal's lines with their amounts before and after discount, and
  the signatory (the opportunity's salesperson, for the company). Its print views stay behind the CRM's wall
  (crm_portal.erpnext_walls.has_website_permission).
- The desk sends it with Frappe's e-mail composer (public/js/quotation.js); the Communication it makes goes
  through `frappe.core.doctype.communication.email.make`, where two Communication hooks act:
  `before_insert` refuses an e-mail sent on a Quotation of an opportunity before it is "Validée" (the one
  guard, crm_portal.pipeline.approval.ensure_validated) and `validate` adds the opportunity and its account
  to the Communication's timeline links, so the e-mail shows on both.
- `get_quotation_approval` tells the opportunity form who must approve its proposal and since when."""

import frappe
from frappe import _
from frappe.utils import cstr, flt, fmt_money, formatdate, get_fullname

from crm_portal.arguments.checks import checked_arguments
from crm_portal.pipeline.approval import VALIDATED, ensure_validated

OPPORTUNITY = "CRM Opportunity"
QUOTATION = "Quotation"
LINK_FIELD = "crm_opportunity"  # Custom Field on Quotation (fixtures)
PRINT_FORMAT = "Lettre de mission"
SEND_ACTION = "send"
LETTER_ACTION = "mission_letter"


# Print format
# ------------


def money(value, currency: str | None) -> str:
	return fmt_money(flt(value), currency=currency)


def percent(value) -> str:
	"""A percentage (or a number of days) as the letter writes it: "4", "5.5"; empty when there is none."""
	return f"{flt(value):g}" if flt(value) else ""


def letter_lines(quotation) -> list[dict]:
	"""The proposal's lines: quantity, unit price before discount, discount (%), amount after discount."""
	lines = []
	for row in quotation.items:
		list_rate = flt(row.price_list_rate) or flt(row.rate)
		before = flt(list_rate * flt(row.qty), 2)
		lines.append(
			{
				"item_name": cstr(row.item_name or row.item_code),
				"description": cstr(row.description) if row.description != row.item_name else "",
				"qty": flt(row.qty),
				"uom": cstr(row.uom),
				"rate_before": money(list_rate, quotation.currency),
				"discount": percent(row.discount_percentage),
				"before": before,
				"amount": money(row.amount, quotation.currency),
			}
		)
	return lines


def letter_totals(quotation, lines: list[dict]) -> dict:
	"""Amounts before discount (list prices), the discounts (on the lines and on the whole proposal), the
	amount after discount (net, before taxes) and the total with taxes."""
	currency = quotation.currency
	before = flt(sum(line["before"] for line in lines), 2)
	net = flt(quotation.net_total)
	return {
		"before_discount": money(before, currency),
		"discount": money(before - net, currency) if flt(before - net, 2) > 0 else "",
		"additional_discount_percentage": percent(quotation.additional_discount_percentage),
		"after_discount": money(net, currency),
		"taxes": money(quotation.total_taxes_and_charges, currency)
		if flt(quotation.total_taxes_and_charges)
		else "",
		"grand_total": money(quotation.grand_total, currency),
	}


def opportunity_values(name: str | None) -> frappe._dict | None:
	"""What the letter shows of the opportunity, when the reader may read it."""
	if not name or not frappe.has_permission(OPPORTUNITY, "read", name):
		return None
	return frappe.db.get_value(
		OPPORTUNITY,
		name,
		[
			"name",
			"title",
			"account_type",
			"account",
			"account_name",
			"salesperson",
			"contact",
			"contact_name",
			"contact_function",
			"contact_email",
			"expected_signature_date",
			"signed_on",
			"recurring_start",
			"recurring_end",
			"days",
			"description",
			"company",
		],
		as_dict=True,
	)


def company_address(company: str) -> frappe._dict | None:
	"""The company's postal address (its primary one, else any), for the letter when there is no letter head."""
	names = frappe.get_all(
		"Dynamic Link",
		filters={"parenttype": "Address", "link_doctype": "Company", "link_name": company},
		pluck="parent",
	)
	if not names:
		return None
	rows = frappe.get_all(
		"Address",
		filters={"name": ("in", names), "disabled": 0},
		fields=["address_line1", "address_line2", "pincode", "city", "is_primary_address", "name"],
	)
	rows.sort(key=lambda r: (not r.is_primary_address, r.name))
	return rows[0] if rows else None


def letter_language() -> str:
	"""The letter is written in its print format's language (French as shipped; an admin may change it on the
	print format), whatever the reader's."""
	return (
		frappe.get_cached_value("Print Format", PRINT_FORMAT, "default_print_language") or frappe.local.lang
	)


def crm_mission_letter(doc) -> str:
	"""The letter's body (Jinja method the print format "Lettre de mission" calls under the letter head),
	rendered in the letter's language; every record value is escaped by the template."""
	from frappe.translate import print_language

	with print_language(letter_language()):
		return frappe.render_template(
			"crm_portal/templates/print/mission_letter.html", {"letter": mission_letter_values(doc)}
		)


def mission_letter_values(doc) -> dict:
	"""Everything the mission letter shows."""
	if doc.doctype != QUOTATION:
		frappe.throw(_("The mission letter is printed from a Quotation"))
	opportunity = opportunity_values(doc.get(LINK_FIELD))
	lines = letter_lines(doc)
	salesperson = (opportunity and opportunity.salesperson) or doc.owner
	dates = []
	if opportunity:
		for label, value in (
			(_("Mission start"), opportunity.recurring_start),
			(_("Mission end"), opportunity.recurring_end),
			(
				_("Expected Signature Date"),
				None if opportunity.signed_on else opportunity.expected_signature_date,
			),
			(_("Signed on"), opportunity.signed_on),
		):
			if value:
				dates.append({"label": label, "value": formatdate(value)})
		if flt(opportunity.days):
			dates.append({"label": _("Days"), "value": percent(opportunity.days)})
	if doc.valid_till:
		dates.append({"label": _("Proposal valid until"), "value": formatdate(doc.valid_till)})
	return {
		"company": doc.company,
		"company_address": company_address(doc.company),
		"place_date": formatdate(doc.transaction_date),
		"client": (opportunity and opportunity.account_name) or doc.customer_name or doc.party_name,
		"contact": (opportunity and opportunity.contact_name) or doc.contact_display or "",
		"contact_function": (opportunity and opportunity.contact_function) or "",
		"address": doc.address_display or "",
		"title": (opportunity and opportunity.title) or doc.title or doc.name,
		"reference": doc.name,
		"opportunity": opportunity and opportunity.name,
		"dates": dates,
		"lines": lines,
		"totals": letter_totals(doc, lines),
		"terms": doc.terms or "",
		"signatory": get_fullname(salesperson),
		"signatory_email": salesperson if "@" in cstr(salesperson) else "",
	}


# Sending (Communication hooks)
# -----------------------------


def is_sent_email_on_quotation(communication) -> bool:
	return (
		communication.reference_doctype == QUOTATION
		and bool(communication.reference_name)
		and communication.sent_or_received == "Sent"
		and communication.communication_medium == "Email"
		and (communication.communication_type or "Communication") == "Communication"
	)


def quotation_of(communication):
	"""The Quotation of an opportunity an e-mail is sent on, or None."""
	if not is_sent_email_on_quotation(communication):
		return None
	opportunity = frappe.db.get_value(QUOTATION, communication.reference_name, LINK_FIELD)
	if not opportunity:
		return None
	return frappe.get_doc(QUOTATION, communication.reference_name)


def before_communication_insert(communication, method=None) -> None:
	"""An e-mail on an opportunity's Quotation (the mission letter, or any other) leaves only once the
	proposal is "Validée"; the rule lives in one place, approval.ensure_validated."""
	quotation = quotation_of(communication)
	if quotation is None:
		return
	ensure_validated(quotation, SEND_ACTION)


def add_timeline_links(communication, method=None) -> None:
	"""Communication validate (after Frappe's own links): an e-mail on an opportunity's Quotation shows on
	the opportunity and on its account too."""
	if not (communication.reference_doctype == QUOTATION and communication.reference_name):
		return
	opportunity = frappe.db.get_value(QUOTATION, communication.reference_name, LINK_FIELD)
	if not opportunity:
		return
	account_type, account = frappe.db.get_value(OPPORTUNITY, opportunity, ["account_type", "account"]) or (
		None,
		None,
	)
	existing = {(link.link_doctype, link.link_name) for link in communication.timeline_links}
	for link in ((OPPORTUNITY, opportunity), (account_type, account)):
		if all(link) and link not in existing:
			communication.add_link(*link)
			existing.add(link)


# Desk
# ----


@frappe.whitelist()
@checked_arguments()
def get_quotation_approval(opportunity: str) -> dict | None:
	"""The approval of the opportunity's proposal, for its form: state, who must approve (a user, or the
	users of a role) and since when, the refusal's reason, and whether the mission letter may be sent."""
	frappe.has_permission(OPPORTUNITY, "read", opportunity, throw=True)
	quotation = frappe.db.get_value(OPPORTUNITY, opportunity, "quotation")
	if not quotation:
		return None
	meta = frappe.get_meta(QUOTATION)
	fields = ["name", "docstatus"] + [
		f
		for f in (
			"workflow_state",
			"crm_approver",
			"crm_approver_role",
			"crm_approval_requested_on",
			"crm_refusal_reason",
		)
		if meta.has_field(f)
	]
	values = frappe.db.get_value(QUOTATION, quotation, fields, as_dict=True)
	if not values:
		return None
	values.approver_name = get_fullname(values.crm_approver) if values.get("crm_approver") else None
	values.can_send_letter = values.get("workflow_state") == VALIDATED and frappe.has_permission(
		QUOTATION, "email", quotation
	)
	return values


@frappe.whitelist()
@checked_arguments()
def get_mission_letter_defaults(quotation: str) -> dict:
	"""What the composer opens with: the opportunity's contact, a subject and a short message, and the print
	format to attach. Refused before the proposal is "Validée" (the same guard as sending)."""
	doc = frappe.get_doc(QUOTATION, quotation)
	doc.check_permission("email")
	opportunity = doc.get(LINK_FIELD)
	if not opportunity:
		frappe.throw(_("This quotation does not belong to an opportunity"))
	ensure_validated(doc, LETTER_ACTION)
	values = opportunity_values(opportunity) or frappe._dict()
	title = values.title or doc.title or doc.name
	return {
		"recipients": values.contact_email or doc.contact_email or "",
		"subject": _("Mission letter: {0}").format(title),
		# one sentence per string: Frappe looks a string with markup up without its tags
		"message": "<br><br>".join(
			(
				_("Hello,"),
				_("Please find attached our mission letter for {0}.").format(frappe.utils.escape_html(title)),
				_("Best regards,"),
			)
		),
		"print_format": PRINT_FORMAT,
		"language": letter_language(),
	}
