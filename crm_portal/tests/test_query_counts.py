"""No N+1: the number of SQL statements of each read endpoint does not grow with the data it shows.

Each endpoint is counted on a small and on a larger data set: the two counts must be equal (and small).
Timings are measured by `make bench`, never asserted here."""

from contextlib import contextmanager

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, today

from crm_portal.api import accounts, board, timeline
from crm_portal.tests.utils import (
	create_test_action,
	create_test_customer,
	create_test_opportunity,
	create_test_portfolio,
	create_test_prospect,
	create_test_sales_person,
	create_test_template,
	create_test_user,
)

STAGES = (
	*((f"Q{i}", i * 10, "Open", i * 10, ()) for i in range(1, 6)),
	("QWON", 90, "Won", 100, ()),
	("QLOST", 99, "Lost", 0, ()),
)
OPEN_STAGES = [f"_Test Counts-Q{i}" for i in range(1, 6)]
SELLER = "counts.seller@example.com"  # a Sales User, team of one
LEAD = "counts.lead@example.com"  # a team lead with two people below
MEMBERS = ("counts.member1@example.com", "counts.member2@example.com")


@contextmanager
def counting_queries():
	"""Count the SQL statements the block sends (frappe.db.sql is the single path to the database)."""
	counter = {"n": 0}
	original = frappe.db.sql

	def sql(*args, **kwargs):
		if kwargs.get("run", True):  # run=False only builds the statement (get_list(run=0))
			counter["n"] += 1
		return original(*args, **kwargs)

	frappe.db.sql = sql
	try:
		yield counter
	finally:
		frappe.db.sql = original


def queries(fn) -> int:
	fn()  # warm the caches a running site has (meta, settings)
	# as each request does: start with an empty local cache (which remembers a Redis miss as None)
	frappe.local.cache.clear()
	with counting_queries() as counter:
		fn()
	return counter["n"]


class TestQueryCounts(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.template = create_test_template("_Test Counts", STAGES)
		cls.portfolio = create_test_portfolio("_Test Counts Portfolio", cls.template)
		cls.customer = create_test_customer("_Test Counts Customer")
		cls.signature = getdate(add_days(today(), 15))
		for user in (SELLER, LEAD, *MEMBERS):
			create_test_user(user)
		create_test_sales_person(SELLER, is_group=0)
		lead = create_test_sales_person(LEAD)
		for member in MEMBERS:
			create_test_sales_person(member, parent=lead, is_group=0)

	def add_opportunities(self, per_stage: int) -> None:
		people = ["Administrator", SELLER, LEAD, *MEMBERS]
		for stage in OPEN_STAGES:
			for i in range(per_stage):
				opp = create_test_opportunity(
					title=f"_Test Counts {stage} {i}",
					portfolio=self.portfolio,
					account=self.customer,
					expected_signature_date=self.signature,
				)
				opp.db_set("stage", stage)
				# salespeople and creators of every persona's rule branches
				opp.db_set("salesperson", people[i % len(people)])
				opp.db_set("owner", people[(i + 1) % len(people)])

	def assertSameCount(self, fn, grow, bound: int):
		small = queries(fn)
		grow()
		large = queries(fn)
		self.assertEqual(small, large, "the query count grew with the data")
		self.assertLessEqual(large, bound)

	def test_board_one_portfolio_and_grouping(self):
		self.add_opportunities(1)
		for kwargs in ({"portfolio": self.portfolio}, {"template": self.template}):
			with self.subTest(**kwargs):
				self.assertSameCount(
					lambda kwargs=kwargs: board.get_board(scope="all", **kwargs),
					lambda: self.add_opportunities(3),
					6,
				)

	def test_board_of_sales_user_and_team_lead(self):
		"""The rule's branches (crm_portal/pipeline/board_queries.py) add statements only by the number of
		branches, never by the data; the team is looked up once per call."""
		self.add_opportunities(1)
		today_ = getdate(today())
		for user in (SELLER, LEAD):
			for name, fn in (
				("board", lambda: board.get_board(portfolio=self.portfolio, scope="all")),
				("grouping", lambda: board.get_board(template=self.template, scope="all")),
				(
					"column page",
					lambda: board.get_column_cards(OPEN_STAGES[0], portfolio=self.portfolio, scope="all"),
				),
				(
					"calendar",
					lambda: board.get_calendar(
						today_.year, today_.month, 12, portfolio=self.portfolio, scope="all"
					),
				),
			):
				with self.subTest(user=user, endpoint=name), self.set_user(user):
					# besides the figures and the pages, Frappe looks up the user's shares for each statement it
					# builds (the calendar's months, like the board's columns, reuse one build per branch)
					self.assertSameCount(fn, self.add_opportunities_as_administrator, 18)

	def add_opportunities_as_administrator(self):
		with self.set_user("Administrator"):
			self.add_opportunities(2)

	def test_calendar(self):
		self.add_opportunities(1)
		self.assertSameCount(
			lambda: board.get_calendar(
				self.signature.year, self.signature.month, 12, portfolio=self.portfolio, scope="all"
			),
			lambda: self.add_opportunities(4),
			6,
		)

	def test_account_search(self):
		for i in range(2):
			create_test_prospect(f"_Test Counts Prospect {i}")
		self.assertSameCount(
			lambda: accounts.search("_Test Counts"),
			lambda: [create_test_prospect(f"_Test Counts Prospect {i}") for i in range(2, 15)],
			12,
		)

	def test_account_timeline(self):
		self.add_opportunities(1)

		def more():
			self.add_opportunities(2)
			for i in range(5):
				create_test_action(
					subject=f"_Test Counts call {i}", account_type="Customer", account=self.customer
				)

		self.assertSameCount(lambda: timeline.get_timeline("Customer", self.customer), more, 12)
