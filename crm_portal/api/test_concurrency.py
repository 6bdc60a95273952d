"""Two people working the same deal: a write based on a stale version is refused, on two real database
connections, instead of silently overwriting the other's work. And every stage move is on record."""

import frappe
from frappe.tests.utils import FrappeTestCase

from crm_portal.api import pipeline
from crm_portal.tests.utils import (
	create_test_customer,
	create_test_opportunity,
	create_test_portfolio,
	create_test_user,
	run_concurrently,
)

SELLER = "concurrent.seller@example.com"
QUALIF, PROPOSAL = "_Test Template-QUALIFICATION / POSITIONNEMENT", "_Test Template-PROPOSITION"


class TestConcurrentEdits(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		create_test_user(SELLER)
		cls.portfolio = create_test_portfolio()
		cls.customer = create_test_customer()

	def setUp(self):
		self.opp = create_test_opportunity(
			title="_Test Concurrent edit", salesperson=SELLER, portfolio=self.portfolio, account=self.customer
		)
		frappe.db.commit()  # the other connections must see it

	def tearDown(self):
		frappe.db.rollback()
		frappe.delete_doc("CRM Opportunity", self.opp.name, force=True, ignore_permissions=True)
		frappe.db.commit()

	def test_two_moves_from_the_same_version_one_is_refused(self):
		seen = str(self.opp.modified)
		outcomes = run_concurrently(
			SELLER,
			lambda: pipeline.move_to_stage(self.opp.name, QUALIF, modified=seen),
			lambda: pipeline.move_to_stage(self.opp.name, PROPOSAL, modified=seen),
		)
		# Refused by our check of `modified`, or - when both passed it before either wrote - by Frappe's own
		# check under the row lock: either way a "reload" message, never an overwrite.
		self.assertEqual(outcomes.count("ok"), 1, outcomes)
		self.assertTrue(set(outcomes) - {"ok"} <= {"ConflictError", "TimestampMismatchError"}, outcomes)
		winner = QUALIF if outcomes[0] == "ok" else PROPOSAL
		self.assertEqual(frappe.db.get_value("CRM Opportunity", self.opp.name, "stage"), winner)

	def test_two_form_saves_of_the_same_version_one_is_refused(self):
		def save_amount(amount):
			def save():
				doc = frappe.get_doc("CRM Opportunity", self.opp.name)
				doc.modified = self.opp.modified  # both forms were opened before either saved
				doc.amount = amount
				doc.save()

			return save

		outcomes = run_concurrently(SELLER, save_amount(111), save_amount(222))
		self.assertEqual(sorted(outcomes), ["TimestampMismatchError", "ok"], outcomes)
		kept = 111 if outcomes[0] == "ok" else 222
		self.assertEqual(frappe.db.get_value("CRM Opportunity", self.opp.name, "amount"), kept)

	def test_stale_message_names_who_changed_it(self):
		seen = str(self.opp.modified)
		with self.set_user(SELLER):
			pipeline.move_to_stage(self.opp.name, QUALIF)
			with self.assertRaisesRegex(frappe.ValidationError, "meanwhile"):
				pipeline.move_to_stage(self.opp.name, PROPOSAL, modified=seen)

	def test_stage_history_says_who_moved_it_when_from_where_to_where(self):
		frappe.flags.in_test = False  # bench run-tests skips Version logs; a site keeps them
		try:
			with self.set_user(SELLER):
				pipeline.move_to_stage(self.opp.name, QUALIF)
				pipeline.move_to_stage(self.opp.name, PROPOSAL)
				history = pipeline.get_stage_history(self.opp.name)
		finally:
			frappe.flags.in_test = True
		self.assertEqual(
			[(h["user"], h["from_stage_name"], h["to_stage_name"]) for h in history],
			[
				(SELLER, "IDENTIFICATION", "QUALIFICATION / POSITIONNEMENT"),
				(SELLER, "QUALIFICATION / POSITIONNEMENT", "PROPOSITION"),
			],
		)
		self.assertTrue(all(h["on"] for h in history))
		with self.set_user("Guest"), self.assertRaises(frappe.PermissionError):
			pipeline.get_stage_history(self.opp.name)
