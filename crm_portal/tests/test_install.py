"""Proves the app is really installed on the test site, beside ERPNext, with its fixtures applied."""

import frappe
from frappe.tests.utils import FrappeTestCase

import crm_portal
from crm_portal.setup.erpnext_setup import SERVICE_ITEM_CODE
from crm_portal.tests.utils import get_test_company


class TestInstall(FrappeTestCase):
	def test_app_installed_beside_erpnext(self):
		installed = frappe.get_installed_apps()
		self.assertIn("crm_portal", installed)
		self.assertIn("erpnext", installed)
		self.assertLess(installed.index("erpnext"), installed.index("crm_portal"))

	def test_module_registered(self):
		self.assertEqual(frappe.db.get_value("Module Def", "CRM Portal", "app_name"), "crm_portal")

	def test_installed_version_matches_checkout(self):
		self.assertEqual(frappe.get_attr("crm_portal.__version__"), crm_portal.__version__)

	def test_before_tests_prepared_erpnext(self):
		company = get_test_company()
		self.assertTrue(company)
		self.assertEqual(frappe.db.get_value("Company", company, "default_currency"), "EUR")
		self.assertTrue(frappe.db.exists("Item", SERVICE_ITEM_CODE))
		self.assertTrue(frappe.db.get_single_value("Selling Settings", "customer_group"))
