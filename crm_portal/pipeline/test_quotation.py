"""The proposal stage makes one draft ERPNext Quotation; the Quotation's life moves the opportunity.

Everything a salesperson does here runs as a Sales User, on real ERPNext documents."""

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days, today

from crm_portal.api import pipeline
from crm_portal.pipeline.quotation import CANCELLED_REASON
from crm_portal.setup.erpnext_setup import SERVICE_ITEM_CODE, ensure_service_item
from crm_portal.tests.utils import (
	create_test_customer,
	create_test_opportunity,
	create_test_portfolio,
	create_test_template,
	create_test_user,
	run_concurrently,
)

SALES_USER = "quote.seller@example.com"
TEMPLATE = "_Test Quote"
QUOTE_STAGES = (
	("IDENT", 10, "Open", 10, ()),
	("QUALIF", 20, "Open", 40, ()),
	("PROPOSITION", 30, "Open", 70, (), True),
	("SIGNED", 90, "Won", 100, ()),
	("LOST", 99, "Lost", 0, ()),
)
QUALIF, PROPOSAL = f"{TEMPLATE}-QUALIF", f"{TEMPLATE}-PROPOSITION"
LICENCE_ITEM = "_TEST-LICENCE"


def create_quote_fixtures() -> dict:
	create_test_user(SALES_USER)
	portfolio = create_test_portfolio("_Test Quote Portfolio", create_test_template(TEMPLATE, QUOTE_STAGES))
	ensure_service_item(LICENCE_ITEM, "Licence test")
	sale_types = {}
	for name, mode, item in (
		("_Test Régie", "Days", SERVICE_ITEM_CODE),
		("_Test Licences", "Quantity x Unit Price", LICENCE_ITEM),
		("_Test Forfait", "Amount", SERVICE_ITEM_CODE),
		("_Test Sans article", "Amount", None),
	):
		if not frappe.db.exists("CRM Sale Type", name):
			frappe.get_doc(
				{"doctype": "CRM Sale Type", "sale_type_name": name, "estimate_mode": mode, "item": item}
			).insert(ignore_permissions=True)
		sale_types[name] = name
	frappe.db.set_single_value("CRM Portal Settings", "default_item", SERVICE_ITEM_CODE)
	return {"portfolio": portfolio, "customer": create_test_customer("_Test Quote Customer")}


def quotations_of(opportunity: str) -> list[dict]:
	return frappe.get_all(
		"Quotation",
		filters={"crm_opportunity": opportunity},
		fields=["name", "docstatus", "status", "quotation_to", "party_name", "grand_total", "title"],
	)


