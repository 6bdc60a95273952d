"""The ERPNext records the CRM makes follow the CRM's walls (hooks: permission_query_conditions,
has_permission), while CRM Portal Settings > "Apply CRM visibility to Quotations, Prospects and Leads"
is on (the default; off: ERPNext's own permissions, for firms that want them open).

- Quotation and Sales Order made for a CRM Opportunity (custom field `crm_opportunity`): their creator and
  whoever may read the opportunity (write it, for a change); other ones keep ERPNext's permissions
  (ERPNext lets every Sales User read every Sales Order, and every desk user every Project).
- Project made with the quotation ("Avant-vente", `CRM Opportunity.project`): the same, through the
  opportunity it was made for.
- ERPNext Prospect mirrored from a CRM Prospect (`CRM Prospect.erpnext_prospect`): its creator and
  whoever may read that CRM Prospect; other Prospects keep ERPNext's permissions.
- Contact and Address of a CRM Prospect (its Dynamic Links): their creator and whoever may read one of the
  CRM Prospects they are linked to; those linked to anything else too (a Customer, a Supplier: ERPNext's
  shared address book) or to no CRM Prospect keep ERPNext's permissions.
- Lead: its creator, its lead owner when in the user's team (crm_portal.permissions), the leads of
  the teams (`crm_team`, a Sales Person) the user belongs to or leads: their Sales Person, the ones
  below it and the groups above it, and the leads given to no one yet (no lead owner, no team: the
  pool web forms and imports fill).

The walls apply to users who read these DocTypes as salespeople (Sales User, CRM Portal User). Managers
and the 360° viewer (crm_portal.permissions.sees_everything), and users holding another role that
reads the DocType (Maintenance User on Quotation, a role an admin added), keep ERPNext's default.
Lists read through one subquery (crm_portal.permissions.read_condition), never a check per row; child
rows (Quotation Item, CRM Note…) follow their parent (crm_portal.generic_endpoints)."""

import frappe
from frappe.permissions import AUTOMATIC_ROLES
from frappe.query_builder import DocType

from crm_portal.permissions import (
	PORTAL_ROLE,
	READ_PTYPES,
	read_condition,
	sees_everything,
	visible_salespeople,
)
from crm_portal.teams import sales_person_of

SETTING = "apply_crm_visibility_to_erpnext"
SALES_ROLES = frozenset(("Sales User", PORTAL_ROLE))
DOCTYPES = ("Quotation", "Prospect", "Lead", "Sales Order", "Project")
# Contacts and addresses follow the CRM Prospects of their Dynamic Links.
ADDRESS_BOOK = ("Contact", "Address")
# Walled while the setting is on: the DocTypes above and the child tables read through them.
GATED_DOCTYPES = (
	*DOCTYPES,
	*ADDRESS_BOOK,
	"Quotation Item",
	"Sales Order Item",
	"Sales Taxes and Charges",
	"Payment Schedule",
	"Packed Item",
	"Pricing Rule Detail",
	"Quotation Lost Reason Detail",
	"Competitor Detail",
	"Prospect Lead",
	"Prospect Opportunity",
	"CRM Note",
)
# The DocType of the CRM record a Quotation / an ERPNext Prospect follows.
FOLLOWS = {
	"Quotation": "CRM Opportunity",
	"Sales Order": "CRM Opportunity",
	"Project": "CRM Opportunity",
	"Prospect": "CRM Prospect",
}
# Those that name their opportunity (custom field of the fixtures); the others are named by the CRM record.
OPPORTUNITY_FIELD = "crm_opportunity"
NAMED_BY = {"Project": ("CRM Opportunity", "project"), "Prospect": ("CRM Prospect", "erpnext_prospect")}


def enabled() -> bool:
	"""The setting (read once per request); off until the migration has added it."""
	if not frappe.get_meta("CRM Portal Settings").has_field(SETTING):
		return False
	return bool(frappe.db.get_single_value("CRM Portal Settings", SETTING))


def other_reader_roles(doctype: str) -> set[str]:
	"""Roles other than a salesperson's that read `doctype` (DocPerm, or Custom DocPerm when customised)."""
	meta = frappe.get_meta(doctype)
	readers = {p.role for p in meta.permissions if p.read and not p.permlevel}
	return readers - SALES_ROLES - set(AUTOMATIC_ROLES)


def walled(doctype: str, user: str, ptype: str = "read") -> bool:
	"""Whether the wall applies to `user` reading (or changing, by `ptype`) records of `doctype`."""
	if user == "Administrator" or not enabled() or sees_everything(user, ptype):
		return False
	roles = set(frappe.get_roles(user))
	return bool(roles & SALES_ROLES) and not roles & other_reader_roles(doctype)


