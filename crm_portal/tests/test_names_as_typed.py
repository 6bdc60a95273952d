"""Names are data (DESIGN §3.11, issue 15): opportunity titles, prospect names and action subjects are
stored exactly as typed - Frappe's HTML sanitizer is off for those fields (crm_portal/names.py) - and
every server message or print that repeats one escapes it, so the desk (which shows messages as HTML)
prints it as text.

Everything goes through Frappe's real HTTP stack as a logged-in salesperson. Each request runs in its own
thread and database connection, as in production, so what the class sets up is committed and cleaned up
at the end (records of its own user only)."""

import json

import frappe
from frappe.tests.test_api import make_request
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date, get_test_client, now_datetime
from frappe.utils.password import update_password

from crm_portal.setup.action_types import ensure_action_types
from crm_portal.tests.utils import (
	create_test_customer,
	create_test_portfolio,
	create_test_user,
)

USER = "names.seller@example.com"
PASSWORD = "Names-As-Typed-2026!"
CUSTOMER = "_Test Names Customer"
PROBE = "<img src=x onerror=window.__xss=1>"
# What people type in a name field, hostile or just unusual: each must come back exactly as typed.
NAMES = (
	PROBE,
	'"><svg onload=window.__xss=1>',
	"R&D <Lot 3>",
	"{{ 7*7 }}",
	"' or 1=1 --",
	"Équipe 🚀 café ☕",
	"شركة الاختبار المحدودة",
	"<b>gras</b> & <i>penché</i>",
	"&amp; déjà échappé &lt;",
)
# Markup that must never reach a message unescaped (each probe's escaped form must be there instead).
MARKUP = ("<img", "<svg", "<b>", "<lot")


def server_messages(response) -> str:
	"""The messages Frappe sends along with an answer (shown as HTML by the desk), joined."""
	body = response.get_json() or {}
	messages = []
	for raw in json.loads(body.get("_server_messages") or "[]"):
		try:
			messages.append(json.loads(raw).get("message") or "")
		except (ValueError, AttributeError):
			messages.append(str(raw))
	return "\n".join(messages)


