"""Accounts & contacts endpoints: search, SIRENE lookup, prospect actions, quick prospect creation,
account links.

Search semantics (crm_portal.accounts.identifiers): "starts with" by default, `*` and `%` match any
run of characters anywhere, the settings' minimum number of characters, closed accounts (and their
contacts) only when the settings allow it; results are ranked (exact, name prefix, other field
prefix, wildcard match; open before closed) and capped. The query is only ever a bound parameter."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder import functions as fn
from frappe.utils import escape_html

from crm_portal.accounts import ACCOUNT_DOCTYPES, identifiers, sirene
from crm_portal.accounts import fields as account_fields
from crm_portal.accounts.validation import FILIATION, MANAGEMENT, has_crm_fields
from crm_portal.arguments.checks import checked_arguments
from crm_portal.utils import atomic, bold_text, parse_json_arg

MAX_RESULTS = 50
DEFAULT_RESULTS = 20
FETCH_FACTOR = 5  # rows fetched per DocType before ranking, per result asked


class SireneLookupError(frappe.ValidationError):
	"""The SIRENE register could not answer (unknown number, timeout, API down…): `code` says which."""

	def __init__(self, message: str, code: str):
		super().__init__(message)
		self.code = code


def settings():
	return frappe.get_cached_doc("CRM Portal Settings")


def capped(limit: int | None) -> int:
	return max(1, min(int(limit or DEFAULT_RESULTS), MAX_RESULTS))


def closed_allowed() -> bool:
	return bool(settings().search_closed_accounts)


def too_short(query: str | None) -> dict | None:
	"""The empty answer of a query shorter than the settings' minimum, or None."""
	min_chars = settings().min_search_chars or 0
	if identifiers.significant_length(query) < max(min_chars, 1):
		return {"too_short": True, "min_chars": min_chars}
	return None


# --- search ---------------------------------------------------------------------------------------


def readable(doctype: str) -> bool:
	return bool(frappe.has_permission(doctype, "read"))


def account_rows(doctype: str, pattern: str, include_closed: bool, page_length: int) -> list[dict]:
	f = account_fields.ACCOUNT_FIELDS[doctype]
	crm = has_crm_fields(doctype)
	searched = [f["call_name"], *([f["legal_name"], f["siren"], f["siret"]] if crm else [])]
	fields = [
		"name",
		f"{f['call_name']} as title",
		*(
			[f"{f['legal_name']} as legal_name", f"{f['siren']} as siren", f"{f['siret']} as siret"]
			if crm
			else []
		),
	]
	filters = {}
	if doctype == account_fields.PROSPECT:
		fields.append("status")
		if not include_closed:
			filters["status"] = ("!=", account_fields.CLOSED)
	else:
		fields.append("disabled")
		if not include_closed:
			filters["disabled"] = 0
	rows = frappe.get_list(
		doctype,
		filters=filters,
		or_filters=[[field, "like", pattern] for field in searched],
		fields=fields,
		order_by=f"{f['call_name']} asc",
		limit_page_length=page_length,
	)
	for row in rows:
		row["doctype"] = doctype
		if doctype == account_fields.PROSPECT:
			row["closed"] = int(row.status == account_fields.CLOSED)
		else:
			row["status"] = "Disabled" if row.pop("disabled") else account_fields.CUSTOMER_STATUS
			row["closed"] = int(row.status == "Disabled")
		row.setdefault("legal_name", None)
		row.setdefault("siren", None)
		row.setdefault("siret", None)
	return rows


def find_accounts(query: str, limit: int, include_closed: bool) -> list[dict]:
	pattern = identifiers.to_like_pattern(query)
	rows = []
	for doctype in ACCOUNT_DOCTYPES:
		if frappe.db.exists("DocType", doctype) and readable(doctype):
			rows += account_rows(doctype, pattern, include_closed, limit * FETCH_FACTOR)
	return identifiers.rank_results(query, rows, "title", ("legal_name", "siren", "siret"), limit)


def closed_accounts(accounts: set[tuple[str, str]]) -> set[tuple[str, str]]:
	closed = set()
	for doctype in ACCOUNT_DOCTYPES:
		names = [name for dt, name in accounts if dt == doctype]
		if not names:
			continue
		filters = {"name": ("in", names)}
		if doctype == account_fields.PROSPECT:
			filters["status"] = account_fields.CLOSED
		else:
			filters["disabled"] = 1
		closed |= {(doctype, n) for n in frappe.get_all(doctype, filters=filters, pluck="name")}
	return closed


