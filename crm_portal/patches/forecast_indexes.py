"""Indexes of the forecast panel, report and deals at risk (crm_portal/forecast/queries.py) on installed
sites."""

from crm_portal.forecast.queries import add_indexes


def execute():
	add_indexes()
