"""Sources of the CRM Portal workspace's number cards and charts that Frappe's generic ones cannot give
exactly: late actions (open, started before now in the site's time zone), the open pipeline by stage
(stages of every template merged by name, in position order) and the amount signed per month.

Every figure is read through `frappe.get_list`, so each user counts only what they may see. The chart
sources are not cached: Frappe's `cache_source` keeps one result per chart for every user, which would
show a manager's figures to a salesperson."""

from datetime import date

import frappe
from frappe import _
from frappe.utils import cint, flt, format_date, get_first_day, get_last_day, getdate, now_datetime, nowdate

from crm_portal.arguments.checks import checked_arguments
from crm_portal.crm_portal.report.figures import format_amount_short
from crm_portal.pipeline.periods import add_months, last_day
from crm_portal.utils import bold_text, currency_symbol, parse_json_arg

CHART_FILTER_KEYS = {
	"company": "Company",
	"portfolio": "CRM Portfolio",
	"stage_template": "CRM Stage Template",
}
SIGNED_MONTHS = 12


def chart_filters(filters) -> list[list]:
	"""get_list conditions from the few filters a workspace card or chart accepts (links checked)."""
	if isinstance(filters, list):
		filters = {}  # Frappe's own filter list (none is offered on these sources)
	filters = parse_json_arg(filters, dict, _("Filters"))
	conditions = []
	for key, doctype in CHART_FILTER_KEYS.items():
		value = filters.get(key)
		if value in (None, ""):
			continue
		if not isinstance(value, str) or not frappe.db.exists(doctype, value):
			frappe.throw(_("{0} {1} does not exist").format(_(doctype), bold_text(str(value)[:140])))
		conditions.append([key, "=", value])
	return conditions


@frappe.whitelist()
@checked_arguments()
def late_actions(filters: str | dict | list | None = None) -> dict:
	"""Number card "Late actions": open actions that started before now. The card has no filter (the
	widget always sends its, empty, filter list)."""
	frappe.has_permission("CRM Action", "read", throw=True)
	rows = frappe.get_list(
		"CRM Action",
		filters=[["status", "=", "Open"], ["start", "<", now_datetime()]],
		fields=["count(name) as count"],
		order_by=None,
	)
	return {
		"value": cint(rows[0].count) if rows else 0,
		"fieldtype": "Int",
		"route": ["crm-actions"],
	}


def opportunity_sum(fieldname: str, conditions: list) -> float:
	rows = frappe.get_list(
		"CRM Opportunity", filters=conditions, fields=[f"sum({fieldname}) as total"], order_by=None
	)
	return flt(rows[0].total) if rows else 0.0


# The money cards are written by the formatter of the board, the reports and the portal ("43 k€"):
# a custom card whose method answers text shows that text as it is (Frappe's own cards would write
# "€ 43,00 K"). Each card's figure is its method's `_value` twin.
def pipeline_amount_value() -> float:
	frappe.has_permission("CRM Opportunity", "read", throw=True)
	return opportunity_sum("amount", [["status", "=", "Open"]])


def weighted_pipeline_value() -> float:
	frappe.has_permission("CRM Opportunity", "read", throw=True)
	return opportunity_sum("weighted_amount", [["status", "=", "Open"]])


def signed_this_month_value() -> float:
	"""The amount won this month (site's time zone)."""
	frappe.has_permission("CRM Opportunity", "read", throw=True)
	today = getdate(nowdate())
	conditions = [
		["status", "=", "Won"],
		["signed_on", ">=", get_first_day(today)],
		["signed_on", "<=", get_last_day(today)],
	]
	return opportunity_sum("amount", conditions)


@frappe.whitelist()
@checked_arguments()
def pipeline_amount(filters: str | dict | list | None = None) -> str:
	"""Number card "Pipeline amount": the amount of the open opportunities the user sees."""
	return format_amount_short(pipeline_amount_value(), currency_symbol())


@frappe.whitelist()
@checked_arguments()
def weighted_pipeline(filters: str | dict | list | None = None) -> str:
	"""Number card "Weighted pipeline": the weighted amount of the open opportunities the user sees."""
	return format_amount_short(weighted_pipeline_value(), currency_symbol())


@frappe.whitelist()
@checked_arguments()
def signed_this_month(filters: str | dict | list | None = None) -> str:
	"""Number card "Signed this month": the amount the user sees won this month."""
	return format_amount_short(signed_this_month_value(), currency_symbol())


def pipeline_by_stage(filters=None) -> dict:
	"""Open opportunities' amount and weighted amount per stage name, stages in position order."""
	frappe.has_permission("CRM Opportunity", "read", throw=True)
	rows = frappe.get_list(
		"CRM Opportunity",
		filters=[["status", "=", "Open"], *chart_filters(filters)],
		fields=["stage", "sum(amount) as amount", "sum(weighted_amount) as weighted_amount"],
		group_by="stage",
		order_by=None,
	)
	stages = {
		s.name: s
		for s in frappe.get_all(
			"CRM Stage",
			filters={"name": ["in", [r.stage for r in rows] or [""]]},
			fields=["name", "stage_name", "position"],
		)
	}
	per_name: dict[str, dict] = {}
	for row in rows:
		stage = stages.get(row.stage) or frappe._dict(stage_name=row.stage or _("No stage"), position=0)
		entry = per_name.setdefault(
			stage.stage_name, {"position": cint(stage.position), "amount": 0.0, "weighted_amount": 0.0}
		)
		entry["position"] = min(entry["position"], cint(stage.position))
		entry["amount"] += flt(row.amount)
		entry["weighted_amount"] += flt(row.weighted_amount)
	ordered = sorted(per_name.items(), key=lambda item: (item[1]["position"], item[0]))
	return {
		"labels": [name for name, _entry in ordered],
		"datasets": [
			{"name": _("Amount"), "values": [flt(e["amount"], 2) for _name, e in ordered]},
			{"name": _("Weighted Amount"), "values": [flt(e["weighted_amount"], 2) for _name, e in ordered]},
		],
	}


def signed_per_month(filters=None, today: date | None = None) -> dict:
	"""Amount of the opportunities won per month of signing, over the last twelve months (this one
	included)."""
	frappe.has_permission("CRM Opportunity", "read", throw=True)
	today = getdate(today)
	months = [add_months(today.year, today.month, delta) for delta in range(1 - SIGNED_MONTHS, 1)]
	start = date(months[0][0], months[0][1], 1)
	end = last_day(*months[-1])
	rows = frappe.get_list(
		"CRM Opportunity",
		filters=[
			["status", "=", "Won"],
			["signed_on", ">=", start],
			["signed_on", "<=", end],
			*chart_filters(filters),
		],
		fields=["year(signed_on) as year", "month(signed_on) as month", "sum(amount) as amount"],
		group_by="year(signed_on), month(signed_on)",
		order_by=None,
	)
	amounts = {(cint(r.year), cint(r.month)): flt(r.amount, 2) for r in rows}
	return {
		"labels": [format_date(date(y, m, 1), "MM/yy") for y, m in months],
		"datasets": [{"name": _("Signed"), "values": [amounts.get(month, 0.0) for month in months]}],
	}