def contact_accounts(contacts: list[str]) -> dict[str, list[dict]]:
	"""Accounts each contact is linked to (Contact's Dynamic Links to a prospect or customer)."""
	if not contacts:
		return {}
	links = frappe.get_all(
		"Dynamic Link",
		filters={
			"parenttype": "Contact",
			"parent": ("in", contacts),
			"link_doctype": ("in", ACCOUNT_DOCTYPES),
		},
		fields=["parent", "link_doctype", "link_name", "link_title"],
		order_by="idx asc",
	)
	result = {}
	for link in links:
		result.setdefault(link.parent, []).append(
			{"doctype": link.link_doctype, "name": link.link_name, "title": link.link_title}
		)
	return result


def readable_accounts(accounts: set[tuple[str, str]]) -> set[tuple[str, str]]:
	"""Those of the (DocType, name) accounts the user may read: one list query per DocType."""
	found = set()
	for doctype in ACCOUNT_DOCTYPES:
		names = [name for dt, name in accounts if dt == doctype]
		if names and readable(doctype):
			rows = frappe.get_list(
				doctype, filters={"name": ("in", names)}, pluck="name", limit_page_length=0
			)
			found |= {(doctype, n) for n in rows}
	return found


def find_contacts(query: str, limit: int, include_closed: bool) -> list[dict]:
	if not readable("Contact"):
		return []
	pattern = identifiers.to_like_pattern(query)
	rows = frappe.get_list(
		"Contact",
		or_filters=[[f, "like", pattern] for f in ("full_name", "first_name", "last_name", "email_id")],
		fields=[
			"name",
			"full_name",
			"first_name",
			"last_name",
			"email_id",
			"phone",
			"mobile_no",
			"company_name",
		],
		order_by="full_name asc",
		limit_page_length=limit * FETCH_FACTOR,
	)
	for row in rows:
		row["doctype"] = "Contact"
		row["title"] = row.full_name or row.name
	ranked = identifiers.rank_results(
		query, rows, "title", ("first_name", "last_name", "email_id"), len(rows)
	)
	accounts = contact_accounts([r["name"] for r in ranked])
	linked = {(a["doctype"], a["name"]) for links in accounts.values() for a in links}
	closed = closed_accounts(linked)
	shown = readable_accounts(linked)
	result = []
	for row in ranked:
		links = accounts.get(row["name"], [])
		for account in links:
			account["closed"] = int((account["doctype"], account["name"]) in closed)
		# Closed is the contact's state (all its accounts closed); only the readable accounts are listed.
		row["closed"] = int(bool(links) and all(a["closed"] for a in links))
		row["accounts"] = [a for a in links if (a["doctype"], a["name"]) in shown]
		if row["closed"] and not include_closed:
			continue
		result.append(row)
	return result[:limit]


@frappe.whitelist()
@checked_arguments()
@frappe.read_only()
def search(query: str, limit: int = DEFAULT_RESULTS) -> dict:
	"""The accounts & contacts search bar: accounts (prospects and customers, by name, legal name,
	SIREN or SIRET) and contacts (by name or e-mail)."""
	short = too_short(query)
	if short:
		return {**short, "accounts": [], "contacts": []}
	limit = capped(limit)
	include_closed = closed_allowed()
	return {
		"too_short": False,
		"accounts": find_accounts(query, limit, include_closed),
		"contacts": find_contacts(query, limit, include_closed),
	}


@frappe.whitelist()
@checked_arguments()
@frappe.read_only()
def search_accounts(query: str, limit: int = DEFAULT_RESULTS) -> list[dict]:
	if too_short(query):
		return []
	return find_accounts(query, capped(limit), closed_allowed())


@frappe.whitelist()
@checked_arguments()
@frappe.read_only()
def search_contacts(query: str, limit: int = DEFAULT_RESULTS) -> list[dict]:
	if too_short(query):
		return []
	return find_contacts(query, capped(limit), closed_allowed())


# --- opportunity search by phone / e-mail -----------------------------------------------------------


def normalized_phone_sql(field):
	"""The SQL of `normalize_phone` for a column: separators removed, +33 turned into 0."""
	for old, new in ((" ", ""), (".", ""), ("-", ""), ("(", ""), (")", ""), ("+33", "0")):
		field = fn.Replace(field, old, new)
	return field


