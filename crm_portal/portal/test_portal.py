"""The website portal (/crm...) for CRM Portal Users: each page renders the user's own records (escaped),
another user's opportunity is refused through every portal route and every API the pages call, and a
portal user works their pipeline end to end (prospect, opportunity, move, action logged and done, won)."""

import re
from urllib.parse import urlencode

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date, now_datetime, set_request, today
from frappe.website.serve import get_response

from crm_portal.api import accounts, actions, board, pipeline, timeline
from crm_portal.tests.utils import create_test_portfolio, create_test_template, create_test_user

ME = "portal.me@example.com"
OTHER = "portal.other@example.com"
SELLER = "portal.desk.seller@example.com"
PROBE = "<img src=x onerror=alert(1)>"
ESCAPED_PROBE = "&lt;img src=x onerror=alert(1)&gt;"
SECRET = "_Test Portal Secret"
ROUTES = (
	"/crm",
	"/crm/board",
	"/crm/opportunities",
	"/crm/actions",
	"/crm/new-opportunity",
	"/crm/new-prospect",
)


def work_as(user: str, portfolio: str, title: str, account_name: str, subject: str) -> dict:
	"""A prospect, an opportunity on it and an open action, created through the APIs as `user`."""
	frappe.set_user(user)
	try:
		prospect = accounts.create_prospect(
			{"call_name": account_name, "legal_form": "En cours d'immatriculation"}
		)["name"]
		opportunity = pipeline.quick_create(
			portfolio, prospect, title, account_type="CRM Prospect", amount=12000, days=10
		)["name"]
		action = actions.create_action(
			"Relance",
			subject=subject,
			start=str(add_to_date(now_datetime(), hours=-2)),
			opportunity=opportunity,
		)["name"]
	finally:
		frappe.set_user("Administrator")
	return {"prospect": prospect, "opportunity": opportunity, "action": action}


def plant_probe(records: dict) -> None:
	"""Markup in the record names, written past Frappe's input sanitizer (as a direct database write or an
	older record could hold it): the pages must print it as text."""
	frappe.db.set_value("CRM Prospect", records["prospect"], "call_name", f"{PROBE} account")
	frappe.db.set_value(
		"CRM Opportunity", records["opportunity"], {"title": PROBE, "account_name": f"{PROBE} account"}
	)
	frappe.db.set_value(
		"CRM Action",
		records["action"],
		{"subject": f"{PROBE} action", "opportunity_title": PROBE, "account_name": f"{PROBE} account"},
	)


