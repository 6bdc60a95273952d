# Copyright (c) 2026, crm_portal developers
# For license information, please see license.txt

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import today

from crm_portal.api import pipeline
from crm_portal.exceptions import StageRequirementsError
from crm_portal.tests.utils import (
	create_test_action,
	create_test_customer,
	create_test_lost_reason,
	create_test_opportunity,
	create_test_portfolio,
	create_test_template,
	create_test_user,
)

SALES_USER = "alfred.dupont@example.com"
MANAGER = "marc.manager@example.com"
OTHER_TEMPLATE_STAGES = (("AUTRE", 10, "Open", 50, ()), ("FIN", 90, "Won", 100, ()))
# Chained requirements: IDENT needs nothing, QUALIF needs the custom BU + the account's industry,
# PROPOSAL needs the expected signature date; Won needs nothing more, Lost needs its own comment.
REQ_STAGES = (
	("IDENT", 10, "Open", 10, ()),
	("QUALIF", 20, "Open", 40, (("Opportunity", "crm_test_bu"), ("Account", "industry"))),
	("PROPOSAL", 30, "Open", 70, (("Opportunity", "expected_signature_date"),)),
	("WON", 90, "Won", 100, (("Opportunity", "contact"),)),
	("LOST", 99, "Lost", 0, (("Opportunity", "closing_comment"),)),
)


