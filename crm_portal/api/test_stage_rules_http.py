"""Stage requirements and closed deals through Frappe's real HTTP stack (DESIGN.md rules 2 and 3).

Logged-in users (a salesperson, a sales manager, a portal user) call every path a careless user or
integrator has: the desk form's save, REST `PUT /api/resource`, `frappe.client.set_value`, bulk update,
the calendar's drop, the app's own endpoints (the portal posts to the same ones). Each request runs in
its own thread and database connection, as in production: what a test sets up is committed, and the
class deletes its records at the end (fixtures — template, portfolio, customer, users — are kept, as
the factories find them again)."""

import json
from urllib.parse import quote

import frappe
from frappe.tests.test_api import make_request
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, get_test_client, today
from frappe.utils.password import update_password

from crm_portal.tests.utils import (
	create_test_customer,
	create_test_lost_reason,
	create_test_opportunity,
	create_test_portfolio,
	create_test_template,
	create_test_user,
)

SELLER, MANAGER, PORTAL = (
	"http.rules.seller@example.com",
	"http.rules.manager@example.com",
	"http.rules.portal@example.com",
)
PASSWORD = "Http-Rules-Test-2026!"
TITLE = "_Test HTTP rules"
TEMPLATE = "_Test HTTP Req"
# QUALIF needs the account's industry, PROPOSAL the expected signature date (the case).
STAGES = (
	("IDENT", 10, "Open", 10, ()),
	("QUALIF", 20, "Open", 40, (("Account", "industry"),)),
	("PROPOSAL", 30, "Open", 70, (("Opportunity", "expected_signature_date"),)),
	("WON", 90, "Won", 100, ()),
	("LOST", 99, "Lost", 0, ()),
)
IDENT, QUALIF, PROPOSAL, WON, LOST = (f"{TEMPLATE}-{s[0]}" for s in STAGES)
INDUSTRY = "_Test HTTP Conseil"
OPPORTUNITY = "CRM Opportunity"


class Session:
	"""A logged-in browser: its own cookie jar, each request in its own thread and connection."""

	def __init__(self, user: str):
		self.client = get_test_client()
		response = self.request("post", "/api/method/login", json={"usr": user, "pwd": PASSWORD})
		assert response.status_code == 200, response.get_data(as_text=True)

	def request(self, verb: str, path: str, **kwargs):
		return make_request(target=getattr(self.client, verb), args=(path,), kwargs=kwargs)

	def call(self, method: str, **args):
		return self.request("post", f"/api/method/{method}", json=args)

	def get_doc(self, doctype: str, name: str) -> dict:
		response = self.request("get", f"/api/resource/{quote(doctype)}/{quote(name)}")
		assert response.status_code == 200, response.get_data(as_text=True)
		return response.json["data"]

	def put(self, doctype: str, name: str, values: dict):
		return self.request("put", f"/api/resource/{quote(doctype)}/{quote(name)}", json=values)

	def form_save(self, doctype: str, name: str, **changes):
		doc = self.get_doc(doctype, name)
		doc.update(changes)
		return self.call("frappe.desk.form.save.savedocs", doc=json.dumps(doc, default=str), action="Save")


def body(response) -> str:
	return response.get_data(as_text=True)


def db_value(name: str, fieldname: str | list):
	frappe.db.rollback()  # a fresh read of what the requests committed
	return frappe.db.get_value(OPPORTUNITY, name, fieldname)


