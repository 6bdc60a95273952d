"""Writes judged on the stored record and on the result, through Frappe's real HTTP stack: no take-over of a
colleague's opportunity, action or prospect by any generic write path (REST, frappe.client.set_value,
bulk updates, a desk Kanban), person fields limited to the writer's team, links only to readable records
(refused without naming them), system fields never set by a client, portal users kept to their own work,
and another salesperson's lead not converted (crm_portal/permissions.py, crm_portal/write_rules.py).

Each request runs in its own thread and database connection, as in production: what the class sets up is
committed, and removed at the end."""

import json

import frappe
from frappe.tests.test_api import make_request
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date, get_datetime, now_datetime
from frappe.utils.password import update_password

from crm_portal.setup.lead_statuses import ensure_lead_statuses
from crm_portal.tests.utils import (
	create_test_customer,
	create_test_lead,
	create_test_link_type,
	create_test_portfolio,
	create_test_sales_person,
	create_test_user,
)

ME = "walls.me@example.com"  # Sales User, leads a team
MATE = "walls.mate@example.com"  # Sales User, in ME's team
OTHER = "walls.other@example.com"  # Sales User of another team
MANAGER = "walls.manager@example.com"  # Sales Manager
PORTAL = "walls.portal@example.com"  # CRM Portal User (website user)
USERS = (ME, MATE, OTHER, MANAGER, PORTAL)
PASSWORD = "Walls-Test-2026!"
PREFIX = "_Test Walls"
SECRET = "_Test Walls Secret"  # in the names of OTHER's records: never in a refusal
QUALIFIED = "Qualification commerciale"
OPP, ACTION, PROSPECT = "CRM Opportunity", "CRM Action", "CRM Prospect"


def as_user(user: str, fn, *args, **kwargs):
	frappe.set_user(user)
	try:
		return fn(*args, **kwargs)
	finally:
		frappe.set_user("Administrator")


def new_opportunity(account_type: str, account: str, title: str, portfolio: str):
	return frappe.get_doc(
		{
			"doctype": OPP,
			"title": title,
			"portfolio": portfolio,
			"account_type": account_type,
			"account": account,
			"amount": 1000,
		}
	).insert()


def new_prospect(call_name: str):
	return frappe.get_doc(
		{
			"doctype": PROSPECT,
			"call_name": call_name,
			"legal_form": "En cours d'immatriculation",
			"account_manager": frappe.session.user,
		}
	).insert()


def new_action(action_type: str, subject: str, **fields):
	return frappe.get_doc(
		{
			"doctype": ACTION,
			"action_type": action_type,
			"subject": subject,
			"start": add_to_date(now_datetime(), days=2),
			**fields,
		}
	).insert()


