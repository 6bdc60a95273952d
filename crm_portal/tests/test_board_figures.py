"""The board's summary rows (CRM Board Figures, crm_portal/pipeline/board_figures.py).

- In step: after every path that changes an opportunity (quick create, move, form save, REST-style save,
  frappe.client.set_value, bulk update, salesperson and portfolio changes, won through a Sales Order,
  lost, Rouvrir, reuse, delete, a failed save rolled back, db_set, a raw write inside `changing`), the
  rows equal a recount from `tabCRM Opportunity`; a raw write outside it is found and repaired by the
  weekly check.
- Walled: the rows are read through the opportunities' own rule on every generic path, and nobody
  writes them through the API."""

import frappe
from frappe.desk.doctype.bulk_update.bulk_update import submit_cancel_or_update_docs
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, today

from crm_portal.api import pipeline
from crm_portal.pipeline import board_figures
from crm_portal.pipeline.test_quotation import PROPOSAL, TEMPLATE, create_quote_fixtures
from crm_portal.tests.utils import (
	create_test_lost_reason,
	create_test_opportunity,
	create_test_portfolio,
	create_test_sales_person,
	create_test_user,
)

SELLER = "bf.seller@example.com"
OTHER = "bf.other@example.com"
MANAGER = "bf.manager@example.com"
QUALIF = f"{TEMPLATE}-QUALIF"