class TestNamesAsTyped(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		ensure_action_types()
		create_test_user(USER, first_name="Names")
		update_password(USER, PASSWORD)
		create_test_customer(CUSTOMER)
		cls.portfolio = create_test_portfolio()
		frappe.db.commit()  # the requests run on their own connections
		cls.client = get_test_client()
		login = make_request(
			target=cls.client.post,
			args=("/api/method/login",),
			kwargs={"json": {"usr": USER, "pwd": PASSWORD}},
		)
		assert login.status_code == 200, login.get_data(as_text=True)

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.set_user("Administrator")
		for doctype in ("CRM Action", "CRM Opportunity", "CRM Prospect", "Contact"):
			for name in frappe.get_all(doctype, filters={"owner": USER}, pluck="name"):
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	# --- HTTP ------------------------------------------------------------------------------------

	def request(self, method: str, path: str, payload: dict | None = None):
		target = getattr(self.client, method)
		return make_request(target=target, args=(path,), kwargs={"json": payload or {}})

	def call(self, method: str, **kwargs):
		return self.request("post", f"/api/method/{method}", kwargs)

	def ok(self, response) -> dict:
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:2000])
		return response.get_json()

	def stored(self, doctype: str, name: str, fieldname: str):
		frappe.db.rollback()  # read what the request committed
		return frappe.db.get_value(doctype, name, fieldname)

	def quick_create(self, title: str, **kwargs) -> str:
		response = self.call(
			"crm_portal.api.pipeline.quick_create",
			portfolio=self.portfolio,
			account=kwargs.pop("account", CUSTOMER),
			title=title,
			amount=1000,
			**kwargs,
		)
		return self.ok(response)["message"]["name"]

	def assert_escaped(self, message: str, name: str):
		"""`name` is in the message escaped, and no markup of it came through as HTML."""
		self.assertIn(frappe.utils.escape_html(name), message)
		for markup in MARKUP:
			self.assertNotIn(markup, message.lower(), message)

	# --- stored as typed -------------------------------------------------------------------------

	def test_opportunity_title_stored_as_typed(self):
		for name in NAMES:
			with self.subTest(name=name):
				opportunity = self.quick_create(name)
				self.assertEqual(self.stored("CRM Opportunity", opportunity, "title"), name)
				# and through the generic REST API, on an existing record
				renamed = f"{name} (2)"
				self.ok(
					self.request("put", f"/api/resource/CRM Opportunity/{opportunity}", {"title": renamed})
				)
				self.assertEqual(self.stored("CRM Opportunity", opportunity, "title"), renamed)

	def test_prospect_names_stored_as_typed(self):
		for name in NAMES:
			with self.subTest(name=name):
				response = self.call(
					"crm_portal.api.accounts.create_prospect",
					values={
						"call_name": name,
						"legal_name": f"{name} SAS",
						"legal_form": "En cours d'immatriculation",
					},
				)
				prospect = self.ok(response)["message"]["name"]
				self.assertEqual(self.stored("CRM Prospect", prospect, "call_name"), name)
				self.assertEqual(self.stored("CRM Prospect", prospect, "legal_name"), f"{name} SAS")
				# the opportunity keeps a copy of the account's name
				opportunity = self.quick_create(
					f"Projet {name}", account=prospect, account_type="CRM Prospect"
				)
				self.assertEqual(self.stored("CRM Opportunity", opportunity, "account_name"), name)

	def test_action_subject_stored_as_typed(self):
		opportunity = self.quick_create("R&D <Lot 3> - actions")
		for name in NAMES:
			with self.subTest(name=name):
				response = self.call(
					"crm_portal.api.actions.create_action",
					action_type="Relance",
					subject=name,
					start=str(add_to_date(now_datetime(), hours=2)),
					opportunity=opportunity,
				)
				action = self.ok(response)["message"]["name"]
				self.assertEqual(self.stored("CRM Action", action, "subject"), name)
				self.assertEqual(
					self.stored("CRM Action", action, "opportunity_title"), "R&D <Lot 3> - actions"
				)

	# --- messages escape -------------------------------------------------------------------------

	def test_message_repeating_a_new_prospect_name_escapes_it(self):
		# No SIREN and no "being registered" legal form: the refusal names the prospect.
		response = self.call("crm_portal.api.accounts.create_prospect", values={"call_name": PROBE})
		self.assertEqual(response.status_code, 417, response.get_data(as_text=True)[:2000])
		self.assert_escaped(server_messages(response), PROBE)

	def test_duplicate_warning_escapes_the_names(self):
		name = "R&D <Lot 3> doublon"
		values = {"call_name": name, "legal_form": "En cours d'immatriculation"}
		self.ok(self.call("crm_portal.api.accounts.create_prospect", values=values))
		response = self.call("crm_portal.api.accounts.create_prospect", values=values)
		self.ok(response)  # a warning, not a refusal
		self.assert_escaped(server_messages(response), name)

	def test_conflict_message_escapes_the_title(self):
		opportunity = self.quick_create(PROBE)
		stage = frappe.get_all(
			"CRM Stage",
			filters={
				"stage_template": frappe.db.get_value("CRM Portfolio", self.portfolio, "stage_template"),
				"stage_type": "Open",
			},
			order_by="position desc",
			pluck="name",
			limit=1,
		)[0]
		response = self.call(
			"crm_portal.api.pipeline.move_to_stage",
			opportunity=opportunity,
			stage=stage,
			modified="2000-01-01 00:00:00.000000",
		)
		self.assertGreaterEqual(response.status_code, 400)
		self.assertLess(response.status_code, 500)
		self.assert_escaped(server_messages(response), PROBE)

	def test_too_long_name_is_refused_with_an_escaped_message(self):
		title = PROBE + "x" * (500 - len(PROBE))
		response = self.call(
			"crm_portal.api.pipeline.quick_create",
			portfolio=self.portfolio,
			account=CUSTOMER,
			title=title,
		)
		self.assertGreaterEqual(response.status_code, 400, response.get_data(as_text=True)[:500])
		self.assertLess(response.status_code, 500, response.get_data(as_text=True)[:500])
		message = server_messages(response)
		for markup in MARKUP:
			self.assertNotIn(markup, message.lower(), message)
		self.assertFalse(frappe.db.exists("CRM Opportunity", {"title": title}))

	# --- printed as text -------------------------------------------------------------------------

	def test_print_views_show_names_as_text(self):
		# Frappe's standard print format prints Data values as HTML: the title must come out as text.
		title = f"R&D <Lot 3> {PROBE}"
		opportunity = self.quick_create(title)
		response = make_request(
			target=self.client.get,
			args=("/printview",),
			kwargs={
				"query_string": {"doctype": "CRM Opportunity", "name": opportunity, "format": "Standard"}
			},
		)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:500])
		html = response.get_data(as_text=True)
		self.assertIn(frappe.utils.escape_html(title), html)
		self.assertNotIn(PROBE, html)