class TestPortal(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		for user in (ME, OTHER):
			create_test_user(user, roles=("CRM Portal User",), user_type="Website User")
		create_test_user(SELLER)
		cls.template = create_test_template()
		cls.portfolio = create_test_portfolio()
		cls.mine = work_as(ME, cls.portfolio, "_Test Portal Mine", "_Test Portal Mine account", "mine")
		plant_probe(cls.mine)
		cls.theirs = work_as(OTHER, cls.portfolio, SECRET, f"{SECRET} account", f"{SECRET} action")

	def tearDown(self):
		frappe.local.form_dict = frappe._dict()
		frappe.set_user("Administrator")

	def render(self, path: str, **query) -> tuple[int, str]:
		"""The page as the website serves it to the current user: (HTTP status, HTML)."""
		frappe.local.form_dict = frappe._dict(query)
		set_request(method="GET", path=path, query_string=urlencode(query))
		response = get_response(path)
		return response.status_code, response.get_data(as_text=True)

	def stage(self, name: str) -> str:
		return f"{self.template}-{name}"

	# --- users and pages --------------------------------------------------------------------------

	def test_portal_users_are_website_users(self):
		for user in (ME, OTHER):
			self.assertEqual(frappe.db.get_value("User", user, "user_type"), "Website User")

	def test_every_page_shows_own_records_as_text_and_nothing_of_another_user(self):
		opportunity = f"/crm/opportunity/{self.mine['opportunity']}"
		with self.set_user(ME):
			for path in (*ROUTES, opportunity):
				with self.subTest(path=path):
					status, html = self.render(path)
					self.assertEqual(status, 200, html[:500])
					self.assertNotIn(PROBE, html)
					self.assertNotIn(SECRET, html)
					self.assertNotIn(self.theirs["opportunity"], html)
			for path, query in (
				("/crm", {}),
				("/crm/board", {"portfolio": self.portfolio}),
				("/crm/opportunities", {}),
				(opportunity, {}),
			):
				with self.subTest(path=path, shows="own opportunity"):
					status, html = self.render(path, **query)
					self.assertEqual(status, 200)
					self.assertIn(ESCAPED_PROBE, html)
					self.assertIn(self.mine["opportunity"], html)
			status, html = self.render("/crm/actions")
			self.assertIn(f"{ESCAPED_PROBE} action", html)
			status, html = self.render("/crm/new-opportunity")
			self.assertIn(f"{ESCAPED_PROBE} account", html)  # own prospect offered, escaped
			self.assertIn(self.mine["prospect"], html)
			self.assertNotIn(self.theirs["prospect"], html)

	def test_opportunity_page_shows_its_quotations_approval_state(self):
		"""The quotation's badge of the desk card ("D", "D ?", "D ✓", "D ✗") on the portal's opportunity page,
		its name escaped; none without a quotation."""
		name = self.mine["opportunity"]
		path = f"/crm/opportunity/{name}"
		quotation = f"{PROBE} Q"  # written past the Link check, as an odd record could hold it
		try:
			with self.set_user(ME):
				status, html = self.render(path)
				self.assertNotIn("crm-quotation-badge", html)
			for state, key, text in (
				("Brouillon", "draft", "D"),
				("À valider", "pending", "D ?"),
				("Validée", "approved", "D ✓"),
				("Refusée", "refused", "D ✗"),
				(None, "none", "D"),
			):
				frappe.db.set_value(
					"CRM Opportunity", name, {"quotation": quotation, "quotation_state": state}
				)
				with self.subTest(state=state), self.set_user(ME):
					status, html = self.render(path)
					self.assertEqual(status, 200, html[:500])
					badge = re.search(
						r'<span class="crm-quotation-badge ([a-z]+)" title="[^"]*">([^<]*)</span>', html
					)
					self.assertEqual(badge and badge.groups(), (key, text))
					self.assertIn(f"{ESCAPED_PROBE} Q", html)
					self.assertNotIn(PROBE, html)
		finally:
			frappe.db.set_value("CRM Opportunity", name, {"quotation": None, "quotation_state": None})

	def test_the_other_user_sees_their_own_pages(self):
		with self.set_user(OTHER):
			status, html = self.render(f"/crm/opportunity/{self.theirs['opportunity']}")
			self.assertEqual(status, 200)
			self.assertIn(SECRET, html)
			self.assertNotIn(ESCAPED_PROBE, html)

	def test_another_users_opportunity_is_refused_on_every_route(self):
		theirs = self.theirs["opportunity"]
		with self.set_user(ME):
			status, html = self.render(f"/crm/opportunity/{theirs}")
			self.assertEqual(status, 403)
			self.assertNotIn(SECRET, html)
			status, html = self.render("/crm/opportunity", name=theirs)
			self.assertEqual(status, 403)
			self.assertNotIn(SECRET, html)
			self.assertEqual(self.render("/crm/opportunity/OPP-DOES-NOT-EXIST")[0], 404)
			self.assertEqual(self.render("/crm/opportunity")[0], 404)
			self.assertEqual(self.render("/crm/board", portfolio="_Test No Such Portfolio")[0], 404)
			for path in ROUTES:
				for query in ({"q": SECRET}, {"status": "Lost"}, {"bucket": "late", "done": "1"}):
					with self.subTest(path=path, query=query):
						status, html = self.render(path, **query)
						self.assertEqual(status, 200)
						self.assertNotIn(theirs, html)
						self.assertNotIn(f"{SECRET} account", html)  # (the search box echoes the query)

	def test_guests_are_sent_to_login(self):
		with self.set_user("Guest"):
			for path in (*ROUTES, f"/crm/opportunity/{self.mine['opportunity']}"):
				with self.subTest(path=path):
					frappe.local.flags.redirect_location = None
					status, _html = self.render(path)
					self.assertIn(status, (301, 302))
					self.assertTrue(frappe.local.flags.redirect_location.startswith("/login?redirect-to="))

	def test_desk_users_may_open_the_portal_and_see_only_their_own(self):
		with self.set_user(SELLER):
			status, html = self.render("/crm/opportunities")
			self.assertEqual(status, 200)
			self.assertNotIn(SECRET, html)
			self.assertNotIn(ESCAPED_PROBE, html)

	# --- the APIs the pages call --------------------------------------------------------------------

	def test_another_users_records_are_refused_through_every_api(self):
		opp, action = self.theirs["opportunity"], self.theirs["action"]
		stage = self.stage("QUALIFICATION / POSITIONNEMENT")
		reason = frappe.get_all("Opportunity Lost Reason", pluck="name", limit=1)
		refused = {
			"move_to_stage": lambda: pipeline.move_to_stage(opp, stage),
			"mark_won": lambda: pipeline.mark_won(opp, signed_on=today()),
			"mark_lost": lambda: pipeline.mark_lost(opp, reason[0] if reason else "x"),
			"reuse": lambda: pipeline.reuse(opp),
			"get_stage_history": lambda: pipeline.get_stage_history(opp),
			"get_opportunity_actions": lambda: actions.get_opportunity_actions(opp),
			"create_action on it": lambda: actions.create_action("Relance", subject="x", opportunity=opp),
			"mark_done": lambda: actions.mark_done(action),
			"postpone": lambda: actions.postpone(action, "tomorrow"),
			"cancel": lambda: actions.cancel(action),
			"delete_action": lambda: actions.delete_action(action),
			"timeline": lambda: timeline.get_timeline("CRM Opportunity", opp),
			"get_doc opportunity": lambda: frappe.get_doc("CRM Opportunity", opp).check_permission("read"),
			"get_doc prospect": lambda: frappe.get_doc(
				"CRM Prospect", self.theirs["prospect"]
			).check_permission("read"),
		}
		with self.set_user(ME):
			for label, call in refused.items():
				with self.subTest(api=label):
					with self.assertRaises(frappe.PermissionError):
						call()
			data = board.get_board(portfolio=self.portfolio, scope="all", page_length=100)
			cards = [c["name"] for column in data["columns"] for c in column["cards"]]
			self.assertIn(self.mine["opportunity"], cards)
			self.assertNotIn(opp, cards)
			feed = actions.get_actions(scope="all", page_length=100)
			self.assertNotIn(action, [a["name"] for a in feed["actions"]])
			self.assertIn(self.mine["action"], [a["name"] for a in feed["actions"]])
			self.assertNotIn(
				self.theirs["prospect"], frappe.get_list("CRM Prospect", pluck="name", page_length=500)
			)
		self.assertEqual(frappe.db.get_value("CRM Action", action, "status"), "Open")
		self.assertEqual(frappe.db.get_value("CRM Opportunity", opp, "stage"), self.stage("IDENTIFICATION"))

	# --- a portal user's day ------------------------------------------------------------------------

	def test_portal_user_creates_moves_logs_completes_and_wins(self):
		with self.set_user(ME):
			prospect = accounts.create_prospect(
				{"call_name": "_Test Portal New Account", "legal_form": "En cours d'immatriculation"}
			)["name"]
			created = pipeline.quick_create(
				self.portfolio, prospect, "_Test Portal New Deal", account_type="CRM Prospect", amount=5000
			)
			self.assertEqual(created["salesperson"], ME)
			self.assertEqual(created["stage"], self.stage("IDENTIFICATION"))
			moved = pipeline.move_to_stage(created["name"], self.stage("QUALIFICATION / POSITIONNEMENT"))
			self.assertEqual(moved["stage"], self.stage("QUALIFICATION / POSITIONNEMENT"))
			logged = actions.create_action(
				"Relance", subject="_Test Portal call back", opportunity=created["name"]
			)
			self.assertEqual(logged["assigned_to"], ME)
			status, html = self.render(f"/crm/opportunity/{created['name']}")
			self.assertEqual(status, 200)
			self.assertIn("_Test Portal call back", html)
			self.assertIn("crm_portal.api.actions.mark_done", html)
			done = actions.mark_done(logged["name"])
			self.assertEqual(done["status"], "Done")
			won = pipeline.mark_won(created["name"], signed_on=today())
			self.assertEqual(won["status"], "Won")
			status, html = self.render("/crm/opportunities", status="Won")
			self.assertIn("_Test Portal New Deal", html)
			status, html = self.render("/crm/opportunities")
			self.assertNotIn("_Test Portal New Deal", html)