class TestQuotationFromProposalStage(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		fixtures = create_quote_fixtures()
		cls.portfolio, cls.customer = fixtures["portfolio"], fixtures["customer"]

	def new_opportunity(self, **fields):
		with self.set_user(SALES_USER):
			return create_test_opportunity(portfolio=self.portfolio, account=self.customer, **fields)

	def move(self, opportunity: str, stage: str, **kwargs) -> dict:
		with self.set_user(SALES_USER):
			return pipeline.move_to_stage(opportunity, stage, **kwargs)

	def test_general_estimate_makes_one_draft_quotation_to_the_customer(self):
		opp = self.new_opportunity(title="_Test Devis général", amount=8000)
		self.assertFalse(quotations_of(opp.name))
		moved = self.move(opp.name, PROPOSAL)
		(quotation,) = quotations_of(opp.name)
		self.assertEqual(moved["quotation"], quotation.name)
		self.assertEqual(quotation.docstatus, 0)
		self.assertEqual((quotation.quotation_to, quotation.party_name), ("Customer", self.customer))
		self.assertEqual(quotation.title, "_Test Devis général")
		self.assertEqual(quotation.grand_total, 8000)
		doc = frappe.get_doc("Quotation", quotation.name)
		self.assertEqual(doc.company, frappe.db.get_value("CRM Portfolio", self.portfolio, "company"))
		self.assertEqual(doc.currency, opp.currency)
		self.assertEqual([(i.item_code, i.qty, i.rate) for i in doc.items], [(SERVICE_ITEM_CODE, 1, 8000)])
		self.assertEqual(doc.owner, SALES_USER)

	def test_detailed_estimate_lines_become_quotation_items(self):
		opp = self.new_opportunity(
			title="_Test Devis détaillé",
			estimate_mode="Detailed",
			estimate_lines=[
				{"sale_type": "_Test Régie", "days": 3, "unit_price": 900, "description": "Audit"},
				{"sale_type": "_Test Licences", "quantity": 4, "unit_price": 250},
				{"sale_type": "_Test Forfait", "amount": 1500},
			],
		)
		self.assertEqual(opp.amount, 2700 + 1000 + 1500)
		self.move(opp.name, PROPOSAL)
		doc = frappe.get_doc("Quotation", quotations_of(opp.name)[0].name)
		self.assertEqual(
			[(i.item_code, i.qty, i.rate) for i in doc.items],
			[(SERVICE_ITEM_CODE, 3, 900), (LICENCE_ITEM, 4, 250), (SERVICE_ITEM_CODE, 1, 1500)],
		)
		self.assertEqual(doc.items[0].description, "Audit")
		self.assertEqual(doc.grand_total, opp.amount)

	def test_moving_back_and_forward_keeps_one_quotation(self):
		opp = self.new_opportunity(title="_Test Aller-retour")
		first = self.move(opp.name, PROPOSAL)["quotation"]
		self.move(opp.name, QUALIF)
		again = self.move(opp.name, PROPOSAL)
		self.assertEqual(again["quotation"], first)
		self.assertEqual(len(quotations_of(opp.name)), 1)

	def test_creation_directly_in_the_proposal_stage_makes_the_quotation(self):
		opp = self.new_opportunity(title="_Test Direct", stage=PROPOSAL)
		self.assertEqual(len(quotations_of(opp.name)), 1)
		self.assertEqual(frappe.db.get_value("CRM Opportunity", opp.name, "quotation"), opp.quotation)

	def test_no_default_item_fails_the_move_and_saves_nothing(self):
		opp = self.new_opportunity(title="_Test Sans article")
		with change_settings("CRM Portal Settings", {"default_item": None}):
			with self.assertRaisesRegex(frappe.ValidationError, "CRM Portal Settings"):
				self.move(opp.name, PROPOSAL)
		self.assertEqual(frappe.db.get_value("CRM Opportunity", opp.name, "stage"), f"{TEMPLATE}-IDENT")
		self.assertFalse(quotations_of(opp.name))

	def test_sale_type_without_item_names_it(self):
		opp = self.new_opportunity(
			title="_Test Type sans article",
			estimate_mode="Detailed",
			estimate_lines=[{"sale_type": "_Test Sans article", "amount": 100}],
		)
		with self.assertRaisesRegex(frappe.ValidationError, "_Test Sans article"):
			self.move(opp.name, PROPOSAL)
		self.assertFalse(quotations_of(opp.name))
		self.assertEqual(frappe.db.get_value("CRM Opportunity", opp.name, "stage"), f"{TEMPLATE}-IDENT")

	def test_sales_order_from_the_quotation_wins_the_opportunity(self):
		from erpnext.selling.doctype.quotation.quotation import make_sales_order

		opp = self.new_opportunity(title="_Test Commande", amount=5000)
		quotation = self.move(opp.name, PROPOSAL)["quotation"]
		with self.set_user(SALES_USER):
			frappe.get_doc("Quotation", quotation).submit()
			order = make_sales_order(quotation)
			order.delivery_date = add_days(today(), 30)
			order.transaction_date = add_days(today(), -1)
			order.insert()
			self.assertEqual(order.crm_opportunity, opp.name)
			order.submit()
		won = frappe.get_doc("CRM Opportunity", opp.name)
		self.assertEqual((won.status, won.stage), ("Won", f"{TEMPLATE}-SIGNED"))
		self.assertEqual(str(won.signed_on), add_days(today(), -1))
		self.assertEqual(won.sales_order, order.name)

		# A cancelled order reopens the deal at the proposal stage.
		with self.set_user(SALES_USER):
			frappe.get_doc("Sales Order", order.name).cancel()
		reopened = frappe.get_doc("CRM Opportunity", opp.name)
		self.assertEqual((reopened.status, reopened.stage, reopened.sales_order), ("Open", PROPOSAL, None))

	def test_quotation_set_lost_loses_the_opportunity_with_its_reason(self):
		opp = self.new_opportunity(title="_Test Perdu")
		quotation = self.move(opp.name, PROPOSAL)["quotation"]
		if not frappe.db.exists("Quotation Lost Reason", "_Test Trop cher"):
			frappe.get_doc(
				{"doctype": "Quotation Lost Reason", "order_lost_reason": "_Test Trop cher"}
			).insert()
		with self.set_user(SALES_USER):
			doc = frappe.get_doc("Quotation", quotation)
			doc.submit()
			doc.declare_enquiry_lost([{"lost_reason": "_Test Trop cher"}], [], "Concurrent moins cher")
		lost = frappe.get_doc("CRM Opportunity", opp.name)
		self.assertEqual((lost.status, lost.lost_reason), ("Lost", "_Test Trop cher"))
		self.assertEqual(str(lost.lost_on), today())
		self.assertEqual(lost.closing_comment, "Concurrent moins cher")

	def test_cancelled_quotation_loses_and_its_amendment_reopens(self):
		opp = self.new_opportunity(title="_Test Annulé")
		quotation = self.move(opp.name, PROPOSAL)["quotation"]
		with self.set_user(SALES_USER):
			doc = frappe.get_doc("Quotation", quotation)
			doc.submit()
			doc.cancel()
		lost = frappe.get_doc("CRM Opportunity", opp.name)
		self.assertEqual((lost.status, lost.lost_reason), ("Lost", CANCELLED_REASON))

		with self.set_user(SALES_USER):
			amended = frappe.copy_doc(frappe.get_doc("Quotation", quotation))
			amended.docstatus = 0
			amended.amended_from = quotation
			amended.insert()
		reopened = frappe.get_doc("CRM Opportunity", opp.name)
		self.assertEqual((reopened.status, reopened.stage), ("Open", PROPOSAL))
		self.assertEqual(reopened.quotation, amended.name)
		self.assertIsNone(reopened.lost_reason)

	def test_deleted_draft_frees_the_opportunity_for_a_new_one(self):
		opp = self.new_opportunity(title="_Test Brouillon supprimé")
		quotation = self.move(opp.name, PROPOSAL)["quotation"]
		with self.set_user(SALES_USER):
			frappe.delete_doc("Quotation", quotation)
		self.assertIsNone(frappe.db.get_value("CRM Opportunity", opp.name, "quotation"))
		self.move(opp.name, QUALIF)
		self.assertTrue(self.move(opp.name, PROPOSAL)["quotation"])

	def test_opportunity_with_a_quotation_cannot_be_deleted(self):
		opp = self.new_opportunity(title="_Test Pas de suppression")
		self.move(opp.name, PROPOSAL)
		with self.set_user(SALES_USER), self.assertRaises(frappe.LinkExistsError):
			frappe.delete_doc("CRM Opportunity", opp.name)

	@change_settings("CRM Portal Settings", {"create_presales_project": 1})
	def test_presales_project_made_with_the_quotation_and_carried_onto_the_order(self):
		from erpnext.selling.doctype.quotation.quotation import make_sales_order

		opp = self.new_opportunity(title="_Test Mission", amount=7000)
		quotation = self.move(opp.name, PROPOSAL)["quotation"]
		project = frappe.db.get_value("CRM Opportunity", opp.name, "project")
		self.assertEqual(
			frappe.db.get_value("Project", project, ["project_type", "status", "customer"]),
			("Avant-vente", "Open", self.customer),
		)
		self.move(opp.name, QUALIF)
		self.move(opp.name, PROPOSAL)
		self.assertEqual(
			frappe.db.count("Project", {"project_name": ("like", f"_Test Mission ({opp.name})")}), 1
		)
		with self.set_user(SALES_USER):
			frappe.get_doc("Quotation", quotation).submit()
			order = make_sales_order(quotation)
			order.delivery_date = add_days(today(), 30)
			order.insert()
			order.submit()
		self.assertEqual(order.project, project)
		self.assertEqual(frappe.db.get_value("Project", project, "sales_order"), order.name)

	def test_no_presales_project_unless_the_setting_says_so(self):
		opp = self.new_opportunity(title="_Test Sans mission")
		with change_settings("CRM Portal Settings", {"create_presales_project": 0}):
			self.move(opp.name, PROPOSAL)
		self.assertIsNone(frappe.db.get_value("CRM Opportunity", opp.name, "project"))

	def test_approval_flag_follows_the_thresholds(self):
		with change_settings(
			"CRM Portal Settings", {"approval_amount_threshold": 10000, "approval_discount_threshold": 5}
		):
			big = self.new_opportunity(title="_Test Gros devis", amount=12000)
			small = self.new_opportunity(title="_Test Petit devis", amount=9000)
			for opp in (big, small):
				self.move(opp.name, PROPOSAL)
			flags = {
				opp.title: frappe.db.get_value(
					"Quotation", {"crm_opportunity": opp.name}, "crm_needs_approval"
				)
				for opp in (big, small)
			}
		self.assertEqual(flags, {"_Test Gros devis": 1, "_Test Petit devis": 0})

	def test_an_item_price_is_no_discount_on_the_generated_quotation(self):
		"""ERPNext inserts an Item Price from the first order's rate: a later, smaller estimate on the same
		item is what was sold, not a discount from that price, so it needs no approval."""
		opp = self.new_opportunity(title="_Test Tarif existant", amount=2000)
		price_list = (
			frappe.db.get_single_value("Selling Settings", "selling_price_list") or "Standard Selling"
		)
		# ERPNext may already have inserted one from an earlier order: raise it, else make one
		price = frappe.db.get_value(
			"Item Price",
			{"item_code": SERVICE_ITEM_CODE, "price_list": price_list},
			["name", "price_list_rate"],
		)
		if price:
			frappe.db.set_value("Item Price", price[0], "price_list_rate", 9000)
			self.addCleanup(frappe.db.set_value, "Item Price", price[0], "price_list_rate", price[1])
		else:
			made = frappe.get_doc(
				{
					"doctype": "Item Price",
					"item_code": SERVICE_ITEM_CODE,
					"price_list": price_list,
					"price_list_rate": 9000,
				}
			).insert(ignore_permissions=True)
			self.addCleanup(frappe.delete_doc, "Item Price", made.name, force=True)
		with change_settings(
			"CRM Portal Settings", {"approval_amount_threshold": 10000, "approval_discount_threshold": 5}
		):
			self.move(opp.name, PROPOSAL)
		quotation = frappe.get_doc("Quotation", {"crm_opportunity": opp.name})
		self.assertEqual(
			[(i.rate, i.price_list_rate, i.discount_percentage) for i in quotation.items], [(2000, 2000, 0)]
		)
		self.assertEqual(quotation.crm_needs_approval, 0)

	def test_prospect_is_quoted_through_an_erpnext_prospect_and_becomes_the_customer(self):
		from erpnext.selling.doctype.quotation.quotation import make_sales_order

		prospect = frappe.get_doc(
			{
				"doctype": "CRM Prospect",
				"call_name": "_Test Prospect Devis",
				"siret": "73282932000074",
				"ape_code": "70.22Z",
				"account_manager": SALES_USER,  # a deal links only an account its salesperson can read
			}
		).insert()
		with self.set_user(SALES_USER):
			opp = create_test_opportunity(
				portfolio=self.portfolio,
				account_type="CRM Prospect",
				account=prospect.name,
				title="_Test Devis prospect",
			)
			quotation = pipeline.move_to_stage(opp.name, PROPOSAL)["quotation"]
		(row,) = quotations_of(opp.name)
		mirror = frappe.db.get_value("CRM Prospect", prospect.name, "erpnext_prospect")
		self.assertEqual((row.quotation_to, row.party_name), ("Prospect", mirror))
		self.assertEqual(frappe.db.get_value("Prospect", mirror, "company_name"), "_Test Prospect Devis")

		with self.set_user(SALES_USER):
			frappe.get_doc("Quotation", quotation).submit()
			order = make_sales_order(quotation)
			order.delivery_date = add_days(today(), 30)
			order.insert()
			order.submit()
		account = frappe.db.get_value("CRM Prospect", prospect.name, ["customer", "status"], as_dict=True)
		self.assertEqual(account.customer, order.customer)
		self.assertEqual(account.status, "Customer")
		customer = frappe.db.get_value(
			"Customer",
			order.customer,
			["crm_siret", "crm_siren", "crm_ape_code", "crm_prospect"],
			as_dict=True,
		)
		self.assertEqual(
			customer,
			{
				"crm_siret": "73282932000074",
				"crm_siren": "732829320",
				"crm_ape_code": "70.22Z",
				"crm_prospect": prospect.name,
			},
		)
		self.assertEqual(frappe.db.get_value("CRM Opportunity", opp.name, "status"), "Won")


class TestConcurrentProposalMoves(FrappeTestCase):
	"""Two requests moving the same deal at once, each on its own database connection."""

	def test_two_concurrent_moves_make_one_quotation(self):
		fixtures = create_quote_fixtures()
		opp = create_test_opportunity(
			portfolio=fixtures["portfolio"],
			account=fixtures["customer"],
			title="_Test Concurrent",
			salesperson=SALES_USER,
		)
		frappe.db.commit()  # the other connections must see the fixtures and the opportunity
		try:
			outcomes = run_concurrently(
				SALES_USER,
				lambda: pipeline.move_to_stage(opp.name, PROPOSAL),
				lambda: pipeline.move_to_stage(opp.name, PROPOSAL),
			)
			self.assertIn("ok", outcomes)
			self.assertEqual(len(quotations_of(opp.name)), 1, outcomes)
			self.assertEqual(
				frappe.db.get_value("CRM Opportunity", opp.name, "quotation"), quotations_of(opp.name)[0].name
			)
			# The loser, if any, was refused as a stale write, not a crash.
			self.assertTrue(set(outcomes) <= {"ok", "TimestampMismatchError"}, outcomes)
		finally:
			for row in quotations_of(opp.name):
				frappe.delete_doc("Quotation", row.name, force=True, ignore_permissions=True)
			frappe.delete_doc("CRM Opportunity", opp.name, force=True, ignore_permissions=True)
			frappe.db.commit()
