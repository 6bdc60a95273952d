"""Who sees what, on every surface that reads opportunities: roles x documents x surfaces.

Four opportunities in two companies; seven people: a team member, their team lead, a salesperson of
another team (all three ERPNext Employees of company A, which ERPNext's Employee user permission
"cloisonne" to company A), a salesperson of company B, a read-only "360" viewer, a Sales Manager
restricted to company A by a User Permission, and a portal (website) user. Each surface must show
each person exactly the same set."""

import frappe
from frappe.desk import reportview
from frappe.desk.search import search_link
from frappe.permissions import add_user_permission
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, today

from crm_portal.api import actions, board, pipeline, timeline
from crm_portal.tests.utils import (
	create_test_company,
	create_test_customer,
	create_test_opportunity,
	create_test_portfolio,
	create_test_prospect,
	create_test_sales_person,
	create_test_user,
	get_test_company,
)

LEAD = "matrix.lead@example.com"
MEMBER = "matrix.member@example.com"  # reports to LEAD
OUTSIDER = "matrix.outsider@example.com"
SELLER_B = "matrix.seller.b@example.com"  # no Sales Person: sees their own deals
VIEWER = "matrix.viewer@example.com"
MANAGER_A = "matrix.manager@example.com"  # Sales Manager, User Permission: company A only
PORTAL = "matrix.portal@example.com"
TITLE = "_Test Matrix"

# person -> the opportunities (by salesperson) they may read
EXPECTED_READ = {
	MEMBER: {MEMBER},
	LEAD: {LEAD, MEMBER},
	OUTSIDER: {OUTSIDER},
	SELLER_B: {SELLER_B},
	VIEWER: {LEAD, MEMBER, OUTSIDER, SELLER_B},
	MANAGER_A: {LEAD, MEMBER, OUTSIDER},  # SELLER_B's deal is in company B
	PORTAL: set(),
}
# person -> the opportunities they may move
EXPECTED_WRITE = {
	MEMBER: {MEMBER},
	LEAD: {LEAD, MEMBER},
	OUTSIDER: {OUTSIDER},
	SELLER_B: {SELLER_B},
	VIEWER: set(),  # the viewer role reads across teams, it edits nothing more
	MANAGER_A: {LEAD, MEMBER, OUTSIDER},
	PORTAL: set(),
}