def contacts_by(email: str | None, phone: str | None) -> set[str]:
	contact = DocType("Contact")
	names = set()
	if email:
		child = DocType("Contact Email")
		names |= set(
			frappe.qb.from_(child)
			.select(child.parent)
			.where((child.parenttype == "Contact") & (child.email_id == email))
			.run(pluck=True)
		)
		names |= set(
			frappe.qb.from_(contact).select(contact.name).where(contact.email_id == email).run(pluck=True)
		)
	if phone:
		child = DocType("Contact Phone")
		like = f"%{phone}"
		names |= set(
			frappe.qb.from_(child)
			.select(child.parent)
			.where((child.parenttype == "Contact") & normalized_phone_sql(child.phone).like(like))
			.run(pluck=True)
		)
		names |= set(
			frappe.qb.from_(contact)
			.select(contact.name)
			.where(
				normalized_phone_sql(contact.phone).like(like)
				| normalized_phone_sql(contact.mobile_no).like(like)
			)
			.run(pluck=True)
		)
	return names


def accounts_by(email: str | None, phone: str | None) -> set[tuple[str, str]]:
	found = set()
	for doctype in ACCOUNT_DOCTYPES:
		if not has_crm_fields(doctype):
			continue
		table = DocType(doctype)
		f = account_fields.ACCOUNT_FIELDS[doctype]
		conditions = []
		if email:
			conditions.append(table[f["invoice_email"]] == email)
			if doctype == "Customer":
				conditions.append(table.email_id == email)
		if phone:
			conditions.append(normalized_phone_sql(table[f["phone"]]).like(f"%{phone}"))
		if not conditions:
			continue
		condition = conditions[0]
		for other in conditions[1:]:
			condition = condition | other
		names = frappe.qb.from_(table).select(table.name).where(condition).run(pluck=True)
		found |= {(doctype, n) for n in names}
	return found


@frappe.whitelist()
@checked_arguments()
@frappe.read_only()
def search_opportunities(query: str, limit: int = DEFAULT_RESULTS) -> dict:
	"""Opportunities whose account or contact (main or other) has this e-mail or phone number."""
	frappe.has_permission("CRM Opportunity", "read", throw=True)
	query = (query or "").strip()
	email = query if "@" in query else None
	phone = None if email else identifiers.normalize_phone(query)
	min_chars = max(settings().min_search_chars or 0, 1)
	if (email and len(email) < min_chars) or (not email and len(phone or "") < max(min_chars, 4)):
		return {"too_short": True, "min_chars": min_chars, "opportunities": []}
	if phone and len(phone) > 9:
		phone = phone[-9:]  # the subscriber number, whatever the prefix stored
	contacts = contacts_by(email, phone)
	accounts = accounts_by(email, phone)
	names = set()
	if contacts:
		names |= set(frappe.get_all("CRM Opportunity", {"contact": ("in", list(contacts))}, pluck="name"))
		names |= set(
			frappe.get_all(
				"CRM Opportunity Contact",
				{"parenttype": "CRM Opportunity", "contact": ("in", list(contacts))},
				pluck="parent",
			)
		)
	for doctype in ACCOUNT_DOCTYPES:
		accounts_of_type = [n for dt, n in accounts if dt == doctype]
		if accounts_of_type:
			names |= set(
				frappe.get_all(
					"CRM Opportunity",
					{"account_type": doctype, "account": ("in", accounts_of_type)},
					pluck="name",
				)
			)
	if not names:
		return {"too_short": False, "opportunities": []}
	rows = frappe.get_list(
		"CRM Opportunity",
		filters={"name": ("in", list(names))},
		fields=[
			"name",
			"title",
			"account_type",
			"account",
			"account_name",
			"contact",
			"contact_name",
			"portfolio",
			"stage",
			"status",
			"amount",
			"expected_signature_date",
		],
		order_by="modified desc",
		limit_page_length=capped(limit),
	)
	return {"too_short": False, "opportunities": rows}


# --- SIRENE ---------------------------------------------------------------------------------------

SIRENE_MESSAGES = {
	sirene.NOT_FOUND: "No company found in the SIRENE register for {0}",
	sirene.TIMEOUT: "The SIRENE register did not answer in time: try again in a moment",
	sirene.UNAVAILABLE: "The SIRENE register cannot be reached right now: try again later",
	sirene.BAD_RESPONSE: "The SIRENE register sent an answer that cannot be read: try again later",
	sirene.REFUSED: "The SIRENE register refused the request for {0}",
	sirene.INVALID_NUMBER: "{0} is not a valid SIREN (9 digits) or SIRET (14 digits)",
}


