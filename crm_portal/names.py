"""Names are data (DESIGN §3.11): opportunity titles, account names and action subjects are kept
exactly as typed and never interpreted as HTML.

Frappe's HTML sanitizer (BaseDocument._sanitize_content) rewrites any Data value holding "<" or ">"
("R&D <Lot 3>" is stored as "R&amp;D &lt;Lot 3&gt;", "<img src=x onerror=…>" loses its attribute), so
it is off for the app's name fields through the DocField option Frappe offers, `ignore_xss_filter` (in
the DocType JSON). Every output escapes instead: the pages (esc()/textContent), the portal and print
templates (autoescape, `| e`), server messages (`crm_portal.utils.bold_text`), and the places below
where Frappe would print or repeat the raw value: its standard print format (get_formatted), its Link
dropdowns (search_link), its desk formatter of Data values (public/js/names_format.js) and the form
heading (public/js/names_as_typed.js).

ERPNext's Customer and Frappe's Contact keep Frappe's sanitizer: Frappe refuses "<" and ">" in the ID
it makes from their names, and many Frappe/ERPNext templates (the contact list of account forms, their
print formats) print those names as HTML."""

import frappe
from frappe.utils import cstr, escape_html

# The app's own DocTypes: the option is in their JSON (the copies of a name count too: account_name…).
APP_NAME_FIELDS = {
	"CRM Opportunity": ("title", "account_name", "contact_name", "contact_function"),
	"CRM Prospect": ("call_name", "legal_name"),
	"CRM Action": ("subject", "opportunity_title", "account_name"),
}


def is_name_field(df) -> bool:
	return bool(df and df.fieldtype == "Data" and df.get("ignore_xss_filter") and not df.get("options"))


def validate_names(doc, method=None) -> None:
	"""doc_events validate of the app's DocTypes whose name fields keep what is typed. (A name longer than
	its column is refused before, with a message naming the field only: crm_portal/arguments.)"""
	check_mandatory_names(doc)


def check_mandatory_names(doc) -> None:
	"""Frappe's mandatory check strips tags before it looks for content, so a required name made of
	markup only ("<img src=x onerror=…>") would be refused as empty. When one is, run that check here
	without it (any other missing field is refused as Frappe does) and let Frappe skip its own."""
	if doc.flags.get("crm_names_skip_mandatory"):
		doc.flags.ignore_mandatory = False  # set by this function on an earlier save of this object
		doc.flags.crm_names_skip_mandatory = False
	if doc.flags.ignore_mandatory:
		return
	typed = {
		df.fieldname
		for df in doc.meta.get("fields", {"reqd": 1})
		if is_name_field(df) and cstr(doc.get(df.fieldname)).strip()
	}
	missing = doc._get_missing_mandatory_fields()
	if not any(fieldname in typed for fieldname, _msg in missing):
		return  # Frappe's own check gives the same answer
	missing = [(fieldname, msg) for fieldname, msg in missing if fieldname not in typed]
	for child in doc.get_all_children():
		missing.extend(child._get_missing_mandatory_fields())
	if missing:
		for _fieldname, msg in missing:
			frappe.msgprint(msg)
		raise frappe.MandatoryError(
			"[{doctype}, {name}]: {fields}".format(
				doctype=doc.doctype, name=doc.name, fields=", ".join(each[0] for each in missing)
			)
		)
	doc.flags.ignore_mandatory = True
	doc.flags.crm_names_skip_mandatory = True


def escape_formatted(doc, fieldname: str, value):
	"""`get_formatted` of a name field as HTML-safe text: Frappe's standard print format and the Jinja
	templates that use get_formatted print Data values as they are."""
	if isinstance(value, str) and is_name_field(doc.meta.get_field(fieldname)):
		return escape_html(cstr(value))
	return value


def safe_link_results(doctype: str, results):
	"""Link-field search results (frappe.desk.search.search_link) of a DocType whose names are kept as
	typed: Frappe's Link control puts an item's label and description into its dropdown as HTML, so the
	dropdown gets an escaped `html` and description. The label stays as typed: it becomes the title Frappe
	shows in the field (as text) once picked."""
	if doctype not in APP_NAME_FIELDS:
		return results
	for item in results or []:
		if not isinstance(item, dict):
			continue
		label = cstr(item.get("label") or item.get("value"))
		item["html"] = f"<strong>{escape_html(label)}</strong>"
		if item.get("description"):
			item["description"] = escape_html(cstr(item["description"]))
	return results
