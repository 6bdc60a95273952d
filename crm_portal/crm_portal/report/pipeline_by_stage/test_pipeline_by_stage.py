"""Pipeline by stage on known data: figures per stage (won and lost included), period, filters, and
what a Sales User may see."""

import frappe
from frappe.tests.utils import FrappeTestCase

from crm_portal.crm_portal.report.pipeline_by_stage.pipeline_by_stage import execute
from crm_portal.crm_portal.report.testing import (
	BOSS,
	LEAD,
	MEMBER,
	OUTSIDER,
	STAGES,
	make_opportunity,
	make_team,
)

YEAR = {"from_date": "2026-01-01", "to_date": "2026-12-31"}
FIGURES = ("count", "accounts", "amount", "weighted_amount", "days", "average_amount")


class TestPipelineByStage(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.team = team = make_team()
		a, b = team.customer_a, team.customer_b
		make_opportunity(team, LEAD, "ident", 10000, a, days=10, expected_signature_date="2026-03-15")
		make_opportunity(team, MEMBER, "ident", 5000, b, days=5, expected_signature_date="2026-04-10")
		make_opportunity(team, MEMBER, "qualif", 20000, a, days=20, expected_signature_date="2026-05-01")
		make_opportunity(team, OUTSIDER, "prop", 30000, b, days=30, expected_signature_date="2026-06-01")
		make_opportunity(team, LEAD, "won", 12000, a, days=12, signed_on="2026-02-10")
		make_opportunity(team, OUTSIDER, "lost", 7000, b, lost_on="2026-03-01")
		make_opportunity(team, LEAD, "ident", 999, a, expected_signature_date="2025-06-01")  # 2025
		make_opportunity(team, LEAD, "won", 888, a, signed_on="2025-12-31")  # 2025

	def run_report(self, user=None, **filters):
		filters = {"portfolio": self.team.portfolio, **YEAR, **filters}
		if user:
			with self.set_user(user):
				columns, data, _message, chart = execute(filters)
		else:
			columns, data, _message, chart = execute(filters)
		self.assertIn("average_amount", [c["fieldname"] for c in columns])
		return {row["stage"]: tuple(row[key] for key in FIGURES) for row in data}, data, chart

	def test_every_stage_of_the_portfolio_template_in_order_with_won_and_lost(self):
		rows, data, chart = self.run_report(BOSS)
		self.assertEqual([r["stage"] for r in data[:-1]], list(STAGES.values()))
		self.assertEqual(rows[STAGES["ident"]], (2, 2, 15000, 1500, 15, 7500))
		self.assertEqual(rows[STAGES["qualif"]], (1, 1, 20000, 8000, 20, 20000))
		self.assertEqual(rows[STAGES["prop"]], (1, 1, 30000, 21000, 30, 30000))
		self.assertEqual(rows[STAGES["won"]], (1, 1, 12000, 12000, 12, 12000))
		self.assertEqual(rows[STAGES["lost"]], (1, 1, 7000, 0, 0, 7000))
		total = data[-1]
		self.assertTrue(total["is_total_row"])
		self.assertEqual((total["count"], total["accounts"], total["amount"]), (6, 2, 84000))
		self.assertEqual(total["average_amount"], 14000)
		self.assertEqual(total["average_per_account"], 42000)
		self.assertEqual(chart["data"]["labels"][0], "IDENTIFICATION")
		self.assertEqual(chart["data"]["datasets"][0]["values"], [15000, 20000, 30000, 12000, 7000])

	def test_a_sales_user_counts_only_their_team(self):
		rows, data, _chart = self.run_report(LEAD)
		self.assertEqual(rows[STAGES["ident"]][:3], (2, 2, 15000))
		self.assertEqual(rows[STAGES["qualif"]][:3], (1, 1, 20000))
		self.assertEqual(rows[STAGES["prop"]][:3], (0, 0, 0), "another team's proposal")
		self.assertEqual(rows[STAGES["lost"]][:3], (0, 0, 0), "another team's loss")
		self.assertEqual((data[-1]["count"], data[-1]["amount"]), (4, 47000))
		rows, data, _chart = self.run_report(OUTSIDER)
		self.assertEqual((data[-1]["count"], data[-1]["amount"]), (2, 37000))
		rows, data, _chart = self.run_report(MEMBER)
		self.assertEqual(
			(data[-1]["count"], data[-1]["amount"]), (2, 25000), "a member does not see the lead"
		)
		# a filter on another team does not widen what a salesperson sees
		rows, data, _chart = self.run_report(MEMBER, salesperson=OUTSIDER)
		self.assertEqual(data[-1]["count"], 0)

	def test_salesperson_and_team_filters(self):
		rows, data, _chart = self.run_report(BOSS, salesperson=MEMBER)
		self.assertEqual((data[-1]["count"], data[-1]["amount"]), (2, 25000))
		rows, data, _chart = self.run_report(BOSS, sales_person=self.team.lead_sp)
		self.assertEqual((data[-1]["count"], data[-1]["amount"]), (4, 47000))
		rows, data, _chart = self.run_report(BOSS, sales_person=self.team.outsider_sp)
		self.assertEqual((data[-1]["count"], data[-1]["amount"]), (2, 37000))

	def test_period_is_the_closing_date_or_the_creation(self):
		rows, data, _chart = self.run_report(BOSS, from_date="2025-01-01", to_date="2025-12-31")
		self.assertEqual(rows[STAGES["ident"]][:3], (1, 1, 999))
		self.assertEqual(rows[STAGES["won"]][:3], (1, 1, 888))
		self.assertEqual(data[-1]["count"], 2)
		rows, data, _chart = self.run_report(BOSS, from_date=None, to_date=None)
		self.assertEqual(data[-1]["count"], 8, "no period: every opportunity")
		today = frappe.utils.getdate()
		created = {"from_date": str(today), "to_date": str(today), "based_on": "Creation date"}
		rows, data, _chart = self.run_report(BOSS, **created)
		self.assertEqual(data[-1]["count"], 8, "all created today")
		created["to_date"] = created["from_date"] = str(frappe.utils.add_days(today, -1))
		rows, data, _chart = self.run_report(BOSS, **created)
		self.assertEqual(len(data), len(STAGES) + 1, "the template's stages, empty")
		self.assertEqual((data[-1]["count"], data[-1]["amount"]), (0, 0), "nothing created yesterday")

	def test_bad_filters_are_refused(self):
		for filters in (
			{"from_date": "2026-13-45"},
			{"portfolio": "_Test No Such Portfolio"},
			{"based_on": "Moon phase"},
			{"from_date": "2026-12-31", "to_date": "2026-01-01"},
			{"salesperson": {"$ne": ""}},
			"not json",
		):
			with self.subTest(filters=filters), self.assertRaises(frappe.ValidationError):
				execute(filters)