def lookup_company(number: str | None) -> dict:
	"""What the register knows of `number`, or a SireneLookupError with a message for a salesperson."""
	conf = settings()
	base_url = conf.sirene_api_url or "https://recherche-entreprises.api.gouv.fr"
	try:
		return sirene.lookup(base_url, number or "", timeout=conf.sirene_timeout or 10)
	except sirene.SireneError as e:
		frappe.throw(
			_(SIRENE_MESSAGES[e.code]).format(bold_text(number or "")),
			SireneLookupError(_(SIRENE_MESSAGES[e.code]).format(escape_html(number or "")), e.code),
			title=_("SIRENE lookup"),
		)


def found_values(company: dict) -> dict:
	values = sirene.account_values(company)
	values["legal_form"] = account_fields.legal_form_of(company.get("legal_form_code"))
	if company.get("siret"):
		values["siret"] = company["siret"]
	return values


def has_address(doctype: str, name: str) -> bool:
	return bool(
		frappe.db.exists(
			"Dynamic Link", {"parenttype": "Address", "link_doctype": doctype, "link_name": name}
		)
	)


def create_address(doctype: str, name: str, title: str, address: dict) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": title,
			"address_type": "Billing",
			**{k: v for k, v in address.items() if v},
			"links": [{"link_doctype": doctype, "link_name": name}],
		}
	)
	if not frappe.db.exists("Country", doc.country):
		doc.country = frappe.db.get_default("country") or frappe.db.get_value("Country", {}, "name")
	doc.insert()
	return doc.name


@frappe.whitelist(methods=["POST"])
@checked_arguments()
def sirene_lookup(
	number: str | None = None, prospect: str | None = None, values: dict | str | None = None
) -> dict:
	"""Fill a prospect from the SIRENE register: call name, legal name, APE code, legal form, SIREN and
	(SIRET only) the address — only the fields that are empty.

	With `prospect`: the saved prospect is updated (its SIRET, else SIREN, unless `number` is given).
	Without: `values` are the form's current values and the answer says what to fill."""
	if prospect:
		doc = frappe.get_doc("CRM Prospect", prospect)
		doc.check_permission("write")
		number = number or doc.siret or doc.siren
	else:
		frappe.has_permission("CRM Prospect", "create", throw=True)
		values = parse_json_arg(values, dict, _("Values"))
		if values is not None and not isinstance(values, dict):
			frappe.throw(_("Field values must be given as an object"))
	company = lookup_company(number)
	found = found_values(company)
	address = sirene.address_values(company)
	answer = {
		"company": {k: company.get(k) for k in ("siren", "siret", "name", "legal_name", "ape_code")},
		"closed": company["closed"],
	}
	if not prospect:
		return {**answer, "values": sirene.fill_only_empty(values or {}, found), "address": address}
	fill = sirene.fill_only_empty(doc.as_dict(), found)
	with atomic():
		doc.update(fill)
		doc.save()
		address_name = None
		if address and not has_address(doc.doctype, doc.name):
			address_name = create_address(doc.doctype, doc.name, doc.call_name, address)
	return {**answer, "filled": fill, "address": address_name, "modified": str(doc.modified)}


# --- prospects ------------------------------------------------------------------------------------


def prospect_summary(doc) -> dict:
	return {
		"name": doc.name,
		"call_name": doc.call_name,
		"legal_name": doc.legal_name,
		"siren": doc.siren,
		"siret": doc.siret,
		"status": doc.status,
		"warnings": doc.flags.duplicate_warnings or [],
		"modified": str(doc.modified),
	}


def get_prospect_for_write(prospect: str):
	doc = frappe.get_doc("CRM Prospect", prospect)
	doc.check_permission("write")
	return doc


@frappe.whitelist(methods=["POST"])
@checked_arguments()
def validate_prospect(prospect: str) -> dict:
	"""The "Validate prospect" action: Draft → Validated."""
	doc = get_prospect_for_write(prospect)
	doc.validate_prospect()
	return prospect_summary(doc)


@frappe.whitelist(methods=["POST"])
@checked_arguments()
def set_prospect_closed(prospect: str, closed: bool = True) -> dict:
	doc = get_prospect_for_write(prospect)
	if frappe.utils.cint(closed):
		doc.close()
	else:
		doc.reopen()
	return prospect_summary(doc)


PROSPECT_CREATE_FIELDS = {
	"call_name",
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
	"priority_target",
	"invoice_email",
	"phone",
	"notes",
}


