"""No N+1: the number of SQL statements of each read endpoint does not grow with the data it shows.

Each endpoint is counted on a small and on a larger data set: the two counts must be equal (and small).
Timings are measured by `make bench`, never asserted here."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, today

from crm_portal.api import accounts, board, timeline
from crm_portal.benchmarks import counting_queries
from crm_portal.tests.utils import (
	create_test_action,
	create_test_customer,
	create_test_opportunity,
	create_test_portfolio,
	create_test_prospect,
	create_test_template,
)

STAGES = (
	*((f"Q{i}", i * 10, "Open", i * 10, ()) for i in range(1, 6)),
	("QWON", 90, "Won", 100, ()),
	("QLOST", 99, "Lost", 0, ()),
)
OPEN_STAGES = [f"_Test Counts-Q{i}" for i in range(1, 6)]


def queries(fn) -> int:
	fn()  # warm the caches a running site has (meta, settings)
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

	def add_opportunities(self, per_stage: int) -> None:
		for stage in OPEN_STAGES:
			for i in range(per_stage):
				opp = create_test_opportunity(
					title=f"_Test Counts {stage} {i}",
					portfolio=self.portfolio,
					account=self.customer,
					expected_signature_date=self.signature,
				)
				opp.db_set("stage", stage)

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
