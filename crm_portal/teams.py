"""Sales teams from ERPNext's Sales Person tree: a user's Sales Person is the one whose Employee has
that user; the team under it is its subtree (N-1: direct reports, N-n: every level below)."""

import frappe
from frappe.query_builder import DocType

from crm_portal.utils import bold_text

TEAM_SCOPES = {
	# scope: (depth, include the user)
	"team_n1": (1, False),
	"team_n1_me": (1, True),
	"team_nn": (None, False),
	"team_nn_me": (None, True),
}


def sales_person_of(user: str) -> dict | None:
	sp, emp = DocType("Sales Person"), DocType("Employee")
	rows = (
		frappe.qb.from_(sp)
		.join(emp)
		.on(sp.employee == emp.name)
		.select(sp.name, sp.lft, sp.rgt)
		.where((emp.user_id == user) & (sp.enabled == 1))
		.limit(1)
		.run(as_dict=True)
	)
	return rows[0] if rows else None


def team_users(user: str, depth: int | None = None, include_self: bool = True) -> list[str]:
	"""Users of the Sales Persons under `user`'s: direct reports when depth=1, every level when None."""
	users = [user] if include_self else []
	me = sales_person_of(user)
	if not me:
		return users
	sp, emp = DocType("Sales Person"), DocType("Employee")
	query = (
		frappe.qb.from_(sp)
		.join(emp)
		.on(sp.employee == emp.name)
		.select(emp.user_id)
		.where((sp.enabled == 1) & emp.user_id.isnotnull())
	)
	if depth == 1:
		query = query.where(sp.parent_sales_person == me.name)
	else:
		query = query.where((sp.lft > me.lft) & (sp.rgt < me.rgt))
	for (member,) in query.run():
		if member not in users:
			users.append(member)
	return users


def scope_users(scope: str | None, user: str | None = None) -> list[str] | None:
	"""The users a scope selector names: 'me', 'all' (None: no restriction), a team level, or a user."""
	user = user or frappe.session.user
	scope = scope or "me"
	if scope == "all":
		return None
	if scope == "me":
		return [user]
	if scope in TEAM_SCOPES:
		depth, include_self = TEAM_SCOPES[scope]
		return team_users(user, depth, include_self)
	if not frappe.db.exists("User", scope):
		frappe.throw(frappe._("Unknown scope {0}").format(bold_text(scope)))
	return [scope]
