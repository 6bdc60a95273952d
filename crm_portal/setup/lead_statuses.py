"""The lead statuses of the seeds (Axelor's defaults), shipped as records an admin can edit or add to."""

import frappe

from crm_portal.leads.statuses import STANDARD_STATUSES


def ensure_lead_statuses() -> None:
	"""Create the missing statuses only, so an admin's edits survive migrate; leads without a status
	get the first open one."""
	if not frappe.db.table_exists("CRM Lead Status"):
		return
	existing = set(frappe.get_all("CRM Lead Status", pluck="name"))
	for name, sequence, is_open, is_lost, is_converted, allows_conversion in STANDARD_STATUSES:
		if name in existing:
			continue
		frappe.get_doc(
			{
				"doctype": "CRM Lead Status",
				"status_name": name,
				"sequence": sequence,
				"is_open": is_open,
				"is_lost": is_lost,
				"is_converted": is_converted,
				"allows_conversion": allows_conversion,
			}
		).insert(ignore_permissions=True)
	if frappe.db.has_column(
		"Lead", "crm_lead_status"
	):  # the Custom Field comes with the fixtures, after install
		first_open = frappe.get_all(
			"CRM Lead Status",
			filters={"is_open": 1},
			order_by="sequence asc, name asc",
			pluck="name",
			limit=1,
		)
		if first_open:
			lead = frappe.qb.DocType("Lead")
			(
				frappe.qb.update(lead)
				.set(lead.crm_lead_status, first_open[0])
				.set(lead.crm_status_is_open, 1)
				.where(lead.crm_lead_status.isnull() | (lead.crm_lead_status == ""))
				.run()
			)


# Masters the seeds import from CSV (industries, functions, sources): ERPNext's Lead Source is not
# importable out of the box.
IMPORTABLE_MASTERS = ("Industry Type", "Designation", "Lead Source")


def ensure_importable_masters() -> None:
	from frappe.custom.doctype.property_setter.property_setter import make_property_setter

	for doctype in IMPORTABLE_MASTERS:
		if not frappe.get_meta(doctype).allow_import:
			make_property_setter(
				doctype, None, "allow_import", 1, "Check", for_doctype=True, validate_fields_for_doctype=False
			)
