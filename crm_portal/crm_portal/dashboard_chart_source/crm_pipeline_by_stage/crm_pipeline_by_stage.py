"""Dashboard chart source "CRM Pipeline by Stage": Open opportunities' amount and weighted amount per stage (every template's stages merged by name).
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
	return dashboard.pipeline_by_stage(filters)
