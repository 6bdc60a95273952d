"""Who sees and edits which opportunities (hooks: permission_query_conditions, has_permission).

- System Manager, Sales Manager: every opportunity (Frappe's User Permissions on Company still apply).
- CRM 360 Viewer: reads every opportunity (the seeds' "compte décloisonné"), edits like a Sales User.
- Sales User: the opportunities where they, or a Sales Person below them in ERPNext's Sales Person
  tree, are the salesperson, and those they created.
- CRM Portal User (website users): only their own.
Lists, reports, search, the board, the calendar and the API all read through these rules."""

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


def opportunity_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	if user == "Administrator" or sees_everything(user):
		return ""
	people = ", ".join(frappe.db.escape(u) for u in visible_salespeople(user))
	owner = frappe.db.escape(user)
	return f"(`tabCRM Opportunity`.`salesperson` in ({people}) or `tabCRM Opportunity`.`owner` = {owner})"


def opportunity_has_permission(doc, ptype: str = "read", user: str | None = None, debug=False) -> bool | None:
	user = user or frappe.session.user
	if user == "Administrator" or sees_everything(user, ptype):
		return True
	if doc.is_new() if hasattr(doc, "is_new") else not doc.get("creation"):
		return True  # creating: the role permission decides
	return doc.get("owner") == user or doc.get("salesperson") in visible_salespeople(user)
