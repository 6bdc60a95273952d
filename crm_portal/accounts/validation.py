"""Rules shared by both kinds of account (CRM Prospect and ERPNext Customer, whose CRM fields are
`crm_` Custom Fields): SIREN/SIRET checks, SIRET unique, duplicate warnings, account links."""

import frappe
from frappe import _

from crm_portal.accounts import ACCOUNT_DOCTYPES, identifiers
from crm_portal.accounts import fields as account_fields
from crm_portal.utils import bold_text

ORDERING_LINK_CODE = "DONORDRE"  # a management link always has an ordering side
MANAGEMENT = "Management"
FILIATION = "Filiation"
LINKABLE_DOCTYPES = {
	MANAGEMENT: ("CRM Prospect", "Customer"),
	FILIATION: ("CRM Prospect", "Customer", "Supplier"),
}


def has_crm_fields(doctype: str) -> bool:
	"""Customer has the CRM fields once the fixtures are synced (they are, after install/migrate)."""
	return doctype == account_fields.PROSPECT or frappe.get_meta(doctype).has_field(
		account_fields.fieldname(doctype, "siret")
	)


def value(doc, field: str):
	return doc.get(account_fields.fieldname(doc.doctype, field))


def set_value(doc, field: str, val) -> None:
	doc.set(account_fields.fieldname(doc.doctype, field), val)


def validate_account(doc) -> None:
	"""Called from CRM Prospect.validate and Customer's validate hook."""
	if not has_crm_fields(doc.doctype):
		return
	normalize_identifiers(doc)
	validate_identifiers(doc)
	validate_siret_unique(doc)
	warn_duplicates(doc)
	validate_account_links(doc)


def label(doc, field: str) -> str:
	return _(doc.meta.get_label(account_fields.fieldname(doc.doctype, field)))


# --- SIREN / SIRET --------------------------------------------------------------------------------


def normalize_identifiers(doc) -> None:
	for field in ("siren", "siret"):
		if value(doc, field):
			set_value(doc, field, identifiers.compact(value(doc, field)))
	if value(doc, "siret") and not value(doc, "siren") and len(value(doc, "siret")) == 14:
		set_value(doc, "siren", identifiers.siren_of(value(doc, "siret")))


INVALID_MESSAGES = {
	identifiers.INVALID_FORMAT: "The {0} {1} must contain digits only",
	identifiers.INVALID_LENGTH: "The {0} {1} must have {2} digits",
	identifiers.INVALID_CHECKSUM: "The {0} {1} is not valid: check the digits (checksum)",
}


def invalid_identifier_message(e: identifiers.InvalidIdentifier) -> str:
	digits = 9 if e.kind == "SIREN" else 14
	return _(INVALID_MESSAGES[e.reason]).format(e.kind, bold_text(e.number), digits)


def validate_identifiers(doc) -> None:
	try:
		if value(doc, "siren"):
			identifiers.check_siren(value(doc, "siren"))
		if value(doc, "siret"):
			identifiers.check_siret(value(doc, "siret"))
	except identifiers.InvalidIdentifier as e:
		frappe.throw(invalid_identifier_message(e), title=_("Invalid {0}").format(e.kind))
	siren, siret = value(doc, "siren"), value(doc, "siret")
	if siren and siret and identifiers.siren_of(siret) != siren:
		frappe.throw(
			_("The SIRET {0} does not belong to the SIREN {1}").format(bold_text(siret), bold_text(siren)),
			title=_("Invalid SIRET"),
		)
	if (
		doc.doctype == account_fields.PROSPECT
		and not siren
		and value(doc, "legal_form") != account_fields.REGISTRATION_PENDING
	):
		frappe.throw(
			_(
				'Enter the SIREN or SIRET of {0}, or choose the legal form "{1}" for a company not registered yet'
			).format(bold_text(value(doc, "call_name")), _(account_fields.REGISTRATION_PENDING)),
			title=_("SIREN missing"),
		)


def same_account_pairs(doc) -> dict[str, set[str]]:
	"""The records that are this same account under the other DocType (a prospect and the customer it
	became): they may share a SIRET."""
	own = {dt: set() for dt in ACCOUNT_DOCTYPES}
	own[doc.doctype].add(doc.name)
	if doc.doctype == account_fields.PROSPECT:
		if doc.get("customer"):
			own["Customer"].add(doc.customer)
		if has_crm_fields("Customer") and not doc.is_new():
			own["Customer"].update(frappe.get_all("Customer", {"crm_prospect": doc.name}, pluck="name"))
	else:
		if doc.get("crm_prospect"):
			own["CRM Prospect"].add(doc.crm_prospect)
		own["CRM Prospect"].update(frappe.get_all("CRM Prospect", {"customer": doc.name}, pluck="name"))
	return own


