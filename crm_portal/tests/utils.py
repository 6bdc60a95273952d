"""Site fixtures for the integration suite and factories shared by its tests."""

import frappe

from crm_portal.setup.erpnext_setup import ensure_setup_complete

TEST_COMPANY_ABBR = "CDS"


def before_tests() -> None:
	"""Called by `bench run-tests` once: what ERPNext documents need (company, fiscal years, an Item)."""
	frappe.clear_cache()
	ensure_setup_complete()
	frappe.db.commit()  # nosemgrep: fixtures must survive the per-test-class rollbacks


def get_test_company() -> str:
	return frappe.db.get_value("Company", {"abbr": TEST_COMPANY_ABBR}, "name") or frappe.db.get_value(
		"Company", {}, "name"
	)
