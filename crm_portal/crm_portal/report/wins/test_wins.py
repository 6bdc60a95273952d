"""Wins on known data: by account and by sale type, recurring vs one-off from the estimate lines, the
previous period of the same length, and what a Sales User may see."""

import frappe
from frappe.tests.utils import FrappeTestCase

from crm_portal.crm_portal.report.testing import (
	BOSS,
	LEAD,
	MEMBER,
	OUTSIDER,
	create_test_sale_type,
	make_opportunity,
	make_team,
)
from crm_portal.crm_portal.report.wins.wins import execute

NOVEMBER = {"from_date": "2026-11-01", "to_date": "2026-11-30"}
FIGURES = ("count", "amount", "recurring", "one_off", "previous_amount", "variation")


class TestWins(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.team = team = make_team()
		cls.licence = create_test_sale_type("_Test Rep Licence")
		cls.support = create_test_sale_type("_Test Rep Support")
		a, b = team.customer_a, team.customer_b
		make_opportunity(
			team,
			LEAD,
			"won",
			0,
			a,
			signed_on="2026-11-05",
			estimate_mode="Detailed",
			estimate_lines=[
				{"sale_type": cls.licence, "amount": 1000, "recurrence": "One-off"},
				{"sale_type": cls.support, "amount": 200, "recurrence": "Monthly"},
			],
		)
		make_opportunity(team, MEMBER, "won", 5000, b, signed_on="2026-11-20")
		make_opportunity(team, LEAD, "won", 3000, a, signed_on="2026-10-15")  # previous period
		make_opportunity(team, OUTSIDER, "won", 4000, b, signed_on="2026-11-10")
		make_opportunity(team, OUTSIDER, "won", 800, a, signed_on="2026-09-30")  # neither period
		make_opportunity(team, LEAD, "ident", 9999, a, expected_signature_date="2026-11-15")  # not won
		make_opportunity(team, LEAD, "lost", 7777, a, lost_on="2026-11-15")  # not won

	def run_report(self, user, **filters):
		filters = {"portfolio": self.team.portfolio, **NOVEMBER, **filters}
		with self.set_user(user):
			columns, data, _message, chart = execute(filters)
		key = "sale_type" if filters.get("group_by") == "Sale type" else "account"
		self.assertIn(key, [c["fieldname"] for c in columns])
		rows = {row.get(key): tuple(row[f] for f in FIGURES) for row in data if not row.get("is_total_row")}
		return rows, data[-1], chart

	def test_by_account_against_the_previous_month(self):
		a, b = self.team.customer_a, self.team.customer_b
		rows, total, chart = self.run_report(BOSS)
		self.assertEqual(rows, {a: (1, 1200, 200, 1000, 3000, -60.0), b: (2, 9000, 0, 9000, 0, None)})
		self.assertEqual(
			tuple(total[f] for f in FIGURES), (3, 10200, 200, 10000, 3000, 240.0), "total with variation"
		)
		self.assertEqual(chart["data"]["labels"], ["_Test Rep Customer B", "_Test Rep Customer A"])
		self.assertEqual(chart["data"]["datasets"][1]["values"], [0, 3000])

	def test_by_sale_type(self):
		rows, total, _chart = self.run_report(BOSS, group_by="Sale type")
		self.assertEqual(
			rows,
			{
				frappe._("Not detailed"): (2, 9000, 0, 9000, 3000, 200.0),
				self.licence: (1, 1000, 0, 1000, 0, None),
				self.support: (1, 200, 200, 0, 0, None),
			},
		)
		self.assertEqual((total["count"], total["amount"], total["recurring"]), (3, 10200, 200))

	def test_a_sales_user_counts_only_their_team(self):
		a, b = self.team.customer_a, self.team.customer_b
		rows, total, _chart = self.run_report(LEAD)
		self.assertEqual(rows, {a: (1, 1200, 200, 1000, 3000, -60.0), b: (1, 5000, 0, 5000, 0, None)})
		self.assertEqual((total["count"], total["amount"]), (2, 6200))
		rows, total, _chart = self.run_report(OUTSIDER)
		self.assertEqual(rows, {b: (1, 4000, 0, 4000, 0, None)}, "the September win is outside both periods")
		rows, total, _chart = self.run_report(MEMBER, group_by="Sale type")
		self.assertEqual(rows, {frappe._("Not detailed"): (1, 5000, 0, 5000, 0, None)})

	def test_team_filter_and_any_period_length(self):
		rows, total, _chart = self.run_report(BOSS, sales_person=self.team.outsider_sp)
		self.assertEqual((total["count"], total["amount"]), (1, 4000))
		# ten days, 10-19 November: the previous period is 31 October - 9 November
		rows, total, _chart = self.run_report(BOSS, from_date="2026-11-10", to_date="2026-11-19")
		self.assertEqual((total["count"], total["amount"], total["previous_amount"]), (1, 4000, 1200))

	def test_the_period_is_required_and_filters_checked(self):
		for filters in (
			{},
			{"from_date": "2026-11-01"},
			{**NOVEMBER, "group_by": "Colour"},
			{**NOVEMBER, "company": "_Test No Such Company"},
		):
			with self.subTest(filters=filters), self.assertRaises(frappe.ValidationError):
				execute(filters)
