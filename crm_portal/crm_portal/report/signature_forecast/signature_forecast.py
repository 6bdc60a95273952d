"""Signature forecast: for the next months of a portfolio and a scope, what is already signed, the
expected signed amount (each open deal's amount times its stage's observed win rate, in its expected
signature month slipped by the observed delay) and its P10-P90 range from a seeded simulation — the
figures of crm_portal.api.forecast.get_forecast, the board's panel.

Drill-down: with the `month` filter (a month's link sets it), the report lists that month's deals
instead: the open deals the forecast places in it and the deals signed in it."""

import re

import frappe
from frappe import _
from frappe.utils import cint, flt, get_last_day, getdate

from crm_portal.api.forecast import get_forecast, get_forecast_deals
from crm_portal.crm_portal.report.common import clean_filters
from crm_portal.teams import TEAM_SCOPES, scope_users
from crm_portal.utils import bold_text

DOCTYPE = "CRM Opportunity"
FILTER_KEYS = ("portfolio", "scope", "months", "month")
SCOPES = ("me", *TEAM_SCOPES, "all")
DEFAULT_MONTHS = 6
MAX_MONTHS = 24


def execute(filters: dict | None = None):
	filters = clean_filters(filters, FILTER_KEYS, {"scope": SCOPES})
	portfolio = portfolio_of(filters)
	scope = filters.get("scope") or "all"
	months = months_of(filters)
	if filters.get("month"):
		month = month_of(filters.month)
		data = get_deals(portfolio, scope, months, month)
		return get_deal_columns(), data, None, None
	forecast = get_forecast(portfolio=portfolio, scope=scope, months=months)
	data = get_data(forecast)
	return get_columns(), data, None, get_chart_data(data)


# --- filters ------------------------------------------------------------------------------------


def portfolio_of(filters) -> str | None:
	"""The portfolio asked for (read access checked); None: every active portfolio the user reads."""
	portfolio = filters.get("portfolio")
	if portfolio:
		frappe.has_permission("CRM Portfolio", "read", portfolio, throw=True)
	return portfolio or None


def months_of(filters) -> int:
	raw = filters.get("months")
	if raw in (None, ""):
		return DEFAULT_MONTHS
	months = cint(raw)
	if str(months) != str(raw).strip() or not 1 <= months <= MAX_MONTHS:
		frappe.throw(
			_("{0} must be a whole number between 1 and {1}").format(bold_text(_("Months")), MAX_MONTHS),
			title=_("Invalid filter"),
		)
	return months


def month_of(value: str) -> str:
	if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(value)):
		frappe.throw(
			_("{0} must be a month written as 2026-12").format(bold_text(_("Month"))),
			title=_("Invalid filter"),
		)
	return str(value)


# --- months -------------------------------------------------------------------------------------


