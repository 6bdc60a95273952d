"""Dashboard chart source "CRM Signed per Month": Amount won per month of signing over the last twelve months.
Not cached (see crm_portal/api/dashboard.py): each user sees only their own figures."""

import frappe

from crm_portal.api import dashboard
from crm_portal.arguments.checks import checked_arguments


@frappe.whitelist()
@checked_arguments()
def get(
	chart_name: str | None = None,
	chart: str | dict | None = None,
	no_cache: str | int | None = None,
	filters: str | dict | list | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	timespan: str | None = None,
	time_interval: str | None = None,
	heatmap_year: str | int | None = None,
	refresh: str | int | None = None,
) -> dict:
	return dashboard.signed_per_month(filters)
