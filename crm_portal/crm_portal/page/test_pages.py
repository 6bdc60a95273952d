"""The actions and accounts desk pages and the activity timeline on forms, on a real site: the pages are
installed for the sales roles only, the timeline script reaches the four forms through doctype_js, and
the actions feed's "Mon équipe N" scope (the user and their peers) keeps to what the user may read."""

import frappe
from frappe.desk.form.meta import get_meta
from frappe.tests.utils import FrappeTestCase

from crm_portal.api import actions as api
from crm_portal.tests.utils import create_test_action, create_test_sales_person, create_test_user

BOSS = "pages.boss@example.com"  # Sales Person tree: BOSS > (CHIEF, PEER, OTHER); CHIEF > REP
CHIEF = "pages.chief@example.com"  # a Sales Manager with a Sales Person
PEER = "pages.peer@example.com"
OTHER = "pages.other@example.com"
REP = "pages.rep@example.com"
NOBODY = "pages.nobody@example.com"  # a desk user without any sales role


class TestCrmPages(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		for user in (BOSS, PEER, OTHER, REP):
			create_test_user(user)
		create_test_user(CHIEF, roles=("Sales User", "Sales Manager"))
		create_test_user(NOBODY, roles=("Blogger",))
		boss = create_test_sales_person(BOSS)
		chief = create_test_sales_person(CHIEF, parent=boss)
		create_test_sales_person(PEER, parent=boss, is_group=0)
		create_test_sales_person(OTHER, parent=boss, is_group=0)
		create_test_sales_person(REP, parent=chief, is_group=0)

	def tearDown(self):
		frappe.set_user("Administrator")

	# --- pages ----------------------------------------------------------------------------------------

	def test_pages_are_installed_for_the_sales_roles(self):
		from frappe.desk.desk_page import get

		for name in ("crm-actions", "crm-accounts"):
			page = frappe.get_doc("Page", name)
			self.assertEqual(page.module, "CRM Portal")
			self.assertEqual(page.standard, "Yes")
			self.assertTrue({"Sales User", "Sales Manager"} <= {r.role for r in page.roles})
			with self.set_user(PEER):
				self.assertEqual(get(name).name, name)
				self.assertIn(f'frappe.pages["{name}"]', get(name).script)
			with self.set_user(NOBODY):
				self.assertRaises(frappe.PermissionError, get, name)

	def test_timeline_script_reaches_the_four_forms(self):
		for doctype in ("CRM Opportunity", "CRM Prospect", "Customer", "Contact"):
			script = get_meta(doctype, cached=False).get("__js") or ""
			self.assertIn("crm_portal_activity_timeline", script, doctype)
			self.assertEqual(
				script.count("window.crm_portal_activity_timeline = ActivityTimeline"), 1, doctype
			)
		# the forms' own scripts are still there
		self.assertIn("show_catalogs", get_meta("CRM Opportunity", cached=False).get("__js"))
		self.assertIn("crm_account_print_buttons", get_meta("Customer", cached=False).get("__js"))
		self.assertNotIn("crm_portal_activity_timeline", get_meta("Lead", cached=False).get("__js") or "")

	# --- "Mon équipe N" -------------------------------------------------------------------------------

	def test_same_level_users(self):
		self.assertEqual(api.same_level_users(CHIEF), [CHIEF, *sorted([OTHER, PEER])])
		self.assertEqual(api.same_level_users(REP), [REP])
		self.assertEqual(api.same_level_users(NOBODY), [NOBODY], "no Sales Person: the user alone")

	def test_team_n_scope_in_the_feed(self):
		frappe.db.savepoint("pages_team_n")
		try:
			frappe.db.delete("CRM Action")
			made = {}
			for user in (BOSS, CHIEF, PEER, OTHER, REP):
				with self.set_user(user):
					made[user] = create_test_action(assigned_to=user, subject=f"N {user}").name

			def names(user):
				with self.set_user(user):
					return {a["name"] for a in api.get_actions(scope="team_n")["actions"]}

			# A Sales Manager sees everything: the scope alone narrows the feed to their level.
			self.assertEqual(names(CHIEF), {made[CHIEF], made[PEER], made[OTHER]})
			# A Sales User's peers are outside their permissions: the scope shows nothing more.
			self.assertEqual(names(PEER), {made[PEER]})
			self.assertEqual(names(REP), {made[REP]})
		finally:
			frappe.db.rollback(save_point="pages_team_n")