def get_columns() -> list[dict]:
	return [
		{"fieldname": "month", "label": _("Month"), "fieldtype": "Data", "width": 110},
		{"fieldname": "signed", "label": _("Signed"), "fieldtype": "Currency", "width": 130},
		{"fieldname": "expected", "label": _("Expected"), "fieldtype": "Currency", "width": 130},
		{"fieldname": "p10", "label": _("P10 (low)"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "p90", "label": _("P90 (high)"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "deals", "label": _("Open Deals"), "fieldtype": "Int", "width": 100},
	]


def get_data(forecast: dict) -> list[dict]:
	rows = [
		{
			"month": m["month"],
			"signed": flt(m.get("signed"), 2),
			"expected": flt(m.get("expected"), 2),
			"p10": flt(m.get("p10"), 2),
			"p90": flt(m.get("p90"), 2),
			"deals": cint(m.get("deals")),
		}
		for m in forecast.get("months") or []
	]
	if rows:
		rows.append(
			{
				"month": _("Total"),
				"is_total_row": 1,
				"signed": flt(sum(r["signed"] for r in rows), 2),
				"expected": flt(sum(r["expected"] for r in rows), 2),
				"deals": sum(r["deals"] for r in rows),
			}
		)
	return rows


def get_chart_data(data: list[dict]) -> dict | None:
	rows = [row for row in data if not row.get("is_total_row")]
	if not rows:
		return None
	return {
		"data": {
			"labels": [row["month"] for row in rows],
			"datasets": [
				{"name": _("Signed"), "values": [row["signed"] for row in rows], "chartType": "bar"},
				{"name": _("Expected"), "values": [row["expected"] for row in rows], "chartType": "bar"},
				{"name": _("P10 (low)"), "values": [row["p10"] for row in rows], "chartType": "line"},
				{"name": _("P90 (high)"), "values": [row["p90"] for row in rows], "chartType": "line"},
			],
		},
		"type": "axis-mixed",
		"fieldtype": "Currency",
		"colors": ["green", "light-blue", "grey", "grey"],
	}


# --- the deals of one month -----------------------------------------------------------------------


def get_deal_columns() -> list[dict]:
	return [
		{
			"fieldname": "opportunity",
			"label": _("Opportunity"),
			"fieldtype": "Link",
			"options": DOCTYPE,
			"width": 130,
		},
		{"fieldname": "title", "label": _("Opportunity Name"), "fieldtype": "Data", "width": 200},
		{"fieldname": "account_name", "label": _("Account Name"), "fieldtype": "Data", "width": 170},
		{"fieldname": "stage_name", "label": _("Stage"), "fieldtype": "Data", "width": 160},
		{"fieldname": "status", "label": _("Status"), "fieldtype": "Data", "width": 90},
		{"fieldname": "date", "label": _("Signed or Expected On"), "fieldtype": "Date", "width": 130},
		{"fieldname": "amount", "label": _("Amount"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "rate", "label": _("Win Rate"), "fieldtype": "Percent", "width": 90},
		{"fieldname": "expected", "label": _("Expected"), "fieldtype": "Currency", "width": 120},
	]


def get_deals(portfolio: str | None, scope: str, months: int, month: str) -> list[dict]:
	"""The deals of one month: those already signed in it, then the open ones the forecast places in it
	(crm_portal.api.forecast.get_forecast_deals), largest expected amount first."""
	first = getdate(f"{month}-01")
	conditions = [["status", "=", "Won"], ["signed_on", "between", [first, get_last_day(first)]]]
	if portfolio:
		conditions.append(["portfolio", "=", portfolio])
	users = scope_users(scope)
	if users is not None:
		conditions.append(["salesperson", "in", users or [""]])
	signed = frappe.get_list(
		DOCTYPE,
		filters=conditions,
		fields=["name", "title", "account_name", "stage", "amount", "signed_on"],
		order_by="amount desc, name asc",
	)
	open_deals = get_forecast_deals(month=month, portfolio=portfolio, scope=scope, months=months)
	stage_names = dict(
		frappe.get_all(
			"CRM Stage",
			filters={"name": ["in", list({d["stage"] for d in [*signed, *open_deals]}) or [""]]},
			fields=["name", "stage_name"],
			as_list=True,
		)
	)
	rows = [
		{
			"opportunity": d.name,
			"title": d.title,
			"account_name": d.account_name,
			"stage_name": stage_names.get(d.stage, d.stage),
			"status": _("Won"),
			"date": d.signed_on,
			"amount": flt(d.amount, 2),
			"rate": 100.0,
			"expected": flt(d.amount, 2),
		}
		for d in signed
	]
	rows += [
		{
			"opportunity": d["name"],
			"title": d["title"],
			"account_name": d["account_name"],
			"stage_name": stage_names.get(d["stage"], d["stage"]),
			"status": _("Open"),
			"date": d["expected_signature_date"],
			"amount": flt(d["amount"], 2),
			"rate": flt(flt(d["rate"]) * 100, 1),
			"expected": flt(d["expected"], 2),
		}
		for d in open_deals
	]
	return rows