class TestStageRulesOverHTTP(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		create_test_user(SELLER, first_name="Sophie", last_name="Vendeuse")
		create_test_user(MANAGER, roles=("Sales Manager",), first_name="Marc", last_name="Manager")
		create_test_user(PORTAL, roles=("CRM Portal User",), user_type="Website User", first_name="Paula")
		for user in (SELLER, MANAGER, PORTAL):
			update_password(user, PASSWORD)
		if not frappe.db.exists("Industry Type", INDUSTRY):
			frappe.get_doc({"doctype": "Industry Type", "industry": INDUSTRY}).insert()
		cls.portfolio = create_test_portfolio(
			"_Test HTTP Req Portfolio", create_test_template(TEMPLATE, STAGES)
		)
		cls.customer = create_test_customer("_Test HTTP Req Customer")
		frappe.db.set_value("Customer", cls.customer, "industry", INDUSTRY)
		cls.lost_reason = create_test_lost_reason()
		frappe.db.commit()
		cls.seller, cls.manager = Session(SELLER), Session(MANAGER)

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.set_user("Administrator")
		names = frappe.get_all(OPPORTUNITY, filters={"title": ("like", f"{TITLE}%")}, pluck="name")
		for doctype in ("Sales Order", "Quotation"):
			for doc in frappe.get_all(
				doctype, filters={"crm_opportunity": ("in", names or [""])}, fields=["name", "docstatus"]
			):
				if doc.docstatus == 1:
					frappe.get_doc(doctype, doc.name).cancel()
				frappe.delete_doc(doctype, doc.name, force=True, ignore_permissions=True)
		for name in names:
			frappe.db.set_value(OPPORTUNITY, name, {"quotation": None, "sales_order": None})
			frappe.delete_doc(OPPORTUNITY, name, force=True, ignore_permissions=True)
		frappe.db.set_value("Customer", cls.customer, "industry", INDUSTRY)
		frappe.db.commit()
		super().tearDownClass()

	def setUp(self):
		# each test starts from the account as the fixture made it, whatever an earlier one did to it
		frappe.db.rollback()
		frappe.db.set_value("Customer", self.customer, "industry", INDUSTRY)
		frappe.db.commit()

	def make(self, stage: str = PROPOSAL, salesperson: str = SELLER, **fields) -> str:
		"""A committed opportunity of the seller in `stage`, with what that stage requires."""
		values = {
			"title": f"{TITLE} {frappe.generate_hash(length=6)}",
			"portfolio": self.portfolio,
			"account": self.customer,
			"stage": stage,
			"salesperson": salesperson,
			"expected_signature_date": add_days(today(), 60),
		}
		values.update(fields)
		name = create_test_opportunity(**values).name
		frappe.db.commit()
		return name

	def assert_requirements_refused(self, response, name: str, fieldname: str = "expected_signature_date"):
		self.assertEqual(response.status_code, 417, body(response))
		self.assertEqual(response.json.get("exc_type"), "StageRequirementsError", body(response))
		fields = [
			f["fieldname"] for stage in response.json.get("stage_requirements") or [] for f in stage["fields"]
		]
		self.assertIn(fieldname, fields, body(response))
		self.assertEqual(db_value(name, "stage"), PROPOSAL)

	# --- 1. being in a stage requires its fields, on every path ------------------------------------

	def test_form_save_cannot_empty_a_field_the_stage_requires(self):
		name = self.make()
		response = self.seller.form_save(OPPORTUNITY, name, expected_signature_date=None)
		self.assert_requirements_refused(response, name)
		self.assertTrue(db_value(name, "expected_signature_date"))

	def test_rest_put_cannot_empty_a_field_the_stage_requires(self):
		name = self.make()
		response = self.seller.put(OPPORTUNITY, name, {"expected_signature_date": None})
		self.assert_requirements_refused(response, name)
		self.assertTrue(db_value(name, "expected_signature_date"))

	def test_set_value_cannot_empty_a_field_the_stage_requires(self):
		name = self.make()
		response = self.seller.call(
			"frappe.client.set_value",
			doctype=OPPORTUNITY,
			name=name,
			fieldname="expected_signature_date",
			value="",
		)
		self.assert_requirements_refused(response, name)
		self.assertTrue(db_value(name, "expected_signature_date"))

	def test_bulk_update_cannot_empty_a_field_the_stage_requires(self):
		name, other = self.make(), self.make(stage=IDENT)
		response = self.seller.call(
			"frappe.desk.doctype.bulk_update.bulk_update.submit_cancel_or_update_docs",
			doctype=OPPORTUNITY,
			docnames=[name, other],
			action="update",
			data={"expected_signature_date": None},
		)
		self.assertEqual(response.status_code, 200, body(response))
		self.assertEqual(
			response.json["message"], [name], "the opportunity in PROPOSAL is reported as failed"
		)
		self.assertTrue(db_value(name, "expected_signature_date"))
		self.assertIsNone(db_value(other, "expected_signature_date"), "IDENT requires no date")

	def test_calendar_drop_on_no_date_is_refused_where_the_stage_requires_a_date(self):
		name = self.make()
		response = self.seller.call("crm_portal.api.board.move_to_month", opportunity=name)
		self.assertEqual(response.status_code, 417, body(response))
		self.assertIn("No date", body(response))
		self.assertTrue(db_value(name, "expected_signature_date"))
		# where no stage asks for it, the date can go
		free = self.make(stage=IDENT)
		response = self.seller.call("crm_portal.api.board.move_to_month", opportunity=free)
		self.assertEqual(response.status_code, 200, body(response))
		self.assertIsNone(db_value(free, "expected_signature_date"))

	def test_app_api_cannot_empty_a_field_while_staying_in_the_stage(self):
		"""move_to_stage to the stage it is already in, with values (the portal posts there too)."""
		name = self.make()
		response = self.seller.call(
			"crm_portal.api.pipeline.move_to_stage",
			opportunity=name,
			stage=PROPOSAL,
			values={"opportunity": {"expected_signature_date": None}},
		)
		self.assert_requirements_refused(response, name)
		self.assertTrue(db_value(name, "expected_signature_date"))

	def test_portal_user_cannot_empty_a_field_the_stage_requires(self):
		name = self.make(salesperson=PORTAL)
		portal = Session(PORTAL)
		response = portal.call(
			"crm_portal.api.pipeline.move_to_stage",
			opportunity=name,
			stage=PROPOSAL,
			values={"opportunity": {"expected_signature_date": None}},
		)
		self.assert_requirements_refused(response, name)

	def test_record_missing_a_field_required_later_still_takes_other_edits(self):
		"""A requirement an admin adds applies to opportunities already in the stage: they cannot lose
		the field, but the ones that never had it are not frozen — other edits go through."""
		name = self.make()
		frappe.db.set_value(OPPORTUNITY, name, "expected_signature_date", None)  # as before the rule
		frappe.db.commit()
		response = self.seller.put(OPPORTUNITY, name, {"amount": 4321})
		self.assertEqual(response.status_code, 200, body(response))
		self.assertEqual(db_value(name, "amount"), 4321)
		# once given, it is required again
		date = add_days(today(), 10)
		self.assertEqual(
			self.seller.put(OPPORTUNITY, name, {"expected_signature_date": date}).status_code, 200
		)
		self.assert_requirements_refused(
			self.seller.put(OPPORTUNITY, name, {"expected_signature_date": None}), name
		)

	def test_moving_in_still_asks_for_every_field(self):
		name = self.make(stage=IDENT, expected_signature_date=None)
		response = self.seller.call("crm_portal.api.pipeline.move_to_stage", opportunity=name, stage=PROPOSAL)
		self.assertEqual(response.status_code, 417, body(response))
		self.assertEqual([s["stage"] for s in response.json["stage_requirements"]], [PROPOSAL])
		self.assertEqual(db_value(name, "stage"), IDENT)

	def test_account_field_required_by_an_open_opportunitys_stage_cannot_be_emptied(self):
		name = self.make(stage=QUALIF)
		response = self.seller.put("Customer", self.customer, {"industry": None})
		self.assertEqual(response.status_code, 417, body(response))
		self.assertIn(name, body(response))
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Customer", self.customer, "industry"), INDUSTRY)

	def test_changing_account_checks_the_new_accounts_fields(self):
		bare = create_test_customer("_Test HTTP Req Bare Customer")  # no industry
		frappe.db.commit()
		name = self.make(stage=QUALIF)
		response = self.seller.put(OPPORTUNITY, name, {"account": bare})
		self.assertEqual(response.status_code, 417, body(response))
		self.assertEqual(db_value(name, "account"), self.customer)

	# --- 2. closed deals are locked ----------------------------------------------------------------

	def test_lost_deal_cannot_be_dragged_back_and_only_a_manager_reopens_it(self):
		name = self.make()
		response = self.seller.call(
			"crm_portal.api.pipeline.mark_lost",
			opportunity=name,
			lost_reason=self.lost_reason,
			comment="Trop cher",
		)
		self.assertEqual(response.status_code, 200, body(response))
		moved = self.seller.call("crm_portal.api.pipeline.move_to_stage", opportunity=name, stage=IDENT)
		self.assertEqual(moved.status_code, 417, body(moved))
		self.assertEqual(moved.json.get("exc_type"), "ClosedOpportunityError")
		self.assertIn("Reuse", body(moved))
		put = self.seller.put(OPPORTUNITY, name, {"stage": QUALIF})
		self.assertEqual(put.status_code, 417, body(put))
		self.assertEqual(db_value(name, "status"), "Lost")

		refused = self.seller.call("crm_portal.api.pipeline.reopen", opportunity=name)
		self.assertEqual(refused.status_code, 403, body(refused))
		self.assertEqual(db_value(name, "status"), "Lost")

		reopened = self.manager.call("crm_portal.api.pipeline.reopen", opportunity=name)
		self.assertEqual(reopened.status_code, 200, body(reopened))
		self.assertEqual(reopened.json["message"]["stage"], PROPOSAL, "back to the stage it was lost from")
		state = db_value(name, ["status", "stage", "lost_reason", "lost_on", "closing_comment", "signed_on"])
		self.assertEqual(tuple(state), ("Open", PROPOSAL, None, None, None, None))
		comments = frappe.get_all(
			"Comment",
			filters={"reference_doctype": OPPORTUNITY, "reference_name": name, "comment_type": "Info"},
			fields=["content", "owner"],
		)
		self.assertEqual(len(comments), 1, comments)
		self.assertIn("Marc Manager", comments[0].content)
		self.assertEqual(comments[0].owner, MANAGER)

	def test_won_deal_cannot_be_lost_or_moved_back(self):
		name = self.make()
		won = self.seller.call("crm_portal.api.pipeline.mark_won", opportunity=name, signed_on=today())
		self.assertEqual(won.status_code, 200, body(won))
		for response in (
			self.seller.call("crm_portal.api.pipeline.move_to_stage", opportunity=name, stage=PROPOSAL),
			self.seller.call(
				"crm_portal.api.pipeline.mark_lost", opportunity=name, lost_reason=self.lost_reason
			),
			self.seller.call(
				"frappe.client.set_value", doctype=OPPORTUNITY, name=name, fieldname="stage", value=IDENT
			),
		):
			self.assertEqual(response.status_code, 417, body(response))
		self.assertEqual(
			tuple(db_value(name, ["status", "signed_on"])), ("Won", frappe.utils.getdate(today()))
		)

	def test_deal_won_through_a_sales_order_is_locked_until_the_order_is_cancelled(self):
		from erpnext.selling.doctype.quotation.quotation import make_sales_order

		from crm_portal.api import pipeline
		from crm_portal.pipeline.test_quotation import PROPOSAL as QUOTE_PROPOSAL
		from crm_portal.pipeline.test_quotation import create_quote_fixtures

		fixtures = create_quote_fixtures()
		name = create_test_opportunity(
			title=f"{TITLE} commande",
			portfolio=fixtures["portfolio"],
			account=fixtures["customer"],
			salesperson=SELLER,
			amount=5000,
		).name
		quotation = pipeline.move_to_stage(name, QUOTE_PROPOSAL)["quotation"]
		frappe.get_doc("Quotation", quotation).submit()
		order = make_sales_order(quotation)
		order.delivery_date = add_days(today(), 30)
		order.insert()
		order.submit()
		frappe.db.commit()
		self.assertEqual(db_value(name, "status"), "Won")

		attempts = {
			"drag back": self.seller.call(
				"crm_portal.api.pipeline.move_to_stage", opportunity=name, stage=QUOTE_PROPOSAL
			),
			"amount": self.seller.put(OPPORTUNITY, name, {"amount": 1}),
			"reopen": self.manager.call("crm_portal.api.pipeline.reopen", opportunity=name),
		}
		for attempt, response in attempts.items():
			with self.subTest(attempt=attempt):
				self.assertEqual(response.status_code, 417, body(response))
				self.assertEqual(response.json.get("exc_type"), "ClosedOpportunityError", body(response))
				self.assertIn("cancel the order", body(response))
		state = db_value(name, ["status", "amount", "sales_order", "signed_on"])
		self.assertEqual(tuple(state[:3]), ("Won", 5000, order.name))
		self.assertTrue(state[3])
		# a note on the won deal is still fine
		self.assertEqual(self.seller.put(OPPORTUNITY, name, {"closing_comment": "Signé"}).status_code, 200)

		# the order's link is not cleared by a write either (refused, or kept as a system field)
		self.seller.call(
			"frappe.client.set_value", doctype=OPPORTUNITY, name=name, fieldname="sales_order", value=""
		)
		self.assertEqual(tuple(db_value(name, ["status", "sales_order"])), ("Won", order.name))

		# cancelling the order still reopens the deal at the proposal stage
		frappe.db.rollback()  # a fresh snapshot: the requests committed changes to the opportunity
		frappe.get_doc("Sales Order", order.name).cancel()
		frappe.db.commit()
		self.assertEqual(
			tuple(db_value(name, ["status", "stage", "sales_order"])), ("Open", QUOTE_PROPOSAL, None)
		)