class TestCRMOpportunity(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		# A field added the way an admin does (Custom Field). DDL commits, so do it before any data.
		create_custom_fields(
			{
				"CRM Opportunity": [
					{
						"fieldname": "crm_test_bu",
						"label": "BU Test",
						"fieldtype": "Select",
						"options": "\nConseil\nAudit",
						"insert_after": "title",
					}
				]
			}
		)
		super().setUpClass()
		create_test_user(SALES_USER, first_name="Alfred", last_name="Dupont")
		cls.portfolio = create_test_portfolio()
		cls.req_portfolio = create_test_portfolio(
			"_Test Req Portfolio", create_test_template("_Test Req", REQ_STAGES)
		)
		cls.other_template = create_test_template("_Test Other", OTHER_TEMPLATE_STAGES)
		cls.lost_reason = create_test_lost_reason()
		if not frappe.db.exists("Industry Type", "_Test Conseil"):
			frappe.get_doc({"doctype": "Industry Type", "industry": "_Test Conseil"}).insert()

	@classmethod
	def tearDownClass(cls):
		# Roll the tests' data back first: dropping the column is DDL, which commits what is pending.
		frappe.db.rollback()
		super().tearDownClass()
		frappe.delete_doc("Custom Field", "CRM Opportunity-crm_test_bu", force=True)
		frappe.db.commit()

	# --- creation defaults ------------------------------------------------------------------------

	def test_new_opportunity_takes_first_stage_and_its_probability(self):
		opp = create_test_opportunity()
		self.assertEqual(opp.stage, "_Test Template-IDENTIFICATION")
		self.assertEqual(opp.status, "Open")
		self.assertEqual(opp.probability, 10)
		self.assertEqual(opp.weighted_amount, 1000)
		self.assertEqual(opp.weighted_days, 1)
		self.assertEqual(opp.salesperson, "Administrator")
		self.assertEqual(opp.currency, "EUR")
		self.assertEqual(opp.account_name, "_Test CRM Customer")
		self.assertTrue(opp.name.startswith("OPP-"))
		self.assertEqual(len(opp.name), len("OPP-0000001"))
		self.assertEqual(opp.company, frappe.db.get_value("CRM Portfolio", self.portfolio, "company"))

	def test_portfolio_default_stage_is_used(self):
		portfolio = create_test_portfolio(
			"_Test Default Stage Portfolio", default_stage="_Test Template-QUALIFICATION / POSITIONNEMENT"
		)
		opp = create_test_opportunity(portfolio=portfolio)
		self.assertEqual(opp.stage, "_Test Template-QUALIFICATION / POSITIONNEMENT")
		self.assertEqual(opp.probability, 40)

	def test_given_probability_is_kept(self):
		opp = create_test_opportunity(probability=55)
		self.assertEqual(opp.probability, 55)
		opp.stage = "_Test Template-PROPOSITION"
		opp.save()
		self.assertEqual(opp.probability, 70, "moving resets the probability to the stage's")
		opp.probability = 65
		opp.save()
		self.assertEqual(opp.probability, 65)
		self.assertEqual(opp.weighted_amount, 6500)

	# --- bad input --------------------------------------------------------------------------------

	def test_stage_of_another_template_is_refused(self):
		with self.assertRaisesRegex(frappe.ValidationError, "does not belong"):
			create_test_opportunity(stage=f"{self.other_template}-AUTRE")
		self.assertFalse(frappe.db.exists("CRM Opportunity", {"stage": f"{self.other_template}-AUTRE"}))

	def test_unknown_portfolio_is_refused(self):
		with self.assertRaises(frappe.ValidationError):
			create_test_opportunity(portfolio="_Test No Such Portfolio")

	def test_negative_figures_and_bad_probability_are_refused(self):
		with self.assertRaisesRegex(frappe.ValidationError, "negative"):
			create_test_opportunity(amount=-1)
		with self.assertRaisesRegex(frappe.ValidationError, "negative"):
			create_test_opportunity(days=-0.5)
		with self.assertRaisesRegex(frappe.ValidationError, "between 0 and 100"):
			create_test_opportunity(probability=120)

	def test_account_must_be_a_prospect_or_customer(self):
		with self.assertRaises(frappe.ValidationError):
			create_test_opportunity(account_type="Supplier", account="_Test Supplier")
		with self.assertRaisesRegex(frappe.LinkValidationError, "_Test No Such Customer"):
			create_test_opportunity(account="_Test No Such Customer")

	# --- estimates --------------------------------------------------------------------------------

	def test_detailed_estimate_feeds_amount_and_days(self):
		for name, mode in (("_Test Jours", "Days"), ("_Test Licence", "Quantity x Unit Price")):
			if not frappe.db.exists("CRM Sale Type", name):
				frappe.get_doc(
					{"doctype": "CRM Sale Type", "sale_type_name": name, "estimate_mode": mode}
				).insert()
		opp = create_test_opportunity(
			estimate_mode="Detailed",
			estimate_lines=[
				{"sale_type": "_Test Jours", "days": 12, "unit_price": 800},
				{"sale_type": "_Test Licence", "quantity": 3, "unit_price": 1200, "days": 0.5},
			],
		)
		self.assertEqual(opp.amount, 9600 + 3600)
		self.assertEqual(opp.days, 12.5)
		self.assertEqual(opp.estimate_lines[0].amount, 9600)
		self.assertEqual(opp.weighted_amount, 1320)

	# --- won / lost -------------------------------------------------------------------------------

	def test_won_needs_signature_date(self):
		opp = create_test_opportunity()
		with self.assertRaisesRegex(frappe.ValidationError, "signature date"):
			pipeline.mark_won(opp.name)
		self.assertEqual(frappe.db.get_value("CRM Opportunity", opp.name, "status"), "Open")
		result = pipeline.mark_won(opp.name, signed_on=today())
		self.assertEqual(result["status"], "Won")
		self.assertEqual(result["probability"], 100)
		self.assertEqual(str(frappe.db.get_value("CRM Opportunity", opp.name, "signed_on")), today())

	def test_lost_needs_reason(self):
		opp = create_test_opportunity()
		with self.assertRaisesRegex(frappe.ValidationError, "lost reason"):
			pipeline.mark_lost(opp.name, lost_reason="")
		with self.assertRaisesRegex(frappe.ValidationError, "lost"):
			pipeline.move_to_stage(opp.name, "_Test Template-Perdue")
		result = pipeline.mark_lost(opp.name, lost_reason=self.lost_reason, comment="Trop cher")
		self.assertEqual(result["status"], "Lost")
		doc = frappe.get_doc("CRM Opportunity", opp.name)
		self.assertEqual(str(doc.lost_on), today())
		self.assertEqual(doc.lost_reason, self.lost_reason)
		self.assertEqual(doc.weighted_amount, 0)

	@staticmethod
	def move_with_history(name: str, stage: str, **fields):
		"""A move recorded in the stage history as in production (tests skip Versions by default)."""
		doc = frappe.get_doc("CRM Opportunity", name)
		doc.update({"stage": stage, **fields})
		doc.save(ignore_version=False)

	def test_closed_opportunity_is_not_dragged_back_but_reopened_by_a_manager(self):
		"""Closed is closed: moving a lost deal back to an open stage is refused (it was allowed before);
		a Sales Manager's Reopen takes it back to the stage it was lost from, closing fields cleared."""
		create_test_user(MANAGER, roles=("Sales Manager",), first_name="Marc", last_name="Manager")
		opp = create_test_opportunity(salesperson=SALES_USER)
		self.move_with_history(opp.name, "_Test Template-QUALIFICATION / POSITIONNEMENT")
		self.move_with_history(
			opp.name,
			"_Test Template-Perdue",
			lost_reason=self.lost_reason,
			lost_on=today(),
			closing_comment="Cher",
		)
		with self.set_user(SALES_USER):
			with self.assertRaisesRegex(frappe.ValidationError, "Reuse"):
				pipeline.move_to_stage(opp.name, "_Test Template-PROPOSITION")
			with self.assertRaises(frappe.PermissionError):
				pipeline.reopen(opp.name)
		self.assertEqual(frappe.db.get_value("CRM Opportunity", opp.name, "status"), "Lost")
		with self.set_user(MANAGER):
			result = pipeline.reopen(opp.name)
		self.assertEqual(result["stage"], "_Test Template-QUALIFICATION / POSITIONNEMENT")
		doc = frappe.get_doc("CRM Opportunity", opp.name)
		self.assertEqual(doc.status, "Open")
		self.assertEqual(doc.probability, 40)
		self.assertIsNone(doc.lost_reason)
		self.assertIsNone(doc.lost_on)
		self.assertIsNone(doc.closing_comment)
		history = pipeline.get_stage_history(
			opp.name
		)  # what Reopen read (its own save keeps no Version in tests)
		self.assertEqual(
			(history[-1]["from_stage"], history[-1]["to_stage"]),
			("_Test Template-QUALIFICATION / POSITIONNEMENT", "_Test Template-Perdue"),
		)
		comment = frappe.get_all(
			"Comment",
			filters={
				"reference_doctype": "CRM Opportunity",
				"reference_name": opp.name,
				"comment_type": "Info",
			},
			fields=["content", "owner"],
		)
		self.assertEqual(len(comment), 1)
		self.assertIn("Marc Manager", comment[0].content)
		self.assertEqual(comment[0].owner, MANAGER)

	def test_reopen_without_history_goes_to_the_first_open_stage(self):
		opp = create_test_opportunity(stage="_Test Template-Gagnée", signed_on=today())
		self.assertEqual(opp.status, "Won")
		self.assertEqual(pipeline.reopen(opp.name)["stage"], "_Test Template-IDENTIFICATION")
		self.assertIsNone(frappe.db.get_value("CRM Opportunity", opp.name, "signed_on"))
		with self.assertRaisesRegex(frappe.ValidationError, "not closed"):
			pipeline.reopen(opp.name)

	def test_reopen_asks_for_what_the_stage_requires(self):
		opp = create_test_opportunity(
			portfolio=self.req_portfolio, account=create_test_customer("_Test Reopen Req")
		)
		frappe.db.set_value("Customer", opp.account, "industry", "_Test Conseil")
		self.move_with_history(
			opp.name, "_Test Req-PROPOSAL", crm_test_bu="Audit", expected_signature_date="2026-12-31"
		)
		self.move_with_history(
			opp.name, "_Test Req-LOST", lost_reason=self.lost_reason, lost_on=today(), closing_comment="Gelé"
		)
		frappe.db.set_value("CRM Opportunity", opp.name, "crm_test_bu", None)  # as if required later
		with self.assertRaises(StageRequirementsError) as ctx:
			pipeline.reopen(opp.name)
		self.assertEqual([s["stage_name"] for s in ctx.exception.requirements], ["QUALIF"])
		result = pipeline.reopen(opp.name, values={"opportunity": {"crm_test_bu": "Conseil"}})
		self.assertEqual(result["stage"], "_Test Req-PROPOSAL")

	def test_won_and_lost_do_not_turn_into_each_other(self):
		won = create_test_opportunity()
		pipeline.mark_won(won.name, signed_on=today())
		with self.assertRaisesRegex(frappe.ValidationError, "Reuse"):
			pipeline.mark_lost(won.name, lost_reason=self.lost_reason)
		lost = create_test_opportunity()
		pipeline.mark_lost(lost.name, lost_reason=self.lost_reason)
		with self.assertRaisesRegex(frappe.ValidationError, "Reuse"):
			pipeline.mark_won(lost.name, signed_on=today())
		# other fields of a closed deal stay editable
		doc = frappe.get_doc("CRM Opportunity", lost.name)
		doc.closing_comment = "Rappeler en janvier"
		doc.save()

	# --- stage-required fields --------------------------------------------------------------------

	def test_skipping_two_stages_chains_their_requirements(self):
		customer = create_test_customer("_Test Req Chain Customer")  # no industry yet
		opp = create_test_opportunity(portfolio=self.req_portfolio, account=customer)
		with self.assertRaises(StageRequirementsError) as ctx:
			pipeline.move_to_stage(opp.name, "_Test Req-PROPOSAL")
		error = ctx.exception
		self.assertEqual(error.http_status_code, 417)
		self.assertEqual([s["stage"] for s in error.requirements], ["_Test Req-QUALIF", "_Test Req-PROPOSAL"])
		qualif, proposal = error.requirements
		self.assertEqual(qualif["stage_name"], "QUALIF")
		bu = next(f for f in qualif["fields"] if f["fieldname"] == "crm_test_bu")
		self.assertEqual(
			bu,
			{
				"target": "Opportunity",
				"doctype": "CRM Opportunity",
				"fieldname": "crm_test_bu",
				"label": "BU Test",
				"fieldtype": "Select",
				"options": "\nConseil\nAudit",
			},
		)
		industry = next(f for f in qualif["fields"] if f["fieldname"] == "industry")
		self.assertEqual((industry["target"], industry["doctype"]), ("Account", "Customer"))
		self.assertEqual((industry["fieldtype"], industry["options"]), ("Link", "Industry Type"))
		self.assertEqual([f["fieldname"] for f in proposal["fields"]], ["expected_signature_date"])
		self.assertEqual(proposal["fields"][0]["fieldtype"], "Date")
		# the same list reaches the client with the 417 response
		self.assertEqual(frappe.local.response.get("stage_requirements"), error.requirements)
		self.assertEqual(frappe.db.get_value("CRM Opportunity", opp.name, "stage"), "_Test Req-IDENT")

	def test_move_with_values_saves_account_and_opportunity_together(self):
		customer = create_test_customer("_Test Req Customer")
		opp = create_test_opportunity(portfolio=self.req_portfolio, account=customer)
		values = {
			"opportunity": {"crm_test_bu": "Audit", "expected_signature_date": "2026-12-31"},
			"account": {"industry": "_Test Conseil"},
		}
		result = pipeline.move_to_stage(opp.name, "_Test Req-PROPOSAL", values=values)
		self.assertEqual(result["stage"], "_Test Req-PROPOSAL")
		self.assertEqual(result["probability"], 70)
		self.assertEqual(frappe.db.get_value("Customer", customer, "industry"), "_Test Conseil")
		self.assertEqual(frappe.db.get_value("CRM Opportunity", opp.name, "crm_test_bu"), "Audit")

	def test_values_json_encoded_by_the_desk_are_accepted_and_bad_json_refused(self):
		opp = create_test_opportunity(portfolio=self.req_portfolio)
		values = '{"opportunity": {"crm_test_bu": "Conseil"}, "account": {"industry": "_Test Conseil"}}'
		result = pipeline.move_to_stage(opp.name, "_Test Req-QUALIF", values=values)
		self.assertEqual(result["stage"], "_Test Req-QUALIF")
		for bad in ("{not json", "[1, 2]"):
			with self.assertRaisesRegex(frappe.ValidationError, "(?i)values"):
				pipeline.move_to_stage(opp.name, "_Test Req-PROPOSAL", values=bad)

	def test_failed_move_leaves_account_untouched(self):
		customer = create_test_customer("_Test Req Customer 2")
		opp = create_test_opportunity(portfolio=self.req_portfolio, account=customer)
		values = {"account": {"industry": "_Test Conseil"}}  # BU and signature date still missing
		with self.assertRaises(StageRequirementsError):
			pipeline.move_to_stage(opp.name, "_Test Req-PROPOSAL", values=values)
		self.assertFalse(frappe.db.get_value("Customer", customer, "industry"), "account write rolled back")

	def test_won_applies_intermediate_requirements_and_lost_does_not(self):
		opp = create_test_opportunity(portfolio=self.req_portfolio)
		with self.assertRaises(StageRequirementsError) as ctx:
			pipeline.mark_won(opp.name, signed_on=today())
		self.assertEqual([s["stage_name"] for s in ctx.exception.requirements], ["QUALIF", "PROPOSAL", "WON"])
		with self.assertRaises(StageRequirementsError) as ctx:
			pipeline.mark_lost(opp.name, lost_reason=self.lost_reason)
		self.assertEqual([s["stage_name"] for s in ctx.exception.requirements], ["LOST"])
		result = pipeline.mark_lost(opp.name, lost_reason=self.lost_reason, comment="Budget gelé")
		self.assertEqual(result["status"], "Lost")

	def test_editing_without_moving_does_not_recheck_requirements(self):
		opp = create_test_opportunity(portfolio=self.req_portfolio)
		opp.amount = 20000
		opp.save()
		self.assertEqual(opp.weighted_amount, 2000)

	def in_proposal(self, customer: str = "_Test Req Stay Customer"):
		customer = create_test_customer(customer)
		opp = create_test_opportunity(portfolio=self.req_portfolio, account=customer)
		pipeline.move_to_stage(
			opp.name,
			"_Test Req-PROPOSAL",
			values={
				"opportunity": {"crm_test_bu": "Audit", "expected_signature_date": "2026-12-31"},
				"account": {"industry": "_Test Conseil"},
			},
		)
		return frappe.get_doc("CRM Opportunity", opp.name)

	def test_staying_in_a_stage_keeps_its_fields_and_those_of_earlier_stages(self):
		opp = self.in_proposal()
		for fieldname in ("expected_signature_date", "crm_test_bu"):
			doc = frappe.get_doc("CRM Opportunity", opp.name)
			doc.set(fieldname, None)
			with self.subTest(fieldname=fieldname), self.assertRaises(StageRequirementsError) as ctx:
				doc.save()
			self.assertEqual(ctx.exception.http_status_code, 417)
			fields = [f["fieldname"] for s in ctx.exception.requirements for f in s["fields"]]
			self.assertEqual(fields, [fieldname], "only what this save emptied is asked for")
			self.assertIn("cannot be emptied", str(ctx.exception))
		self.assertEqual(frappe.db.get_value("CRM Opportunity", opp.name, "crm_test_bu"), "Audit")

	def test_a_requirement_added_later_blocks_emptying_not_other_edits(self):
		opp = self.in_proposal("_Test Req Legacy Customer")
		frappe.db.set_value("CRM Opportunity", opp.name, "expected_signature_date", None)  # legacy record
		doc = frappe.get_doc("CRM Opportunity", opp.name)
		doc.amount = 777
		doc.save()
		doc.crm_test_bu = ""
		with self.assertRaises(StageRequirementsError):
			doc.save()

	def test_lost_opportunity_does_not_hold_its_accounts_fields(self):
		opp = self.in_proposal("_Test Req Account Customer")
		customer = frappe.get_doc("Customer", opp.account)
		customer.industry = None
		with self.assertRaisesRegex(StageRequirementsError, opp.name):
			customer.save()
		pipeline.mark_lost(opp.name, lost_reason=self.lost_reason, comment="Perdu")
		customer.reload()
		customer.industry = None
		customer.save()
		self.assertFalse(frappe.db.get_value("Customer", opp.account, "industry"))

	def test_calendar_no_date_refused_only_where_a_stage_needs_the_date(self):
		from crm_portal.api import board

		opp = self.in_proposal("_Test Req Calendar Customer")
		with self.assertRaisesRegex(StageRequirementsError, "No date"):
			board.move_to_month(opp.name)
		self.assertTrue(frappe.db.get_value("CRM Opportunity", opp.name, "expected_signature_date"))
		self.assertEqual(str(board.move_to_month(opp.name, 2027, 2)["expected_signature_date"]), "2027-02-28")

	def test_form_requirements_endpoint_lists_required_and_missing_fields(self):
		opp = create_test_opportunity(
			portfolio=self.req_portfolio, account=create_test_customer("_Test Req Form")
		)
		result = pipeline.get_stage_requirements(
			"_Test Req-PROPOSAL", opp.name, values={"crm_test_bu": "Audit", "expected_signature_date": None}
		)
		self.assertEqual(
			[(f["target"], f["fieldname"]) for s in result["fields"] for f in s["fields"]],
			[
				("Opportunity", "crm_test_bu"),
				("Account", "industry"),
				("Opportunity", "expected_signature_date"),
			],
		)
		self.assertEqual(
			[(s["stage_name"], [f["fieldname"] for f in s["fields"]]) for s in result["missing"]],
			[("QUALIF", ["industry"]), ("PROPOSAL", ["expected_signature_date"])],
		)
		self.assertFalse(frappe.db.get_value("CRM Opportunity", opp.name, "crm_test_bu"), "nothing saved")
		with self.assertRaisesRegex(frappe.ValidationError, "does not belong"):
			pipeline.get_stage_requirements("_Test Template-PROPOSITION", opp.name)

	def test_stage_refuses_unknown_required_field(self):
		stage = frappe.get_doc("CRM Stage", "_Test Req-IDENT")
		stage.append("required_fields", {"target": "Opportunity", "fieldname": "crm_no_such_field"})
		with self.assertRaisesRegex(frappe.ValidationError, "crm_no_such_field"):
			stage.save()
		stage.reload()
		stage.append("required_fields", {"target": "Account", "fieldname": "title"})
		with self.assertRaises(frappe.ValidationError):
			stage.save()  # an Account field must exist on every account DocType

	def test_stage_fills_label_and_type_of_required_field(self):
		stage = frappe.get_doc("CRM Stage", "_Test Req-QUALIF")
		rows = {r.fieldname: r for r in stage.required_fields}
		self.assertEqual((rows["crm_test_bu"].label, rows["crm_test_bu"].fieldtype), ("BU Test", "Select"))
		self.assertEqual(rows["industry"].fieldtype, "Link")

	# --- delete and reuse -------------------------------------------------------------------------

	def test_delete_refused_when_quotation_linked(self):
		opp = create_test_opportunity()
		opp.db_set("quotation", "SAL-QTN-TEST-0001")
		with self.assertRaises(frappe.LinkExistsError):
			frappe.delete_doc("CRM Opportunity", opp.name)
		self.assertTrue(frappe.db.exists("CRM Opportunity", opp.name))

	def test_delete_keeps_account(self):
		opp = create_test_opportunity()
		frappe.delete_doc("CRM Opportunity", opp.name)
		self.assertTrue(frappe.db.exists("Customer", opp.account))

	def test_delete_keeps_its_actions_on_the_account(self):
		opp = create_test_opportunity()
		action = create_test_action(opportunity=opp.name)
		frappe.delete_doc("CRM Opportunity", opp.name)
		kept = frappe.db.get_value("CRM Action", action.name, ["opportunity", "account"], as_dict=True)
		self.assertEqual(kept, {"opportunity": None, "account": opp.account})

	def test_reuse_closed_opportunity(self):
		opp = create_test_opportunity(title="_Test A reprendre")
		with self.assertRaisesRegex(frappe.ValidationError, "won or lost"):
			pipeline.reuse(opp.name)
		pipeline.mark_lost(opp.name, lost_reason=self.lost_reason)
		other = create_test_portfolio("_Test Reuse Portfolio")
		new = pipeline.reuse(opp.name, portfolio=other)
		self.assertEqual((new["title"], new["account"], new["portfolio"]), (opp.title, opp.account, other))
		self.assertEqual(new["stage"], "_Test Template-IDENTIFICATION")
		self.assertEqual(frappe.db.get_value("CRM Opportunity", new["name"], "reused_from"), opp.name)

	# --- as a salesperson -------------------------------------------------------------------------

	def test_salesperson_walks_opportunities_to_won_and_lost(self):
		customer = create_test_customer("_Test Walk Customer")
		with self.set_user(SALES_USER):
			created = pipeline.quick_create(self.portfolio, customer, "_Test Projet 1", amount=15000, days=12)
			self.assertEqual(
				frappe.db.get_value("CRM Opportunity", created["name"], "salesperson"), SALES_USER
			)
			moved = pipeline.move_to_stage(created["name"], "_Test Template-QUALIFICATION / POSITIONNEMENT")
			self.assertEqual(moved["weighted_amount"], 6000)
			pipeline.move_to_stage(created["name"], "_Test Template-PROPOSITION")
			won = pipeline.mark_won(created["name"], signed_on=today())
			self.assertEqual(won["status"], "Won")

			other = pipeline.quick_create(self.portfolio, customer, "_Test Projet 2", amount=5000)
			lost = pipeline.mark_lost(other["name"], lost_reason=self.lost_reason)
			self.assertEqual(lost["status"], "Lost")

	def test_quick_create_stage_choice_follows_settings(self):
		customer = create_test_customer()
		stage = "_Test Template-PROPOSITION"
		with change_settings("CRM Portal Settings", {"allow_default_stage_override": 0}):
			with self.assertRaisesRegex(frappe.ValidationError, "not allowed"):
				pipeline.quick_create(self.portfolio, customer, "_Test Stage Choice", stage=stage)
		with change_settings("CRM Portal Settings", {"allow_default_stage_override": 1}):
			created = pipeline.quick_create(self.portfolio, customer, "_Test Stage Choice", stage=stage)
			self.assertEqual(created["stage"], stage)

	def test_values_cannot_touch_derived_fields(self):
		opp = create_test_opportunity()
		with self.assertRaisesRegex(frappe.ValidationError, "status"):
			pipeline.move_to_stage(
				opp.name, "_Test Template-PROPOSITION", values={"opportunity": {"status": "Won"}}
			)

	def test_stale_move_is_refused(self):
		opp = create_test_opportunity()
		stale = str(opp.modified)
		frappe.db.set_value(
			"CRM Opportunity", opp.name, "amount", 12345, update_modified=True, modified="2099-01-01 00:00:00"
		)
		with self.assertRaisesRegex(frappe.ValidationError, "modified"):
			pipeline.move_to_stage(opp.name, "_Test Template-PROPOSITION", modified=stale)