def make_prospect(values: dict, address: dict | None = None):
	"""Insert a Draft prospect (permissions applied) and, when given, its address."""
	if not isinstance(values, dict):
		frappe.throw(_("Field values must be given as an object"))
	unknown = set(values) - PROSPECT_CREATE_FIELDS
	if unknown:
		frappe.throw(
			_("{0} cannot be set on a new prospect").format(", ".join(bold_text(k) for k in sorted(unknown)))
		)
	doc = frappe.new_doc("CRM Prospect")
	doc.update(values)
	if not doc.account_manager:
		doc.account_manager = frappe.session.user
	doc.insert()
	if address:
		create_address(doc.doctype, doc.name, doc.call_name, address)
	return doc


@frappe.whitelist(methods=["POST"])
@checked_arguments()
def create_prospect(values: dict | str, address: dict | str | None = None) -> dict:
	"""Create a prospect (Draft) with, optionally, the address a SIRENE lookup returned."""
	frappe.has_permission("CRM Prospect", "create", throw=True)
	with atomic():
		doc = make_prospect(
			parse_json_arg(values, dict, _("Values")), parse_json_arg(address, dict, _("Address"))
		)
	return prospect_summary(doc)


def quick_create_account(values: dict | str) -> str:
	"""The prospect of the opportunity quick-create (allowed by the settings); the caller's transaction."""
	if not settings().allow_quick_account_creation:
		frappe.throw(
			_("Creating an account from the opportunity is not allowed (CRM Portal Settings)"),
			frappe.PermissionError,
		)
	frappe.has_permission("CRM Prospect", "create", throw=True)
	values = parse_json_arg(values, dict, _("Values"))
	if not (values.get("siren") or values.get("siret") or values.get("legal_form")):
		# started before the SIREN is known: the seed's draft prospect, "en cours d'immatriculation"
		values["legal_form"] = account_fields.REGISTRATION_PENDING
	return make_prospect(values).name


# --- account links --------------------------------------------------------------------------------


@frappe.whitelist()
@checked_arguments()
@frappe.read_only()
def get_account_links(account_type: str, account: str, kind: str | None = None) -> list[dict]:
	"""An account's links in both directions: those on its own form and those other accounts made to
	it (filiation links are informative, this is how they are searched)."""
	if account_type not in (*ACCOUNT_DOCTYPES, "Supplier"):
		frappe.throw(_("Unknown account type {0}").format(bold_text(account_type)))
	frappe.has_permission(account_type, "read", doc=account, throw=True)
	if kind and kind not in (MANAGEMENT, FILIATION):
		frappe.throw(_("Unknown link kind {0}").format(bold_text(kind)))
	types = {
		t.name: t
		for t in frappe.get_all(
			"CRM Link Type", fields=["name", "code", "link_type_name", "kind", "direction"]
		)
	}
	result = []
	filters = {"parenttype": account_type, "parent": account}
	if kind:
		filters["kind"] = kind
	fields = [
		"parenttype",
		"parent",
		"account_link_type",
		"linked_doctype",
		"linked_account",
		"linked_account_name",
		"linked_link_type",
		"kind",
		"is_default",
	]
	for row in frappe.get_all("CRM Account Link", filters=filters, fields=fields, order_by="idx asc"):
		result.append(link_entry(types, row.account_link_type, row.linked_link_type, row, outgoing=True))
	filters = {
		"linked_doctype": account_type,
		"linked_account": account,
		"parenttype": ("in", ACCOUNT_DOCTYPES),
	}
	if kind:
		filters["kind"] = kind
	for row in frappe.get_all("CRM Account Link", filters=filters, fields=fields, order_by="parent asc"):
		if not frappe.has_permission(row.parenttype, "read", doc=row.parent):
			continue
		result.append(link_entry(types, row.linked_link_type, row.account_link_type, row, outgoing=False))
	return result


def link_entry(types: dict, own_type: str, other_type: str, row, outgoing: bool) -> dict:
	if outgoing:
		other_doctype, other_name, other_title = (
			row.linked_doctype,
			row.linked_account,
			row.linked_account_name,
		)
	else:
		other_doctype, other_name = row.parenttype, row.parent
		title_field = account_fields.fieldname(row.parenttype, "call_name")
		other_title = frappe.db.get_value(row.parenttype, row.parent, title_field)
	own, other = types.get(own_type) or {}, types.get(other_type) or {}
	return {
		"kind": row.kind,
		"outgoing": outgoing,
		"link_type": own_type,
		"link_type_label": own.get("link_type_name"),
		"direction": own.get("direction"),
		"other_link_type": other_type,
		"other_link_type_label": other.get("link_type_name"),
		"account_type": other_doctype,
		"account": other_name,
		"account_name": other_title,
		"is_default": row.is_default,
	}
