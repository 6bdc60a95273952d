"""Install and migrate hooks: records the app needs on every site."""

import frappe

ROLES = {
	# role: desk access
	"CRM 360 Viewer": 1,
	"CRM Portal User": 0,
}


def after_install() -> None:
	ensure_roles()


def after_migrate() -> None:
	ensure_roles()


def ensure_roles() -> None:
	for role, desk_access in ROLES.items():
		if not frappe.db.exists("Role", role):
			frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": desk_access}).insert(
				ignore_permissions=True
			)
