"""Pipeline by stage: count, amount, weighted amount, days and average basket of the opportunities at
each stage, won and lost included, for a period, company, portfolio, template, salesperson or team.

The period is the closing date of each opportunity: expected signature for open ones, signing date for
won ones, date lost for lost ones ("Closing date"); or its creation ("Creation date")."""

import frappe
from frappe import _
from frappe.utils import add_days, cint, flt

from crm_portal.crm_portal.report.common import between, clean_filters, opportunity_conditions
from crm_portal.crm_portal.report.figures import average

DOCTYPE = "CRM Opportunity"
FILTER_KEYS = (
	"from_date",
	"to_date",
	"based_on",
	"company",
	"portfolio",
	"stage_template",
	"salesperson",
	"sales_person",
)
BASED_ON = ("Closing date", "Creation date")
# the date an opportunity of each status closes on
CLOSING_DATE = {"Open": "expected_signature_date", "Won": "signed_on", "Lost": "lost_on"}
FIGURES = ("count", "accounts", "amount", "weighted_amount", "days")


def execute(filters: dict | None = None):
	filters = clean_filters(filters, FILTER_KEYS, {"based_on": BASED_ON})
	data = get_data(filters)
	return get_columns(), data, None, get_chart_data(data)


def get_columns() -> list[dict]:
	return [
		{"fieldname": "stage_name", "label": _("Stage"), "fieldtype": "Data", "width": 200},
		{
			"fieldname": "stage",
			"label": _("Stage Record"),
			"fieldtype": "Link",
			"options": "CRM Stage",
			"hidden": 1,
		},
		{"fieldname": "stage_template", "label": _("Stage Template"), "fieldtype": "Data", "width": 140},
		{"fieldname": "stage_type", "label": _("Stage Type"), "fieldtype": "Data", "width": 110},
		{"fieldname": "probability", "label": _("Probability (%)"), "fieldtype": "Percent", "width": 120},
		{"fieldname": "count", "label": _("Opportunities"), "fieldtype": "Int", "width": 110},
		{"fieldname": "accounts", "label": _("Accounts"), "fieldtype": "Int", "width": 90},
		{"fieldname": "amount", "label": _("Amount"), "fieldtype": "Currency", "width": 130},
		{
			"fieldname": "weighted_amount",
			"label": _("Weighted Amount"),
			"fieldtype": "Currency",
			"width": 130,
		},
		{"fieldname": "days", "label": _("Days"), "fieldtype": "Float", "width": 80},
		{"fieldname": "average_amount", "label": _("Average Basket"), "fieldtype": "Currency", "width": 130},
		{
			"fieldname": "average_per_account",
			"label": _("Average per Account"),
			"fieldtype": "Currency",
			"width": 140,
		},
	]


def period_conditions(filters) -> list[list]:
	"""One list of get_list filters per status; their union is the report's population."""
	base = opportunity_conditions(filters)
	if not (filters.get("from_date") or filters.get("to_date")):
		return [base]
	if filters.get("based_on") == "Creation date":
		period = frappe._dict(from_date=filters.get("from_date"))
		if filters.get("to_date"):
			period.to_date = add_days(filters.to_date, 1)
		conditions = [*base]
		if period.get("from_date"):
			conditions.append(["creation", ">=", period.from_date])
		if period.get("to_date"):
			conditions.append(["creation", "<", period.to_date])
		return [conditions]
	return [
		[*base, ["status", "=", status], *between(fieldname, filters)]
		for status, fieldname in CLOSING_DATE.items()
	]


def get_data(filters) -> list[dict]:
	per_stage: dict[str, dict] = {}
	accounts: set[tuple[str, str]] = set()
	for conditions in period_conditions(filters):
		for row in frappe.get_list(
			DOCTYPE,
			filters=conditions,
			fields=[
				"stage",
				"count(name) as count",
				"sum(amount) as amount",
				"sum(weighted_amount) as weighted_amount",
				"sum(days) as days",
			],
			group_by="stage",
			order_by=None,
		):
			figures = per_stage.setdefault(row.stage, dict.fromkeys(FIGURES, 0))
			for key in ("count", "amount", "weighted_amount", "days"):
				figures[key] += flt(row[key])
		# distinct accounts, per stage and overall (an account may have opportunities at several stages)
		for row in frappe.get_list(
			DOCTYPE,
			filters=conditions,
			fields=["stage", "account_type", "account"],
			group_by="stage, account_type, account",
			order_by=None,
		):
			per_stage[row.stage].setdefault("account_set", set()).add((row.account_type, row.account))
			accounts.add((row.account_type, row.account))

	rows = []
	total = dict.fromkeys(FIGURES, 0)
	for stage in stages_to_show(filters, per_stage):
		figures = per_stage.get(stage.name) or dict.fromkeys(FIGURES, 0)
		figures["accounts"] = len(figures.pop("account_set", ()))
		row = {
			"stage": stage.name,
			"stage_name": stage.stage_name,
			"stage_template": stage.stage_template,
			"stage_type": _(stage.stage_type),
			"probability": stage.probability,
			**{key: figures[key] for key in FIGURES},
		}
		row["count"] = cint(row["count"])
		for key in ("count", "amount", "weighted_amount", "days"):
			total[key] += row[key]
		rows.append(finish(row))
	if rows:
		total["accounts"] = len(accounts)
		rows.append(finish({"stage": _("Total"), "stage_name": _("Total"), "is_total_row": 1, **total}))
	return rows


def finish(row: dict) -> dict:
	row["amount"] = flt(row["amount"], 2)
	row["weighted_amount"] = flt(row["weighted_amount"], 2)
	row["days"] = flt(row["days"], 2)
	row["average_amount"] = average(row["amount"], row["count"])
	row["average_per_account"] = average(row["amount"], row["accounts"])
	return row


def stages_to_show(filters, per_stage: dict) -> list:
	"""Every stage of the chosen template (empty ones too), else the stages that have opportunities;
	by template, then position."""
	template = filters.get("stage_template") or (
		filters.get("portfolio") and frappe.db.get_value("CRM Portfolio", filters.portfolio, "stage_template")
	)
	stage_filters = {"stage_template": template} if template else {"name": ["in", list(per_stage) or [""]]}
	return frappe.get_all(
		"CRM Stage",
		filters=stage_filters,
		fields=["name", "stage_name", "stage_type", "probability", "stage_template", "position"],
		order_by="stage_template asc, position asc, name asc",
	)


def get_chart_data(data: list[dict]) -> dict | None:
	rows = [row for row in data if not row.get("is_total_row")]
	if not rows:
		return None
	return {
		"data": {
			"labels": [row.get("stage_name") or row["stage"] for row in rows],
			"datasets": [
				{"name": _("Amount"), "values": [row["amount"] for row in rows]},
				{"name": _("Weighted Amount"), "values": [row["weighted_amount"] for row in rows]},
			],
		},
		"type": "bar",
		"fieldtype": "Currency",
	}
