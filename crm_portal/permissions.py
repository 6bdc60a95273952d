"""Who sees and edits which opportunities, actions and prospects (hooks: permission_query_conditions,
has_permission).

- System Manager, Sales Manager: every record (Frappe's User Permissions on Company still apply).
- CRM 360 Viewer: reads every record (the seeds' "compte décloisonné"), edits like a Sales User.
- Sales User: the records of their own and of the Sales Persons below them in ERPNext's Sales Person
  tree (opportunity salesperson, action assignee, prospect account manager), those they created, and
  the prospects their team has opportunities on.
- CRM Portal User (website users): only their own.
Lists, reports, search, the board, the calendar, the timeline and the API all read through these rules.
A change (write, delete...) needs the record both as stored and as it becomes within these rules; what a
change may contain (person fields, links, system fields) is crm_portal/write_rules.py."""

import frappe

from crm_portal.teams import team_users

MANAGER_ROLES = {"System Manager", "Sales Manager"}
VIEWER_ROLE = "CRM 360 Viewer"
PORTAL_ROLE = "CRM Portal User"


def sees_everything(user: str, ptype: str = "read") -> bool:
	roles = set(frappe.get_roles(user))
	return bool(roles & MANAGER_ROLES) or (ptype == "read" and VIEWER_ROLE in roles)


def visible_salespeople(user: str) -> list[str]:
	# Inside a board read (crm_portal/pipeline/board_queries.py `team_lookups_once`) the team is looked up
	# once for all its statements.
	cache = getattr(frappe.local, "crm_visible_salespeople", None)
	if cache is not None and user in cache:
		return cache[user]
	roles = set(frappe.get_roles(user))
	people = team_users(user) if "Sales User" in roles else [user]
	if cache is not None:
		cache[user] = people
	return people


# DocType -> the field naming the user a record belongs to (besides its creator).
PERSON_FIELDS = {
	"CRM Opportunity": "salesperson",
	"CRM Action": "assigned_to",
	"CRM Prospect": "account_manager",
	# The stage-change log: its rows carry their opportunity's owner and salesperson (crm_portal/forecast/log.py).
	"CRM Stage Change": "salesperson",
	# The board's summary rows: per salesperson and owner of the opportunities (crm_portal/pipeline/board_figures.py).
	"CRM Board Figures": "salesperson",
}


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""permission_query_conditions of the DocTypes of PERSON_FIELDS: what a user's lists, reports,
	searches and board read."""
	user = user or frappe.session.user
	if user == "Administrator" or sees_everything(user):
		return ""
	people = ", ".join(frappe.db.escape(u) for u in visible_salespeople(user))
	table = f"`tab{doctype}`"
	conditions = [
		f"{table}.`{PERSON_FIELDS[doctype]}` in ({people})",
		f"{table}.`owner` = {frappe.db.escape(user)}",
	]
	if doctype == "CRM Prospect":
		# Accounts follow their opportunities.
		conditions.append(
			f"{table}.`name` in (select `account` from `tabCRM Opportunity`"
			f" where `account_type` = 'CRM Prospect' and `salesperson` in ({people}))"
		)
	return "(" + " or ".join(conditions) + ")"


# Permission types that only look at a record: judged on the document as given. Any other (write,
# delete, submit, cancel, amend, share, create over an existing name) changes it, and is judged on the
# record as stored too: Frappe applies a client's values before it asks, so `{"salesperson": me}` on a
# colleague's deal would otherwise pass.
READ_PTYPES = frozenset(("read", "select", "print", "email", "report", "export"))


def has_permission(doc, ptype: str = "read", user: str | None = None, debug=False) -> bool | None:
	"""has_permission of the same DocTypes: the same rule, for one document (forms, API, get_doc). A change
	needs the record as stored and the record as it becomes both in the user's scope (what it may become
	is checked by crm_portal/write_rules.py)."""
	user = user or frappe.session.user
	if user == "Administrator" or sees_everything(user, ptype):
		return True
	people = visible_salespeople(user)
	stored = None if ptype in READ_PTYPES else stored_row(doc)
	if stored and not belongs_to(doc.doctype, stored, user, people):
		return False
	if doc.is_new() if hasattr(doc, "is_new") else not doc.get("creation"):
		return True  # creating: the role permission decides
	return belongs_to(doc.doctype, doc, user, people)


def stored_row(doc) -> dict | None:
	"""Owner and person field of `doc` as they are in the database (None for a record not saved yet)."""
	if not doc.get("name"):
		return None
	return frappe.db.get_value(
		doc.doctype, doc.get("name"), ["name", "owner", PERSON_FIELDS[doc.doctype]], as_dict=True
	)


def belongs_to(doctype: str, row, user: str, people: list[str]) -> bool:
	"""Whether a record (a document or its stored row) is in the scope `people` of `user`."""
	if row.get("owner") == user or row.get(PERSON_FIELDS[doctype]) in people:
		return True
	return doctype == "CRM Prospect" and bool(
		frappe.db.exists(
			"CRM Opportunity",
			{"account_type": "CRM Prospect", "account": row.get("name"), "salesperson": ("in", people)},
		)
	)


def may_choose_person(user: str, person: str) -> bool:
	"""Whether `user` may make `person` the salesperson, assignee or account manager of a record: anyone
	for managers, else themselves or someone of their team (a portal user: only themselves)."""
	return user == "Administrator" or sees_everything(user, "write") or person in visible_salespeople(user)


def read_condition(doctype: str, user: str | None = None) -> str | None:
	"""The SQL condition on `tab<doctype>` selecting the records `user` may read, as Frappe's lists apply
	it (role permissions, User Permissions, permission_query_conditions hooks, shares): "" when every
	record is readable, None when none is. For the walls that follow another DocType's rule (child
	tables, ERPNext documents made by the app): one subquery, never a check per row."""
	from frappe.model.db_query import DatabaseQuery

	user = user or frappe.session.user
	if user == "Administrator":
		return ""
	meta = frappe.get_meta(doctype)
	role_permissions = frappe.permissions.get_role_permissions(meta, user=user)
	if not role_permissions.get("read"):
		shared = [] if meta.issingle else frappe.share.get_shared(doctype, user, rights=["read"])
		if not shared:
			return None
		return f"`tab{doctype}`.`name` in ({', '.join(frappe.db.escape(s, percent=False) for s in shared)})"
	if meta.issingle:
		return ""
	return DatabaseQuery(doctype, user=user).build_match_conditions()