def lead_teams(user: str) -> list[str]:
	"""The Sales Persons whose leads (`crm_team`) the user reads: theirs, those below, the groups above."""
	me = sales_person_of(user)
	if not me:
		return []
	sp = DocType("Sales Person")
	return (
		frappe.qb.from_(sp)
		.select(sp.name)
		.where(((sp.lft >= me.lft) & (sp.rgt <= me.rgt)) | ((sp.lft < me.lft) & (sp.rgt > me.rgt)))
		.run(pluck=True)
	)


def in_list(values: list[str]) -> str:
	return ", ".join(frappe.db.escape(v, percent=False) for v in values) or "''"


# --- lists ----------------------------------------------------------------------------------------


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""permission_query_conditions of the DocTypes of DOCTYPES and ADDRESS_BOOK."""
	user = user or frappe.session.user
	if doctype not in DOCTYPES + ADDRESS_BOOK or not walled(doctype, user):
		return ""
	table = f"`tab{doctype}`"
	mine = f"{table}.`owner` = {frappe.db.escape(user, percent=False)}"
	if doctype in ADDRESS_BOOK:
		return address_book_condition(doctype, table, mine, user)
	if doctype == "Lead":
		owner = f"{table}.`lead_owner`"
		conditions = [mine, f"{owner} in ({in_list(visible_salespeople(user))})"]
		if frappe.get_meta("Lead").has_field("crm_team"):
			team = f"{table}.`crm_team`"
			conditions += [
				f"{team} in ({in_list(lead_teams(user))})",
				f"(ifnull({owner}, '') = '' and ifnull({team}, '') = '')",
			]
		else:
			conditions.append(f"ifnull({owner}, '') = ''")
		return "(" + " or ".join(conditions) + ")"
	followed = FOLLOWS[doctype]
	condition = read_condition(followed, user)
	if condition == "":
		return ""
	if doctype in NAMED_BY:
		crm, field = NAMED_BY[doctype]
		not_crm = (
			f"{table}.`name` not in (select `{field}` from `tab{crm}` where ifnull(`{field}`, '') != '')"
		)
		readable = (
			f"{table}.`name` in (select `tab{crm}`.`{field}` from `tab{crm}` where {condition})"
			if condition
			else "1 = 0"
		)
	else:
		not_crm = f"ifnull({table}.`{OPPORTUNITY_FIELD}`, '') = ''"
		readable = (
			f"{table}.`{OPPORTUNITY_FIELD}` in (select `tabCRM Opportunity`.`name` from `tabCRM Opportunity`"
			f" where {condition})"
			if condition
			else "1 = 0"
		)
	if doctype == "Quotation":
		# The quotations the user is asked to approve, even outside their team (crm_portal/pipeline/approval.py).
		readable = f"({readable} or {approver_condition(table, user)})"
	return f"({not_crm} or {mine} or {readable})"


def address_book_condition(doctype: str, table: str, mine: str, user: str) -> str:
	"""A contact or address linked to CRM Prospects only: visible to a reader of one of them."""
	condition = read_condition("CRM Prospect", user)
	if condition == "":
		return ""
	links = (
		"select `tabDynamic Link`.`parent` from `tabDynamic Link`"
		f" where `tabDynamic Link`.`parenttype` = {frappe.db.escape(doctype, percent=False)}"
	)
	prospect = "`tabDynamic Link`.`link_doctype` = 'CRM Prospect'"
	branches = [
		f"{table}.`name` not in ({links} and {prospect})",
		f"{table}.`name` in ({links} and `tabDynamic Link`.`link_doctype` != 'CRM Prospect')",
		mine,
	]
	if condition is not None:
		branches.append(
			f"{table}.`name` in ({links} and {prospect} and `tabDynamic Link`.`link_name` in"
			f" (select `tabCRM Prospect`.`name` from `tabCRM Prospect` where {condition}))"
		)
	return "(" + " or ".join(branches) + ")"


def approver_condition(table: str, user: str) -> str:
	"""The quotations whose approver is the user, or whose approver role the user holds."""
	if not frappe.get_meta("Quotation").has_field("crm_approver"):
		return "1 = 0"
	roles = [r for r in frappe.get_roles(user) if r not in AUTOMATIC_ROLES]
	return (
		f"({table}.`crm_approver` = {frappe.db.escape(user, percent=False)}"
		f" or {table}.`crm_approver_role` in ({in_list(roles)}))"
	)


# --- documents ------------------------------------------------------------------------------------


def followed_record(doc) -> str | None:
	"""The CRM record a Quotation, Sales Order, Project or Prospect follows, if it still exists."""
	if doc.doctype in NAMED_BY:
		crm, field = NAMED_BY[doc.doctype]
		return frappe.db.get_value(crm, {field: doc.name}, "name") if doc.name else None
	name = doc.get(OPPORTUNITY_FIELD)
	return name if name and frappe.db.exists("CRM Opportunity", name) else None


def allowed(doc, ptype: str, user: str) -> bool:
	if doc.get("owner") == user:
		return True
	if doc.doctype in ADDRESS_BOOK:
		links = doc.get("links") or []
		prospects = [link.link_name for link in links if link.link_doctype == "CRM Prospect"]
		if not prospects or any(link.link_doctype != "CRM Prospect" for link in links):
			return True
		# Whoever may read the account may keep its contacts and addresses up to date.
		return any(frappe.has_permission("CRM Prospect", "read", doc=p, user=user) for p in prospects)
	if doc.doctype == "Lead":
		owner, team = doc.get("lead_owner"), doc.get("crm_team")
		if not owner and not team:
			return True  # not given to anyone yet: the salespeople's pool
		return owner in visible_salespeople(user) or (bool(team) and team in lead_teams(user))
	followed = followed_record(doc)
	return not followed or frappe.has_permission(FOLLOWS[doc.doctype], ptype, doc=followed, user=user)


def has_permission(doc, ptype: str = "read", user: str | None = None, debug=False) -> bool | None:
	"""has_permission of the DocTypes of DOCTYPES and ADDRESS_BOOK: False where the wall refuses, else None (ERPNext's
	role permissions decide; a hook answering True would silence other apps' hooks). A change is judged
	on the stored record and on the result."""
	user = user or frappe.session.user
	if doc.doctype not in DOCTYPES + ADDRESS_BOOK or not walled(doc.doctype, user, ptype):
		return None
	ptype = "read" if ptype in READ_PTYPES else "write"
	if doc.is_new():
		# A new Quotation or Sales Order for an opportunity moves that opportunity: only one the user may change.
		followed = doc.doctype not in (*NAMED_BY, *ADDRESS_BOOK) and followed_record(doc)
		if followed and not frappe.has_permission("CRM Opportunity", "write", doc=followed, user=user):
			return False
		return None
	states = [doc]
	stored = stored_values(doc) if ptype == "write" else None
	if stored:
		states.append(stored)
	if all(allowed(state, ptype, user) for state in states):
		return None
	# Its approver reads it, and changes it only to answer while it waits for them (the workflow's
	# Approuver / Refuser, the refusal reason): judged on the stored record.
	if doc.doctype == "Quotation":
		from crm_portal.pipeline.approval import PENDING, is_approver

		record = stored or doc
		if is_approver(record, user) and (ptype == "read" or record.get("workflow_state") == PENDING):
			return None
	return False


def stored_values(doc) -> frappe._dict | None:
	"""What `allowed` reads of the record as it is in the database (the document may carry changes)."""
	if doc.doctype in ADDRESS_BOOK:
		# As stored: its owner and links (a change of links is judged by crm_portal/write_rules.py).
		owner = frappe.db.get_value(doc.doctype, doc.name, "owner")
		if owner is None:
			return None
		links = frappe.get_all(
			"Dynamic Link",
			filters={"parenttype": doc.doctype, "parent": doc.name},
			fields=["link_doctype", "link_name"],
		)
		return frappe._dict(name=doc.name, owner=owner, links=links, doctype=doc.doctype)
	fields = ["name", "owner"]
	if doc.doctype in ("Quotation", "Sales Order"):
		fields.append(OPPORTUNITY_FIELD)
	if doc.doctype == "Quotation":
		if frappe.get_meta("Quotation").has_field("crm_approver"):
			fields += ["crm_approver", "crm_approver_role", "workflow_state"]
	elif doc.doctype == "Lead":
		fields += (
			["lead_owner", "crm_team"] if frappe.get_meta("Lead").has_field("crm_team") else ["lead_owner"]
		)
	values = frappe.db.get_value(doc.doctype, doc.name, fields, as_dict=True)
	return frappe._dict(values, doctype=doc.doctype) if values else None


def has_website_permission(doc, ptype: str, user: str, verbose: bool = False) -> bool:
	"""Quotation and Sales Order has_website_permission (hooks.py). Print views fall back on it when the desk permission is
	refused, and ERPNext's (erpnext.controllers.website_list_for_contact) lets any user who may read
	Quotations at all print the quotation of any customer they can list: a salesperson of another team would
	print a mission letter. Frappe needs every app's answer to be yes, so the CRM's wall on quotations
	applies there too; users the wall does not concern keep ERPNext's answer."""
	if not walled(doc.doctype, user):
		return True
	return bool(frappe.has_permission(doc.doctype, "read", doc=doc, user=user))
