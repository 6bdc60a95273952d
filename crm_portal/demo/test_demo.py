"""The demo data loads on the test site, twice without duplicates, with the seeds' opportunities."""

import frappe
from frappe.tests.utils import FrappeTestCase

from crm_portal import demo


class TestDemo(FrappeTestCase):
	def test_demo_loads_idempotently(self):
		demo.load()
		demo.load()
		rows = frappe.get_all(
			"CRM Opportunity",
			filters={"portfolio": demo.PORTFOLIO},
			fields=["title", "status", "stage", "salesperson"],
			order_by="title asc",
		)
		self.assertEqual([r.title for r in rows], ["Projet 1", "Projet 2", "Projet 3", "Projet 4"])
		by_title = {r.title: r for r in rows}
		self.assertEqual(by_title["Projet 2"].stage, f"{demo.TEMPLATE}-QUALIFICATION / POSITIONNEMENT")
		self.assertEqual(by_title["Projet 4"].status, "Won")
		self.assertEqual({r.salesperson for r in rows}, {demo.SALESPERSON})
		stage = frappe.get_doc("CRM Stage", f"{demo.TEMPLATE}-QUALIFICATION / POSITIONNEMENT")
		self.assertEqual(
			[r.fieldname for r in stage.required_fields], ["crm_bu", "crm_filiere", "crm_source_type"]
		)
		self.assertTrue(frappe.get_meta("CRM Opportunity").has_field("crm_engagement_manager"))
		self.assertEqual(
			frappe.db.get_single_value("CRM Portal Settings", "default_portfolio"), demo.PORTFOLIO
		)
		self.assertIn("Sales User", frappe.get_roles("alfred.dupont@conseil-dupont.fr"))
