"""Who sees and edits which opportunities, actions and prospects (hooks: permission_query_conditions,
has_permission).

- System Manager, Sales Manager: every record (Frappe's User Permissions on Company still apply).
- CRM 360 Viewer: reads every record (the seeds' "compte décloisonné"), edits like a Sales User.
- Sales User: the records of their own and of the Sales Persons below them in ERPNext's Sales Person
  tree (opportunity salesperson, action assignee, prospect account manager), those they created, and
  the prospects their team has opportunities on.
- CRM Portal User (website users): only their own.
Lists, reports, search, the board, the calendar, the timeline and the API all read through these rules."""

import frappe

from crm_portal.teams import team_users

MANAGER_ROLES = {"System Manager", "Sales Manager"}
VIEWER_ROLE = "CRM 360 Viewer"
PORTAL_ROLE = "CRM Portal User"


def sees_everything(user: str, ptype: str = "read") -> bool:
	roles = set(frappe.get_roles(user))
	return bool(roles & MANAGER_ROLES) or (ptype == "read" and VIEWER_ROLE in roles)


def visible_salespeople(user: str) -> list[str]:
	roles = set(frappe.get_roles(user))
	if "Sales User" in roles:
		return team_users(user)
	return [user]


# DocType -> the field naming the user a record belongs to (besides its creator).
PERSON_FIELDS = {
	"CRM Opportunity": "salesperson",
	"CRM Action": "assigned_to",
	"CRM Prospect": "account_manager",
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


def has_permission(doc, ptype: str = "read", user: str | None = None, debug=False) -> bool | None:
	"""has_permission of the same DocTypes: the same rule, for one document (forms, API, get_doc)."""
	user = user or frappe.session.user
	if user == "Administrator" or sees_everything(user, ptype):
		return True
	if doc.is_new() if hasattr(doc, "is_new") else not doc.get("creation"):
		return True  # creating: the role permission decides
	people = visible_salespeople(user)
	if doc.get("owner") == user or doc.get(PERSON_FIELDS[doc.doctype]) in people:
		return True
	return doc.doctype == "CRM Prospect" and bool(
		frappe.db.exists(
			"CRM Opportunity",
			{"account_type": "CRM Prospect", "account": doc.name, "salesperson": ("in", people)},
		)
	)