def holders(doc, field: str, val, include_closed: bool = True) -> list[tuple[str, str, str]]:
	"""(doctype, name, title) of the other accounts whose `field` equals `val`."""
	own = same_account_pairs(doc)
	found = []
	for doctype in ACCOUNT_DOCTYPES:
		if not has_crm_fields(doctype):
			continue
		fieldname = account_fields.fieldname(doctype, field)
		title_field = account_fields.fieldname(doctype, "call_name")
		filters = {fieldname: val}
		if own[doctype]:
			filters["name"] = ("not in", list(own[doctype]))
		for row in frappe.get_all(doctype, filters=filters, fields=["name", title_field], limit=5):
			found.append((doctype, row.name, row.get(title_field)))
	return found


def describe(holder: tuple[str, str, str]) -> str:
	doctype, name, title = holder
	return _("{0} {1}").format(_(doctype), bold_text(title if title == name else f"{title} ({name})"))


def validate_siret_unique(doc) -> None:
	siret = value(doc, "siret")
	if not siret or not (
		doc.is_new() or doc.has_value_changed(account_fields.fieldname(doc.doctype, "siret"))
	):
		return
	taken = holders(doc, "siret", siret)
	if taken:
		frappe.throw(
			_("This SIRET code is already used: {0} has SIRET {1}").format(
				describe(taken[0]), bold_text(siret)
			),
			frappe.DuplicateEntryError,
			title=_("SIRET already used"),
		)


def warn_duplicates(doc) -> None:
	"""Same SIREN or same call name as another account: a warning, not a refusal (an establishment
	of a known company, a homonym)."""
	warnings = []
	for field in ("siren", "call_name"):
		val = value(doc, field)
		fieldname = account_fields.fieldname(doc.doctype, field)
		if not val or not (doc.is_new() or doc.has_value_changed(fieldname)):
			continue
		others = holders(doc, field, val)
		if others:
			warnings.append(
				_("{0} {1} is already used by {2}").format(
					label(doc, field), bold_text(val), ", ".join(describe(h) for h in others)
				)
			)
	doc.flags.duplicate_warnings = warnings
	if warnings:
		frappe.msgprint("<br>".join(warnings), title=_("Possible duplicate"), indicator="orange", alert=False)


# --- account links --------------------------------------------------------------------------------


def validate_account_links(doc) -> None:
	links = value(doc, "links") or []
	if not links:
		return
	types = {
		t.name: t
		for t in frappe.get_all(
			"CRM Link Type",
			filters={
				"name": (
					"in",
					list({r.account_link_type for r in links} | {r.linked_link_type for r in links}),
				)
			},
			fields=["name", "code", "kind", "link_type_name"],
		)
	}
	seen = set()
	defaults = []
	for row in links:
		own_type, other_type = types.get(row.account_link_type), types.get(row.linked_link_type)
		if not own_type or not other_type:
			continue  # Frappe reports the broken Link itself
		if own_type.kind != other_type.kind:
			frappe.throw(
				_("Row {0}: link types {1} and {2} are not of the same kind").format(
					row.idx, bold_text(own_type.code), bold_text(other_type.code)
				),
				title=_("Invalid account link"),
			)
		row.kind = own_type.kind
		if row.linked_doctype not in LINKABLE_DOCTYPES[row.kind]:
			frappe.throw(
				_("Row {0}: a {1} link can only point to: {2}").format(
					row.idx,
					_(row.kind).lower(),
					", ".join(_(dt) for dt in LINKABLE_DOCTYPES[row.kind]),
				),
				title=_("Invalid account link"),
			)
		if row.linked_doctype == doc.doctype and row.linked_account == doc.name:
			frappe.throw(
				_("Row {0}: an account cannot be linked to itself").format(row.idx),
				title=_("Invalid account link"),
			)
		if row.kind == MANAGEMENT and ORDERING_LINK_CODE not in (own_type.code, other_type.code):
			frappe.throw(
				_("Row {0}: a management link needs a {1} side (the ordering account)").format(
					row.idx, bold_text(ORDERING_LINK_CODE)
				),
				title=_("Invalid account link"),
			)
		if row.is_default:
			if row.kind != MANAGEMENT:
				row.is_default = 0
			else:
				defaults.append(row.idx)
		key = (row.account_link_type, row.linked_doctype, row.linked_account, row.linked_link_type)
		if key in seen:
			frappe.throw(
				_("Row {0}: this link is already in the list").format(row.idx),
				title=_("Invalid account link"),
			)
		seen.add(key)
		title_field = frappe.get_meta(row.linked_doctype).get_title_field()
		row.linked_account_name = frappe.db.get_value(row.linked_doctype, row.linked_account, title_field)
	if len(defaults) > 1:
		frappe.throw(
			_("Only one management link can be the default (rows {0})").format(
				", ".join(str(i) for i in defaults)
			),
			title=_("Invalid account link"),
		)