class TestWriteWalls(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		for user in (ME, MATE, OTHER):
			create_test_user(user)
		create_test_user(MANAGER, roles=("Sales Manager",))
		create_test_user(PORTAL, roles=("CRM Portal User",), user_type="Website User")
		for user in USERS:
			update_password(user, PASSWORD)
			frappe.db.set_value("User", user, "language", "fr")  # the refusals are read in French
		create_test_sales_person(MATE, parent=create_test_sales_person(ME), is_group=0)
		create_test_sales_person(OTHER, is_group=0)
		ensure_lead_statuses()
		cls.portfolio = create_test_portfolio()
		cls.customer = create_test_customer(f"{PREFIX} Customer")
		r = cls.records = frappe._dict()
		r.their_prospect = as_user(OTHER, new_prospect, f"{SECRET} account").name
		r.their_opp = as_user(OTHER, new_opportunity, PROSPECT, r.their_prospect, SECRET, cls.portfolio).name
		r.their_action = as_user(OTHER, new_action, "Relance", f"{SECRET} call", opportunity=r.their_opp).name
		r.their_event = as_user(
			OTHER,
			lambda: frappe.get_doc(
				{
					"doctype": "Event",
					"subject": f"{SECRET} event",
					"starts_on": add_to_date(now_datetime(), days=3),
					"event_type": "Private",
				}
			).insert(),
		).name
		r.their_contact = as_user(
			OTHER,
			lambda: frappe.get_doc({"doctype": "Contact", "first_name": f"{SECRET} contact"}).insert(),
		).name
		r.their_lead = as_user(
			OTHER,
			lambda: create_test_lead(f"{PREFIX} Their Lead", crm_lead_status=QUALIFIED, lead_owner=OTHER),
		).name
		r.my_prospect = as_user(ME, new_prospect, f"{PREFIX} my account").name
		r.my_opp = as_user(
			ME, new_opportunity, "Customer", cls.customer, f"{PREFIX} mine", cls.portfolio
		).name
		r.my_meeting = as_user(ME, new_action, "RDV physique", f"{PREFIX} my meeting").name
		r.portal_prospect = as_user(PORTAL, new_prospect, f"{PREFIX} portal account").name
		r.portal_opp = as_user(
			PORTAL, new_opportunity, PROSPECT, r.portal_prospect, f"{PREFIX} portal", cls.portfolio
		).name
		cls.board = f"{PREFIX} Salesperson Board"
		if not frappe.db.exists("Kanban Board", cls.board):
			from frappe.desk.doctype.kanban_board.kanban_board import quick_kanban_board

			quick_kanban_board(OPP, cls.board, "salesperson")
		frappe.db.commit()  # the requests run on their own connections
		cls.clients = {}

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.set_user("Administrator")
		for doctype in ("ToDo", "Event", ACTION, "Quotation", OPP, PROSPECT, "Contact", "Lead"):
			for name in frappe.get_all(doctype, filters={"owner": ("in", USERS)}, pluck="name"):
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		for name in frappe.get_all("ToDo", filters={"allocated_to": ("in", USERS)}, pluck="name"):
			frappe.delete_doc("ToDo", name, force=True, ignore_permissions=True)
		if frappe.db.exists("Kanban Board", cls.board):
			frappe.delete_doc("Kanban Board", cls.board, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	# --- requests ------------------------------------------------------------------------------------

	def client(self, user: str):
		if user not in self.clients:
			from frappe.utils import get_test_client

			client = get_test_client()
			login = make_request(
				target=client.post,
				args=("/api/method/login",),
				kwargs={"json": {"usr": user, "pwd": PASSWORD}},
			)
			self.assertEqual(login.status_code, 200, login.get_data(as_text=True))
			self.clients[user] = client
		return self.clients[user]

	def put(self, user: str, doctype: str, name: str, values: dict):
		return make_request(
			target=self.client(user).put,
			args=(f"/api/resource/{doctype}/{name}",),
			kwargs={"json": values},
		)

	def post(self, user: str, doctype: str, values: dict):
		return make_request(
			target=self.client(user).post, args=(f"/api/resource/{doctype}",), kwargs={"json": values}
		)

	def call(self, caller: str, method: str, **kwargs):
		return make_request(
			target=self.client(caller).post, args=(f"/api/method/{method}",), kwargs={"json": kwargs}
		)

	def stored(self, doctype: str, name: str, fields):
		frappe.db.rollback()  # read what the requests committed
		return frappe.db.get_value(doctype, name, fields, as_dict=isinstance(fields, list))

	def assertRefused(self, response, status: int = 403) -> str:
		"""The request was refused; returns the messages shown to the user."""
		body = response.get_data(as_text=True)
		self.assertEqual(response.status_code, status, body[:1500])
		self.assertNotIn(SECRET, body, "a refusal repeats a record the user cannot read")
		data = response.json or {}
		return " ".join(
			json.loads(message).get("message", "")
			for message in json.loads(data.get("_server_messages") or "[]")
		)

	def assertSaved(self, response):
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:1500])
		return response.json["data"]

	def give_back(self, doctype: str, name: str, fieldname: str, value: str):
		frappe.db.set_value(doctype, name, fieldname, value, update_modified=False)
		frappe.db.commit()

	# --- 1. no take-over, whatever the path -------------------------------------------------------------

	def test_rest_put_cannot_take_over_another_teams_records(self):
		r = self.records
		for doctype, name, fieldname in (
			(OPP, r.their_opp, "salesperson"),
			(ACTION, r.their_action, "assigned_to"),
			(PROSPECT, r.their_prospect, "account_manager"),
		):
			with self.subTest(doctype=doctype):
				self.assertRefused(self.put(ME, doctype, name, {fieldname: ME}))
				self.assertEqual(self.stored(doctype, name, fieldname), OTHER)
				self.assertRefused(self.put(PORTAL, doctype, name, {fieldname: PORTAL}))
				self.assertEqual(self.stored(doctype, name, fieldname), OTHER)

	def test_frappe_client_set_value_cannot_take_over(self):
		r = self.records
		for doctype, name, fieldname in (
			(OPP, r.their_opp, "salesperson"),
			(ACTION, r.their_action, "assigned_to"),
			(PROSPECT, r.their_prospect, "account_manager"),
		):
			with self.subTest(doctype=doctype):
				response = self.call(
					ME, "frappe.client.set_value", doctype=doctype, name=name, fieldname=fieldname, value=ME
				)
				self.assertRefused(response)
				self.assertEqual(self.stored(doctype, name, fieldname), OTHER)

	def test_bulk_updates_cannot_take_over(self):
		r = self.records
		for doctype, name, fieldname in (
			(OPP, r.their_opp, "salesperson"),
			(ACTION, r.their_action, "assigned_to"),
			(PROSPECT, r.their_prospect, "account_manager"),
		):
			with self.subTest(doctype=doctype, path="frappe.client.bulk_update"):
				self.call(
					ME,
					"frappe.client.bulk_update",
					docs=json.dumps([{"doctype": doctype, "docname": name, fieldname: ME}]),
				)
				self.assertEqual(self.stored(doctype, name, fieldname), OTHER)
			with self.subTest(doctype=doctype, path="submit_cancel_or_update_docs"):
				self.call(
					ME,
					"frappe.desk.doctype.bulk_update.bulk_update.submit_cancel_or_update_docs",
					doctype=doctype,
					docnames=json.dumps([name]),
					action="update",
					data=json.dumps({fieldname: ME}),
				)
				self.assertEqual(self.stored(doctype, name, fieldname), OTHER)

	def test_kanban_on_the_salesperson_cannot_take_over(self):
		r = self.records
		self.call(
			ME,
			"frappe.desk.doctype.kanban_board.kanban_board.update_order",
			board_name=self.board,
			order=json.dumps({ME: [r.their_opp]}),
		)
		self.assertEqual(self.stored(OPP, r.their_opp, "salesperson"), OTHER)

	def test_put_as_a_new_record_cannot_copy_another_teams_deal(self):
		r = self.records
		before = frappe.db.count(OPP, {"title": SECRET})
		self.assertRefused(self.put(ME, OPP, r.their_opp, {"__islocal": 1, "salesperson": ME}))
		self.assertEqual(self.stored(OPP, {"title": SECRET, "salesperson": ME}, "name"), None)
		self.assertEqual(frappe.db.count(OPP, {"title": SECRET}), before)

	# --- 2. person fields stay within the writer's team ------------------------------------------------

	def test_person_fields_only_within_the_team_managers_anywhere(self):
		r = self.records
		body = self.assertRefused(self.put(ME, OPP, r.my_opp, {"salesperson": OTHER}))
		self.assertIn("vous-même ou un membre de votre équipe", body)
		self.assertEqual(self.stored(OPP, r.my_opp, "salesperson"), ME)
		self.assertEqual(
			self.assertSaved(self.put(ME, OPP, r.my_opp, {"salesperson": MATE}))["salesperson"], MATE
		)
		# the team lead still works on it, the manager gives it to anyone
		self.assertSaved(self.put(ME, OPP, r.my_opp, {"salesperson": ME}))
		self.assertEqual(
			self.assertSaved(self.put(MANAGER, OPP, r.my_opp, {"salesperson": OTHER}))["salesperson"], OTHER
		)
		self.give_back(OPP, r.my_opp, "salesperson", ME)

		self.assertRefused(self.put(ME, PROSPECT, r.my_prospect, {"account_manager": OTHER}))
		self.assertEqual(self.stored(PROSPECT, r.my_prospect, "account_manager"), ME)

	def test_actions_assigned_only_within_the_team(self):
		start = str(add_to_date(now_datetime(), days=4))
		values = {"action_type": "Relance", "subject": f"{PREFIX} assign", "start": start}
		self.assertRefused(self.post(ME, ACTION, {**values, "assigned_to": OTHER}))
		self.assertFalse(
			self.stored("ToDo", {"allocated_to": OTHER, "description": f"{PREFIX} assign"}, "name")
		)
		self.assertEqual(
			self.assertSaved(self.post(ME, ACTION, {**values, "assigned_to": MATE}))["assigned_to"], MATE
		)
		response = self.call(ME, "crm_portal.api.actions.reassign", name=self.records.my_meeting, user=OTHER)
		self.assertRefused(response)
		self.assertEqual(self.stored(ACTION, self.records.my_meeting, "assigned_to"), ME)

	# --- links only to readable records ----------------------------------------------------------------

	def test_opportunity_cannot_link_an_unreadable_account(self):
		r = self.records
		values = {
			"title": f"{PREFIX} link",
			"portfolio": self.portfolio,
			"account_type": PROSPECT,
			"account": r.their_prospect,
		}
		body = self.assertRefused(self.post(ME, OPP, values))
		self.assertIn("il ne fait pas partie de vos comptes", body)
		self.assertNotIn(r.their_prospect, body)
		self.assertFalse(self.stored(OPP, {"title": f"{PREFIX} link"}, "name"))
		# nor by a change of an existing deal, through REST or the app's move
		self.assertRefused(
			self.put(ME, OPP, r.my_opp, {"account_type": PROSPECT, "account": r.their_prospect})
		)
		stage = frappe.db.get_value(OPP, r.my_opp, "stage")
		response = self.call(
			ME,
			"crm_portal.api.pipeline.move_to_stage",
			opportunity=r.my_opp,
			stage=stage,
			values={"opportunity": {"account_type": PROSPECT, "account": r.their_prospect}},
		)
		self.assertRefused(response)
		self.assertEqual(self.stored(OPP, r.my_opp, "account"), self.customer)
		# the prospect stays out of reach
		self.assertRefused(self.put(ME, PROSPECT, r.their_prospect, {"notes": "mine now"}))
		# a readable account is fine
		self.assertSaved(
			self.post(ME, OPP, {**values, "title": f"{PREFIX} link ok", "account": r.my_prospect})
		)

	def test_action_cannot_be_logged_on_another_teams_deal(self):
		r = self.records
		next_date = self.stored(OPP, r.their_opp, "next_action_date")
		values = {
			"action_type": "Relance",
			"subject": f"{PREFIX} intrusion",
			"start": str(add_to_date(now_datetime(), hours=1)),
			"opportunity": r.their_opp,
		}
		body = self.assertRefused(self.post(ME, ACTION, values))
		self.assertIn("elle ne fait pas partie de vos opportunités", body)
		self.assertEqual(self.stored(OPP, r.their_opp, "next_action_date"), next_date)
		self.assertRefused(self.put(ME, ACTION, r.my_meeting, {"opportunity": r.their_opp}))
		self.assertRefused(
			self.put(ME, ACTION, r.my_meeting, {"account_type": PROSPECT, "account": r.their_prospect})
		)
		self.assertIsNone(self.stored(ACTION, r.my_meeting, "opportunity"))

	def test_prospect_cannot_link_an_unreadable_account(self):
		r = self.records
		parent = create_test_link_type("_TWALLMERE", kind="Filiation")
		child = create_test_link_type("_TWALLFILLE", kind="Filiation")
		frappe.db.commit()
		row = {"account_link_type": parent, "linked_doctype": PROSPECT, "linked_link_type": child}
		body = self.assertRefused(
			self.put(
				ME, PROSPECT, r.my_prospect, {"account_links": [{**row, "linked_account": r.their_prospect}]}
			)
		)
		self.assertIn("il ne fait pas partie de vos comptes", body)
		self.assertFalse(frappe.get_all("CRM Account Link", {"parent": r.my_prospect}))
		# a readable account is fine (customers are open to sales users)
		link = {**row, "linked_doctype": "Customer", "linked_account": self.customer}
		saved = self.assertSaved(self.put(ME, PROSPECT, r.my_prospect, {"account_links": [link]}))
		self.assertEqual(len(saved["account_links"]), 1)
		self.assertSaved(self.put(ME, PROSPECT, r.my_prospect, {"account_links": []}))

	def test_links_set_by_someone_else_do_not_block_later_saves(self):
		"""Only a changed link is checked: a contact the manager attached stays, and the owner still saves."""
		r = self.records
		self.assertSaved(self.put(MANAGER, OPP, r.portal_opp, {"contact": r.their_contact}))
		saved = self.assertSaved(self.put(PORTAL, OPP, r.portal_opp, {"amount": 4321}))
		self.assertEqual(saved["amount"], 4321)
		self.give_back(OPP, r.portal_opp, "contact", None)

	# --- system fields ----------------------------------------------------------------------------------

	def test_system_fields_are_not_set_by_clients(self):
		r = self.records
		before = self.stored(OPP, r.my_opp, ["next_action_date", "owner", "creation"])
		self.assertSaved(
			self.put(
				ME,
				OPP,
				r.my_opp,
				{
					"next_action_date": "2031-01-01 10:00:00",
					"owner": OTHER,
					"creation": "2001-01-01 00:00:00",
					"_assign": json.dumps([OTHER]),
					"weighted_amount": 99999999,
				},
			)
		)
		after = self.stored(
			OPP, r.my_opp, ["next_action_date", "owner", "creation", "_assign", "weighted_amount"]
		)
		self.assertEqual(after.next_action_date, before.next_action_date)
		self.assertEqual((after.owner, after.creation), (before.owner, before.creation))
		self.assertFalse(after._assign and OTHER in after._assign)
		self.assertNotEqual(after.weighted_amount, 99999999)
		created = self.assertSaved(
			self.post(
				ME,
				OPP,
				{
					"title": f"{PREFIX} system",
					"portfolio": self.portfolio,
					"account_type": "Customer",
					"account": self.customer,
					"next_action_date": "2031-01-01 10:00:00",
					"reused_from": r.my_opp,
				},
			)
		)
		self.assertIsNone(self.stored(OPP, created["name"], "next_action_date"))

	def test_an_action_cannot_take_another_users_event(self):
		r = self.records
		event_before = self.stored("Event", r.their_event, ["subject", "owner", "starts_on"])
		self.assertSaved(
			self.put(
				ME,
				ACTION,
				r.my_meeting,
				{"event": r.their_event, "subject": f"{PREFIX} meeting moved", "reminder_sent": 1},
			)
		)
		self.assertEqual(self.stored("Event", r.their_event, ["subject", "owner", "starts_on"]), event_before)
		self.assertNotEqual(self.stored(ACTION, r.my_meeting, "event"), r.their_event)
		self.assertEqual(self.stored(ACTION, r.my_meeting, "reminder_sent"), 0)

	def test_a_prospect_does_not_become_a_customer_by_request(self):
		r = self.records
		self.assertSaved(
			self.put(ME, PROSPECT, r.my_prospect, {"customer": self.customer, "status": "Customer"})
		)
		stored = self.stored(PROSPECT, r.my_prospect, ["customer", "status"])
		self.assertEqual((stored.customer, stored.status), (None, "Draft"))

	def test_done_time_is_the_servers(self):
		action = self.assertSaved(
			self.post(
				ME,
				ACTION,
				{
					"action_type": "Relance",
					"subject": f"{PREFIX} done",
					"start": str(add_to_date(now_datetime(), hours=-3)),
					"status": "Done",
					"completed_on": "2001-01-01 00:00:00",
				},
			)
		)
		self.assertGreater(get_datetime(action["completed_on"]), add_to_date(now_datetime(), hours=-1))

	# --- portal users ------------------------------------------------------------------------------------

	def test_portal_user_never_chooses_the_salesperson_or_another_assignee(self):
		r = self.records
		values = {
			"title": f"{PREFIX} portal pick",
			"portfolio": self.portfolio,
			"account_type": PROSPECT,
			"account": r.portal_prospect,
		}
		body = self.assertRefused(self.post(PORTAL, OPP, {**values, "salesperson": ME}))
		self.assertIn("vous ne pouvez choisir que vous-même", body)
		self.assertEqual(self.assertSaved(self.post(PORTAL, OPP, values))["salesperson"], PORTAL)
		action = {
			"action_type": "Relance",
			"subject": f"{PREFIX} portal todo",
			"start": str(add_to_date(now_datetime(), days=1)),
			"assigned_to": ME,
		}
		self.assertRefused(self.post(PORTAL, ACTION, action))
		self.assertFalse(
			self.stored("ToDo", {"allocated_to": ME, "description": f"{PREFIX} portal todo"}, "name")
		)

	def test_portal_user_links_only_own_prospects_and_contacts(self):
		r = self.records
		self.assertRefused(self.put(PORTAL, OPP, r.portal_opp, {"contact": r.their_contact}))
		self.assertRefused(
			self.put(PORTAL, OPP, r.portal_opp, {"other_contacts": [{"contact": r.their_contact}]})
		)
		self.assertRefused(
			self.put(PORTAL, OPP, r.portal_opp, {"account_type": "Customer", "account": self.customer})
		)
		self.assertRefused(self.put(PORTAL, OPP, r.portal_opp, {"account": r.their_prospect}))
		stored = self.stored(OPP, r.portal_opp, ["contact", "account"])
		self.assertEqual((stored.contact, stored.account), (None, r.portal_prospect))
		self.assertFalse(frappe.get_all("CRM Opportunity Contact", {"parent": r.portal_opp}))

	# --- leads -------------------------------------------------------------------------------------------

	def test_another_salespersons_lead_is_not_converted(self):
		r = self.records
		response = self.call(
			ME,
			"crm_portal.api.leads.convert_lead",
			lead=r.their_lead,
			account_values={"legal_form": "En cours d'immatriculation"},
		)
		self.assertRefused(response)
		self.assertFalse(self.stored("Lead", r.their_lead, "crm_converted_account"))