class TestPermissionMatrix(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		company_a, company_b = get_test_company(), create_test_company()
		for user in (LEAD, MEMBER, OUTSIDER, SELLER_B):
			create_test_user(user)
		create_test_user(VIEWER, roles=("Sales User", "CRM 360 Viewer"))
		create_test_user(MANAGER_A, roles=("Sales Manager",))
		create_test_user(PORTAL, roles=("CRM Portal User",), user_type="Website User")
		lead = create_test_sales_person(LEAD)
		create_test_sales_person(MEMBER, parent=lead, is_group=0)
		create_test_sales_person(OUTSIDER, is_group=0)
		add_user_permission("Company", company_a, MANAGER_A)
		portfolio_a = create_test_portfolio("_Test Matrix A", company=company_a)
		portfolio_b = create_test_portfolio("_Test Matrix B", company=company_b)
		customer = create_test_customer("_Test Matrix Customer")
		signature = getdate(add_days(today(), 20))
		cls.opps = {}
		for user, portfolio in (
			(LEAD, portfolio_a),
			(MEMBER, portfolio_a),
			(OUTSIDER, portfolio_a),
			(SELLER_B, portfolio_b),
		):
			cls.opps[user] = create_test_opportunity(
				title=f"{TITLE} {user}",
				salesperson=user,
				portfolio=portfolio,
				account=customer,
				expected_signature_date=signature,
			).name
		cls.portfolios = (portfolio_a, portfolio_b)
		cls.customer, cls.signature = customer, signature

	def owners(self, names) -> set[str]:
		return {user for user, name in self.opps.items() if name in set(names)}

	# --- the surfaces ---------------------------------------------------------------------------------

	def via_list(self):
		return frappe.get_list("CRM Opportunity", filters={"title": ("like", f"{TITLE}%")}, pluck="name")

	def via_get(self):
		readable = []
		for name in self.opps.values():
			try:
				frappe.get_doc("CRM Opportunity", name).check_permission("read")
				readable.append(name)
			except frappe.PermissionError:
				pass
		return readable

	def via_report(self):
		frappe.local.form_dict = frappe._dict(
			doctype="CRM Opportunity",
			fields=["`tabCRM Opportunity`.`name`"],
			filters=[["CRM Opportunity", "title", "like", f"{TITLE}%"]],
			page_length=100,
		)
		try:
			result = reportview.get()
		except frappe.PermissionError:
			return []
		finally:
			frappe.local.form_dict = frappe._dict()
		return [row[0] for row in result.get("values", [])] if result else []

	def via_search(self):
		try:
			return [r["value"] for r in search_link("CRM Opportunity", TITLE, page_length=50)]
		except frappe.PermissionError:
			return []

	def via_board(self):
		names = []
		for portfolio in self.portfolios:
			try:
				data = board.get_board(portfolio=portfolio, scope="all", page_length=50)
			except frappe.PermissionError:
				continue
			names += [card["name"] for column in data["columns"] for card in column["cards"]]
		return names

	def via_calendar(self):
		names = []
		for portfolio in self.portfolios:
			try:
				data = board.get_calendar(
					self.signature.year, self.signature.month, months=1, portfolio=portfolio, scope="all"
				)
			except frappe.PermissionError:
				continue
			names += [card["name"] for column in data["columns"] for card in column["cards"]]
		return names

	def via_timeline(self):
		try:
			data = timeline.get_timeline("Customer", self.customer)
		except frappe.PermissionError:
			return []
		return [
			item.get("name") for item in data["upcoming"] + data["past"] if item.get("kind") == "opportunity"
		]

	SURFACES = ("list", "get", "report", "search", "board", "calendar")

	def test_every_surface_shows_each_person_the_same_opportunities(self):
		for user, expected in EXPECTED_READ.items():
			with self.set_user(user):
				for surface in self.SURFACES:
					with self.subTest(user=user, surface=surface):
						seen = self.owners(getattr(self, f"via_{surface}")())
						self.assertEqual(seen, expected)

	def test_timeline_of_an_account_shows_only_visible_opportunities(self):
		for user in (MEMBER, LEAD, VIEWER):
			with self.set_user(user), self.subTest(user=user):
				self.assertEqual(self.owners(self.via_timeline()), EXPECTED_READ[user])

	def test_moves_through_the_api_follow_write_permission(self):
		for user, expected in EXPECTED_WRITE.items():
			for owner, name in self.opps.items():
				stage = frappe.db.get_value("CRM Opportunity", name, "stage")
				with self.set_user(user), self.subTest(user=user, opportunity_of=owner):
					if owner in expected:
						moved = pipeline.move_to_stage(name, stage)  # a no-op move is still a write
						self.assertEqual(moved["name"], name)
					else:
						with self.assertRaises(frappe.PermissionError):
							pipeline.move_to_stage(name, stage)

	def test_records_cannot_be_attached_to_an_account_the_user_cannot_read(self):
		theirs = create_test_prospect("_Test Matrix Prospect of another team", account_manager=OUTSIDER)
		with self.set_user(MEMBER):
			with self.assertRaises(frappe.PermissionError):
				pipeline.quick_create(
					self.portfolios[0], theirs, "_Test Matrix stolen", account_type="CRM Prospect"
				)
			with self.assertRaises(frappe.PermissionError):
				actions.create_action("Relance", account_type="CRM Prospect", account=theirs)
			with self.assertRaises(frappe.DoesNotExistError):
				pipeline.quick_create(
					self.portfolios[0], "PRO-NOPE", "_Test Matrix ghost", account_type="CRM Prospect"
				)
		with self.set_user(OUTSIDER):
			created = pipeline.quick_create(
				self.portfolios[0], theirs, "_Test Matrix allowed", account_type="CRM Prospect"
			)
			self.assertEqual(created["account"], theirs)