class TestBoardFiguresInStep(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		fixtures = create_quote_fixtures()
		cls.customer = fixtures["customer"]
		cls.portfolios = [fixtures["portfolio"], create_test_portfolio("_Test BF Portfolio 2", TEMPLATE)]
		for user in (SELLER, OTHER):
			create_test_user(user)
			create_test_sales_person(user, is_group=0)
		create_test_user(MANAGER, roles=("Sales Manager", "Sales User"))
		cls.lost_reason = create_test_lost_reason()

	def assert_in_step(self, label: str) -> None:
		self.assertEqual(board_figures.differences(self.portfolios), [], label)

	def test_every_path_keeps_the_rows_in_step(self):
		from erpnext.selling.doctype.quotation.quotation import make_sales_order

		self.assert_in_step("before")
		with self.set_user(SELLER):
			name = pipeline.quick_create(
				self.portfolios[0], account=self.customer, title="_Test BF", amount=1200, days=3
			)["name"]
			self.assert_in_step("quick_create")
			pipeline.move_to_stage(name, QUALIF)
			self.assert_in_step("move_to_stage")
			doc = frappe.get_doc("CRM Opportunity", name)
			doc.amount, doc.days = 2500.55, 4.5
			doc.currency = frappe.get_cached_value("Company", doc.company, "default_currency")
			doc.save()
			self.assert_in_step("form save with amount change")
			frappe.client.save({**frappe.get_doc("CRM Opportunity", name).as_dict(), "amount": 3100})
			self.assert_in_step("REST-style save")
			frappe.client.set_value("CRM Opportunity", name, "amount", 4200)
			self.assert_in_step("frappe.client.set_value")
			submit_cancel_or_update_docs(
				"CRM Opportunity", [name], action="update", data={"days": 7}, task_id=None
			)
			self.assert_in_step("bulk update")
		with self.set_user(MANAGER):
			frappe.client.set_value("CRM Opportunity", name, "salesperson", OTHER)
			self.assert_in_step("salesperson changed")
			frappe.client.set_value("CRM Opportunity", name, "portfolio", self.portfolios[1])
			self.assert_in_step("portfolio changed")
			frappe.client.set_value("CRM Opportunity", name, "portfolio", self.portfolios[0])
			frappe.client.set_value("CRM Opportunity", name, "salesperson", SELLER)
		with self.set_user(SELLER):
			quotation = pipeline.move_to_stage(name, PROPOSAL)["quotation"]
			self.assert_in_step("proposal (quotation made, db_set on the opportunity)")
			frappe.get_doc("Quotation", quotation).submit()
			order = make_sales_order(quotation)
			order.delivery_date = add_days(today(), 30)
			order.insert()
			order.submit()
			self.assertEqual(frappe.db.get_value("CRM Opportunity", name, "status"), "Won")
			self.assert_in_step("won through the Sales Order")
			frappe.get_doc("Sales Order", order.name).cancel()
			self.assertEqual(frappe.db.get_value("CRM Opportunity", name, "status"), "Open")
			self.assert_in_step("Sales Order cancelled: open again")
			pipeline.mark_lost(name, self.lost_reason)
			self.assert_in_step("lost")
		with self.set_user(MANAGER):
			pipeline.reopen(name)
			self.assert_in_step("Rouvrir")
			pipeline.mark_lost(name, self.lost_reason)
		with self.set_user(SELLER):
			reused = pipeline.reuse(name)["name"]
			self.assert_in_step("reuse")
			frappe.delete_doc("CRM Opportunity", reused)
			self.assert_in_step("delete")

	def test_failed_save_rolls_the_rows_back(self):
		with self.set_user(SELLER):
			doc = create_test_opportunity(portfolio=self.portfolios[0], account=self.customer, amount=900)
			before = board_figures.differences(self.portfolios)
			frappe.db.savepoint("bf_failed_save")
			doc.amount = 1900
			doc.stage = "_Test no such stage"
			with self.assertRaises(frappe.ValidationError):
				doc.save()
			frappe.db.rollback(save_point="bf_failed_save")
			self.assertEqual(before, [])
			self.assert_in_step("failed save rolled back")

	def test_db_set_and_raw_writes(self):
		doc = create_test_opportunity(portfolio=self.portfolios[0], account=self.customer, amount=700)
		doc.db_set("amount", 1700)
		self.assert_in_step("db_set")
		doc.db_set({"salesperson": OTHER, "days": 2})
		self.assert_in_step("db_set of two columns")
		with board_figures.changing(doc.name):
			frappe.db.set_value("CRM Opportunity", doc.name, "owner", OTHER, update_modified=False)
		self.assert_in_step("raw write inside changing()")
		doc.reload()
		doc.amount = 800
		doc.save()
		self.assert_in_step("save after the raw write")

		# A raw write that skips the summary is found, logged and repaired by the weekly check.
		frappe.db.set_value("CRM Opportunity", doc.name, "amount", 5, update_modified=False)
		self.assertEqual(len(board_figures.differences(self.portfolios)), 1)
		self.assertGreaterEqual(board_figures.check(), 1)
		self.assert_in_step("repaired")
		self.assertEqual(board_figures.check(), 0)

	def test_summary_rows_are_walled(self):
		"""A Sales User reads, through every generic path, only the rows of their rule; nobody writes."""
		from frappe.desk.listview import get_group_by_count
		from frappe.desk.reportview import get_count

		for seller in (SELLER, OTHER):
			with self.set_user(seller):
				create_test_opportunity(portfolio=self.portfolios[0], account=self.customer)
		theirs = frappe.get_all(
			"CRM Board Figures", filters={"salesperson": OTHER, "owner": OTHER}, pluck="name"
		)
		self.assertTrue(theirs)
		with self.set_user(SELLER):
			rows = frappe.get_list("CRM Board Figures", fields=["name", "salesperson", "owner"])
			self.assertTrue(rows)
			for row in rows:
				self.assertTrue(SELLER in (row.salesperson, row.owner), row)
			frappe.local.form_dict = frappe._dict(
				doctype="CRM Board Figures", filters=[["salesperson", "=", OTHER], ["owner", "=", OTHER]]
			)
			self.assertEqual(get_count(), 0)
			theirs_only = frappe.as_json([["salesperson", "=", OTHER], ["owner", "=", OTHER]])
			self.assertEqual(get_group_by_count("CRM Board Figures", theirs_only, "salesperson"), [])
			self.assertFalse(frappe.has_permission("CRM Board Figures", "read", doc=theirs[0]))
			with self.assertRaises(frappe.PermissionError):
				frappe.client.get("CRM Board Figures", theirs[0])
			for call in (
				lambda: frappe.get_doc(
					{"doctype": "CRM Board Figures", "portfolio": self.portfolios[0], "opportunities": 9}
				).insert(),
				lambda: frappe.client.set_value("CRM Board Figures", rows[0].name, "opportunities", 99),
				lambda: frappe.delete_doc("CRM Board Figures", rows[0].name),
			):
				with self.assertRaises(frappe.PermissionError):
					call()
		self.assert_in_step("walls")
