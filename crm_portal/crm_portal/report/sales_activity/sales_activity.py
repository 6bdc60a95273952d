"""Activity: the actions of a period (by start) done, planned (open, still to come) and late (open,
started before now), by user and action type. Cancelled actions are left out."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, cint, get_fullname, now_datetime

from crm_portal.crm_portal.report.common import clean_filters, person_condition
from crm_portal.crm_portal.report.figures import activity_counts

DOCTYPE = "CRM Action"
FILTER_KEYS = ("from_date", "to_date", "user", "sales_person", "action_type", "group_by")
GROUP_BY = ("User and type", "User", "Type")
COUNTS = ("done", "planned", "late", "total")


def execute(filters: dict | None = None):
	filters = clean_filters(filters, FILTER_KEYS, {"group_by": GROUP_BY})
	filters.setdefault("group_by", "User and type")
	data = get_data(filters)
	return get_columns(filters), data, None, get_chart_data(data, filters)


def get_columns(filters) -> list[dict]:
	columns = []
	if filters.group_by != "Type":
		columns += [
			{"fieldname": "user", "label": _("User"), "fieldtype": "Link", "options": "User", "width": 200},
			{"fieldname": "user_name", "label": _("Name"), "fieldtype": "Data", "width": 160},
		]
	if filters.group_by != "User":
		columns.append(
			{
				"fieldname": "action_type",
				"label": _("Action Type"),
				"fieldtype": "Link",
				"options": "CRM Action Type",
				"width": 140,
			}
		)
	return [
		*columns,
		{"fieldname": "done", "label": _("Done"), "fieldtype": "Int", "width": 90},
		{"fieldname": "planned", "label": _("Planned"), "fieldtype": "Int", "width": 90},
		{"fieldname": "late", "label": _("Late"), "fieldtype": "Int", "width": 90},
		{"fieldname": "total", "label": _("Total"), "fieldtype": "Int", "width": 90},
	]


def base_conditions(filters) -> list:
	conditions = person_condition("assigned_to", filters, "user")
	if filters.get("action_type"):
		conditions.append(["action_type", "=", filters.action_type])
	if filters.get("from_date"):
		conditions.append(["start", ">=", filters.from_date])
	if filters.get("to_date"):
		conditions.append(["start", "<", add_days(filters.to_date, 1)])
	return conditions


def get_data(filters, now=None) -> list[dict]:
	now = now or now_datetime()
	conditions = base_conditions(filters)
	by_type = filters.group_by != "User"
	by_user = filters.group_by != "Type"

	def key_of(row):
		return (row.assigned_to if by_user else None, row.action_type if by_type else None)

	status_counts = defaultdict(lambda: {"Open": 0, "Done": 0, "late": 0})
	for row in frappe.get_list(
		DOCTYPE,
		filters=[*conditions, ["status", "in", ["Open", "Done"]]],
		fields=["assigned_to", "action_type", "status", "count(name) as count"],
		group_by="assigned_to, action_type, status",
		order_by=None,
	):
		status_counts[key_of(row)][row.status] += cint(row.count)
	for row in frappe.get_list(
		DOCTYPE,
		filters=[*conditions, ["status", "=", "Open"], ["start", "<", now]],
		fields=["assigned_to", "action_type", "count(name) as count"],
		group_by="assigned_to, action_type",
		order_by=None,
	):
		status_counts[key_of(row)]["late"] += cint(row.count)

	rows = []
	for (user, action_type), counts in sorted(
		status_counts.items(), key=lambda i: (i[0][0] or "", i[0][1] or "")
	):
		row = activity_counts(counts["Open"], counts["late"], counts["Done"])
		if by_user:
			row = {"user": user, "user_name": get_fullname(user) if user else "", **row}
		if by_type:
			row["action_type"] = action_type
		rows.append(row)
	if rows:
		total = {key: sum(r[key] for r in rows) for key in COUNTS}
		label_key = "user" if by_user else "action_type"
		rows.append({label_key: _("Total"), "is_total_row": 1, **total})
	return rows


def get_chart_data(data: list[dict], filters) -> dict | None:
	"""Done / planned / late per user (per type when grouped by type), stacked."""
	per_label = defaultdict(lambda: dict.fromkeys(("done", "planned", "late"), 0))
	for row in data:
		if row.get("is_total_row"):
			continue
		label = row.get("user_name") or row.get("user") or row.get("action_type") or ""
		for key in ("done", "planned", "late"):
			per_label[label][key] += row[key]
	if not per_label:
		return None
	labels = list(per_label)
	return {
		"data": {
			"labels": labels,
			"datasets": [
				{"name": _("Done"), "values": [per_label[label]["done"] for label in labels]},
				{"name": _("Planned"), "values": [per_label[label]["planned"] for label in labels]},
				{"name": _("Late"), "values": [per_label[label]["late"] for label in labels]},
			],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
		# done green, planned blue, late red (the board's late pictogram), in the datasets' order
		"colors": ["green", "blue", "red"],
	}
