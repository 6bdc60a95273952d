"""PDF catalogs (CRM Catalog), switched on by CRM Portal Settings "Manage Catalogs" and viewable from
the opportunity."""

import frappe
from frappe import _

from crm_portal.arguments.checks import checked_arguments


def catalogs_enabled() -> bool:
	return bool(frappe.db.get_single_value("CRM Portal Settings", "manage_catalogs"))


@frappe.whitelist()
@checked_arguments()
def get_catalogs(catalog_type: str | None = None) -> list[dict]:
	"""The enabled catalogs the user may read, by type then name."""
	if not catalogs_enabled():
		frappe.throw(
			_("Catalogs are not enabled (CRM Portal Settings: Manage Catalogs)"), title=_("Catalogs")
		)
	frappe.has_permission("CRM Catalog", "read", throw=True)
	filters = {"disabled": 0}
	if catalog_type:
		filters["catalog_type"] = catalog_type
	return frappe.get_list(
		"CRM Catalog",
		filters=filters,
		fields=["name", "catalog_name", "catalog_type", "pdf_file", "description"],
		order_by="catalog_type asc, catalog_name asc",
	)


def sync_catalog_menu(doc, method=None) -> None:
	"""CRM Portal Settings `on_update` (doc_events): the "Catalogs" entry of the workspaces follows the
	setting."""
	if not doc.has_value_changed("manage_catalogs"):
		return
	link = frappe.qb.DocType("Workspace Link")
	(
		frappe.qb.update(link)
		.set(link.hidden, 0 if doc.manage_catalogs else 1)
		.where((link.link_type == "DocType") & (link.link_to == "CRM Catalog"))
		.run()
	)
	frappe.clear_cache()
