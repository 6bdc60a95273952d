"""Install and migrate hooks: records the app needs on every site."""

import frappe

from crm_portal.setup.action_types import ensure_action_types
from crm_portal.setup.lead_statuses import ensure_importable_masters, ensure_lead_statuses

ROLES = {
	# role: desk access
	"CRM 360 Viewer": 1,
	"CRM Portal User": 0,
}


def after_install() -> None:
	after_migrate()


def after_migrate() -> None:
	ensure_roles()
	ensure_settings_defaults()
	ensure_action_types()
	ensure_lead_statuses()
	ensure_importable_masters()


def ensure_settings_defaults(doctype: str = "CRM Portal Settings") -> None:
	"""Frappe stores a Single's defaults only when it is created: a setting added by an upgrade would read
	as empty on existing sites. Give every setting never saved its default (an admin's value is kept)."""
	stored = set(frappe.db.sql_list("select `field` from `tabSingles` where `doctype` = %s", doctype))
	for df in frappe.get_meta(doctype).fields:
		if df.default is not None and df.fieldname not in stored:
			frappe.db.set_single_value(doctype, df.fieldname, df.default)


def ensure_roles() -> None:
	for role, desk_access in ROLES.items():
		if not frappe.db.exists("Role", role):
			frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": desk_access}).insert(
				ignore_permissions=True
			)
		elif frappe.db.get_value("Role", role, "desk_access") != desk_access:
			# A DocType's permissions can create the role first, with desk access: portal users would
			# then become System Users.
			frappe.db.set_value("Role", role, "desk_access", desk_access)
