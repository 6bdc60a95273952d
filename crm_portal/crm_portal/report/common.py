"""What the CRM reports share: their filters (a fixed list of keys, validated), the opportunity
conditions those filters make, and the users of a sales team. Every read goes through
`frappe.get_list`, so a report counts only what its user may see (crm_portal/permissions.py)."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import getdate

from crm_portal.utils import bold_text, parse_json_arg

# filter key -> (label, DocType it names); labels are translated when shown
LINK_FILTERS = {
	"company": ("Company", "Company"),
	"portfolio": ("Portfolio", "CRM Portfolio"),
	"stage_template": ("Stage Template", "CRM Stage Template"),
	"salesperson": ("Salesperson", "User"),
	"sales_person": ("Sales Team", "Sales Person"),
	"action_type": ("Action Type", "CRM Action Type"),
	"user": ("User", "User"),
}
DATE_FILTERS = {"from_date": "From Date", "to_date": "To Date"}


def clean_filters(filters, keys: tuple[str, ...], choices: dict[str, tuple[str, ...]] | None = None):
	"""The report's filters reduced to `keys`: dates parsed, links checked, choices among their options.
	Anything else is refused with a message a salesperson understands."""
	filters = parse_json_arg(filters, dict, _("Filters"))
	choices = choices or {}
	clean = frappe._dict()
	for key in keys:
		value = filters.get(key)
		if value in (None, "", []):
			continue
		if not isinstance(value, str | int | float):
			frappe.throw(_("The filter {0} is not valid").format(bold_text(key)), title=_("Invalid filter"))
		value = str(value).strip()
		if key in DATE_FILTERS:
			try:
				clean[key] = getdate(value)
			except Exception:
				frappe.throw(
					_("{0} is not a valid date").format(bold_text(_(DATE_FILTERS[key]))),
					title=_("Invalid filter"),
				)
		elif key in LINK_FILTERS:
			label, doctype = LINK_FILTERS[key]
			if not frappe.db.exists(doctype, value):
				frappe.throw(
					_("{0} {1} does not exist").format(_(label), bold_text(value)),
					title=_("Invalid filter"),
				)
			clean[key] = value
		elif key in choices:
			if value not in choices[key]:
				frappe.throw(
					_("The filter {0} cannot be {1}").format(bold_text(key), bold_text(value)),
					title=_("Invalid filter"),
				)
			clean[key] = value
		else:
			clean[key] = value
	if clean.get("from_date") and clean.get("to_date") and clean.from_date > clean.to_date:
		frappe.throw(_("The period must start before it ends"), title=_("Invalid filter"))
	return clean


def sales_team_users(sales_person: str) -> list[str]:
	"""The users of a Sales Person and of every Sales Person below it in ERPNext's tree."""
	sp, emp = DocType("Sales Person"), DocType("Employee")
	bounds = frappe.db.get_value("Sales Person", sales_person, ["lft", "rgt"], as_dict=True)
	if not bounds:
		return []
	rows = (
		frappe.qb.from_(sp)
		.join(emp)
		.on(sp.employee == emp.name)
		.select(emp.user_id)
		.where((sp.lft >= bounds.lft) & (sp.rgt <= bounds.rgt) & emp.user_id.isnotnull())
		.run()
	)
	return sorted({user for (user,) in rows})


def person_condition(fieldname: str, filters, user_key: str) -> list:
	"""Conditions on the field naming the person (salesperson, assignee): one user and/or a team.
	A team without users matches nothing."""
	conditions = []
	if filters.get(user_key):
		conditions.append([fieldname, "=", filters[user_key]])
	if filters.get("sales_person"):
		conditions.append([fieldname, "in", sales_team_users(filters.sales_person) or [""]])
	return conditions


def opportunity_conditions(filters) -> list:
	"""get_list filters of CRM Opportunity for the company / portfolio / template / person filters."""
	conditions = [
		[key, "=", filters[key]] for key in ("company", "portfolio", "stage_template") if filters.get(key)
	]
	return conditions + person_condition("salesperson", filters, "salesperson")


def between(fieldname: str, filters) -> list:
	"""Conditions keeping `fieldname` in the filters' period (either bound may be open)."""
	conditions = []
	if filters.get("from_date"):
		conditions.append([fieldname, ">=", filters.from_date])
	if filters.get("to_date"):
		conditions.append([fieldname, "<=", filters.to_date])
	return conditions
