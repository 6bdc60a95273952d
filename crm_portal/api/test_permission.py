"""Visibility of opportunities through the Sales Person tree and roles, on every read path."""

import frappe
from frappe.tests.utils import FrappeTestCase

from crm_portal.api import board, pipeline
from crm_portal.teams import scope_users, team_users
from crm_portal.tests.utils import (
	create_test_customer,
	create_test_opportunity,
	create_test_portfolio,
	create_test_sales_person,
	create_test_user,
)

MANAGER = "perm.manager@example.com"  # Sales Person at the top of the team
LEAD = "perm.lead@example.com"  # reports to MANAGER
MEMBER = "perm.member@example.com"  # reports to LEAD
OUTSIDER = "perm.outsider@example.com"  # another team
VIEWER = "perm.viewer@example.com"  # Sales User + CRM 360 Viewer
BOSS = "perm.boss@example.com"  # Sales Manager role


class TestPermissions(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		for user in (MANAGER, LEAD, MEMBER, OUTSIDER):
			create_test_user(user)
		create_test_user(VIEWER, roles=("Sales User", "CRM 360 Viewer"))
		create_test_user(BOSS, roles=("Sales Manager",))
		top = create_test_sales_person(MANAGER)
		lead = create_test_sales_person(LEAD, parent=top)
		create_test_sales_person(MEMBER, parent=lead, is_group=0)
		create_test_sales_person(OUTSIDER, is_group=0)
		cls.portfolio = create_test_portfolio("_Test Perm Portfolio")
		customer = create_test_customer("_Test Perm Customer")
		cls.opps = {
			user: create_test_opportunity(
				title=f"_Test Perm {user}", salesperson=user, portfolio=cls.portfolio, account=customer
			).name
			for user in (MANAGER, LEAD, MEMBER, OUTSIDER)
		}

	def visible(self, user):
		with self.set_user(user):
			names = frappe.get_list("CRM Opportunity", filters={"portfolio": self.portfolio}, pluck="name")
		return {u for u, n in self.opps.items() if n in names}

	def test_team_users_from_the_sales_person_tree(self):
		self.assertEqual(set(team_users(MANAGER)), {MANAGER, LEAD, MEMBER})
		self.assertEqual(set(team_users(MANAGER, depth=1, include_self=False)), {LEAD})
		self.assertEqual(team_users(MEMBER), [MEMBER])
		self.assertEqual(team_users("nobody-in-tree@example.com"), ["nobody-in-tree@example.com"])
		with self.set_user(LEAD):
			self.assertEqual(set(scope_users("team_n1")), {MEMBER})
			self.assertEqual(set(scope_users("team_nn_me")), {LEAD, MEMBER})
			self.assertIsNone(scope_users("all"))

	def test_lists_follow_the_tree(self):
		self.assertEqual(self.visible(MANAGER), {MANAGER, LEAD, MEMBER})
		self.assertEqual(self.visible(LEAD), {LEAD, MEMBER})
		self.assertEqual(self.visible(MEMBER), {MEMBER})
		self.assertEqual(self.visible(OUTSIDER), {OUTSIDER})
		self.assertEqual(self.visible(BOSS), {MANAGER, LEAD, MEMBER, OUTSIDER})
		self.assertEqual(self.visible(VIEWER), {MANAGER, LEAD, MEMBER, OUTSIDER})

	def test_documents_follow_the_tree(self):
		with self.set_user(MEMBER):
			self.assertFalse(frappe.has_permission("CRM Opportunity", "read", self.opps[LEAD]))
			with self.assertRaises(frappe.PermissionError):
				pipeline.move_to_stage(self.opps[LEAD], "_Test Template-PROPOSITION")
		with self.set_user(LEAD):
			self.assertTrue(frappe.has_permission("CRM Opportunity", "write", self.opps[MEMBER]))
			moved = pipeline.move_to_stage(self.opps[MEMBER], "_Test Template-PROPOSITION")
			self.assertEqual(moved["stage"], "_Test Template-PROPOSITION")

	def test_viewer_reads_everything_but_edits_only_own(self):
		with self.set_user(VIEWER):
			self.assertTrue(frappe.has_permission("CRM Opportunity", "read", self.opps[OUTSIDER]))
			self.assertFalse(frappe.has_permission("CRM Opportunity", "write", self.opps[OUTSIDER]))
			with self.assertRaises(frappe.PermissionError):
				pipeline.move_to_stage(self.opps[OUTSIDER], "_Test Template-PROPOSITION")

	def test_board_shows_only_what_the_user_may_see(self):
		with self.set_user(LEAD):
			everything = board.get_board(portfolio=self.portfolio, scope="all")
			titles = {c["title"] for col in everything["columns"] for c in col["cards"]}
			self.assertEqual(titles, {f"_Test Perm {LEAD}", f"_Test Perm {MEMBER}"})
			self.assertEqual(everything["summary"]["count"], 2)
			team = board.get_board(portfolio=self.portfolio, scope="team_n1")
			self.assertEqual(
				{c["title"] for col in team["columns"] for c in col["cards"]}, {f"_Test Perm {MEMBER}"}
			)
