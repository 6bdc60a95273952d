"""Deals at risk: the open opportunities of a portfolio that are slipping (expected signature date passed,
no action for the configured number of days, in their stage for longer than the 80th percentile of the
deals that went through it), with their reasons. The rules are crm_portal.api.forecast.get_deals_at_risk's,
the list the board flags."""

import frappe
from frappe import _

from crm_portal.api.forecast import get_deals_at_risk
from crm_portal.crm_portal.report.common import clean_filters
from crm_portal.crm_portal.report.signature_forecast.signature_forecast import SCOPES, portfolio_of

FILTER_KEYS = ("portfolio", "scope")
LIMIT = 500
REASONS = ("overdue", "no_action", "stuck")


def execute(filters: dict | None = None):
	filters = clean_filters(filters, FILTER_KEYS, {"scope": SCOPES})
	portfolio = portfolio_of(filters)
	deals = get_deals_at_risk(portfolio=portfolio, scope=filters.get("scope") or "all", limit=LIMIT)
	data = get_data(deals)
	return get_columns(), data, None, get_chart_data(deals)


def get_columns() -> list[dict]:
	return [
		{
			"fieldname": "opportunity",
			"label": _("Opportunity"),
			"fieldtype": "Link",
			"options": "CRM Opportunity",
			"width": 130,
		},
		{"fieldname": "title", "label": _("Opportunity Name"), "fieldtype": "Data", "width": 200},
		{"fieldname": "account_name", "label": _("Account Name"), "fieldtype": "Data", "width": 170},
		{"fieldname": "stage_name", "label": _("Stage"), "fieldtype": "Data", "width": 170},
		{"fieldname": "amount", "label": _("Amount"), "fieldtype": "Currency", "width": 120},
		{
			"fieldname": "expected_signature_date",
			"label": _("Expected Signature Date"),
			"fieldtype": "Date",
			"width": 130,
		},
		{"fieldname": "reasons", "label": _("Why at risk"), "fieldtype": "Data", "width": 320},
	]


def get_data(deals: list[dict]) -> list[dict]:
	return [
		{
			"opportunity": deal.get("name"),
			"title": deal.get("title"),
			"account_name": deal.get("account_name"),
			"stage_name": deal.get("stage_name"),
			"amount": deal.get("amount"),
			"expected_signature_date": deal.get("expected_signature_date"),
			"reasons": " · ".join(r.get("label") or r.get("code") for r in deal.get("reasons") or []),
		}
		for deal in deals
	]


def reason_labels() -> dict[str, str]:
	return {
		"overdue": _("Expected signature date passed"),
		"no_action": _("No recent action"),
		"stuck": _("In this stage for longer than usual"),
	}


def get_chart_data(deals: list[dict]) -> dict | None:
	"""How many deals each reason flags (a deal may have several)."""
	if not deals:
		return None
	counts = dict.fromkeys(REASONS, 0)
	for deal in deals:
		for reason in deal.get("reasons") or []:
			if reason.get("code") in counts:
				counts[reason["code"]] += 1
	labels = reason_labels()
	return {
		"data": {
			"labels": [labels[code] for code in REASONS],
			"datasets": [{"name": _("Deals at Risk"), "values": [counts[code] for code in REASONS]}],
		},
		"type": "bar",
		"colors": ["red"],
	}
