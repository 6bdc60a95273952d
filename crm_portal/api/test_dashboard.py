"""The CRM Portal workspace after migrate, and the figures of its number cards and charts on known data,
as salespeople of two teams and as a Sales Manager."""

import json

import frappe
from frappe.desk.desktop import get_desktop_page
from frappe.desk.doctype.number_card.number_card import get_result
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_months, add_to_date, get_first_day, now_datetime, nowdate

from crm_portal.api import dashboard
from crm_portal.crm_portal.dashboard_chart_source.crm_pipeline_by_stage import crm_pipeline_by_stage
from crm_portal.crm_portal.dashboard_chart_source.crm_signed_per_month import crm_signed_per_month
from crm_portal.crm_portal.report.figures import format_amount_short
from crm_portal.crm_portal.report.testing import BOSS, LEAD, MEMBER, OUTSIDER, make_opportunity, make_team
from crm_portal.tests.utils import create_test_action
from crm_portal.utils import currency_symbol

CARDS = (
	"CRM Open Opportunities",
	"CRM Pipeline Amount",
	"CRM Weighted Pipeline",
	"CRM Late Actions",
	"CRM Signed This Month",
)
CHARTS = ("CRM Pipeline by Stage", "CRM Signed per Month")


def card_value(name: str) -> float:
	"""What the card's widget shows: its method for a custom card, else Frappe's get_result with the
	card's own filters."""
	card = frappe.get_doc("Number Card", name)
	if card.type == "Custom":
		result = frappe.get_attr(card.method)(filters="[]")
		if isinstance(result, str):
			# a money card shows text written as on the board; its figure is the method's `_value` twin
			number = frappe.get_attr(f"{card.method}_value")()
			assert result == format_amount_short(number, currency_symbol()), (name, result, number)
			return number
		return result["value"]
	return get_result(card.as_json(), card.filters_json)


def all_cards() -> tuple:
	return tuple(card_value(name) for name in CARDS)


class TestDashboard(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.team = team = make_team()
		with cls.set_user_cls(BOSS):
			cls.boss_before = all_cards()
		today = nowdate()
		make_opportunity(team, LEAD, "ident", 10000)  # weighted 1 000
		make_opportunity(team, MEMBER, "qualif", 20000)  # weighted 8 000
		make_opportunity(team, OUTSIDER, "prop", 30000)  # weighted 21 000
		make_opportunity(team, LEAD, "won", 5000, signed_on=today)
		make_opportunity(team, MEMBER, "won", 2000, signed_on=get_first_day(add_months(today, -2)))
		make_opportunity(team, OUTSIDER, "won", 7000, signed_on=today)
		make_opportunity(team, LEAD, "lost", 900, lost_on=today)
		now = now_datetime()
		for user, days, status in (
			(LEAD, -1, "Open"),  # late
			(LEAD, 1, "Open"),
			(LEAD, -2, "Done"),
			(MEMBER, -3, "Open"),  # late
			(OUTSIDER, -1, "Open"),  # late
		):
			create_test_action(assigned_to=user, start=add_to_date(now, days=days), status=status)

	@classmethod
	def set_user_cls(cls, user):
		class Switch:
			def __enter__(self):
				self.previous = frappe.session.user
				frappe.set_user(user)

			def __exit__(self, *exc):
				frappe.set_user(self.previous)

		return Switch()

	def test_workspace_cards_and_charts_are_installed(self):
		workspace = frappe.get_doc("Workspace", "CRM Portal")
		self.assertEqual((workspace.module, workspace.public), ("CRM Portal", 1))
		self.assertEqual([c.number_card_name for c in workspace.number_cards], list(CARDS))
		self.assertEqual([c.chart_name for c in workspace.charts], list(CHARTS))
		targets = {(s.type, s.link_to or s.url) for s in workspace.shortcuts}
		for target in (
			("Page", "crm-board"),
			("URL", "/app/crm-board?view=calendar"),
			("Page", "crm-actions"),
			("Page", "crm-accounts"),
			("DocType", "CRM Opportunity"),
			("DocType", "CRM Portal Settings"),
			("DocType", "CRM Stage Template"),
			("Report", "Pipeline by Stage"),
			("Report", "Wins"),
			("Report", "Sales Activity"),
		):
			self.assertIn(target, targets)
		blocks = json.loads(workspace.content)
		self.assertEqual(
			[b["data"]["number_card_name"] for b in blocks if b["type"] == "number_card"],
			[c.label for c in workspace.number_cards],
			"the desk matches a block to a card by the row's label",
		)
		for name in CARDS:
			self.assertEqual(frappe.db.get_value("Number Card", name, "module"), "CRM Portal")
		for name in CHARTS:
			chart = frappe.get_doc("Dashboard Chart", name)
			self.assertEqual((chart.chart_type, chart.source), ("Custom", name))
			self.assertTrue(frappe.db.exists("Dashboard Chart Source", name))
		for report in ("Pipeline by Stage", "Wins", "Sales Activity"):
			self.assertEqual(frappe.db.get_value("Report", report, "report_type"), "Script Report")

	def test_a_salesperson_sees_the_workspace_with_its_cards_and_charts(self):
		with self.set_user(LEAD):
			page = get_desktop_page(json.dumps({"name": "CRM Portal", "title": "CRM Portal"}))
		self.assertEqual({c.number_card_name for c in page["number_cards"]["items"]}, set(CARDS))
		self.assertEqual({c.chart_name for c in page["charts"]["items"]}, set(CHARTS))
		shortcuts = {s.link_to for s in page["shortcuts"]["items"]}
		self.assertTrue(
			{"crm-board", "CRM Opportunity", "Pipeline by Stage", "Wins", "Sales Activity"} <= shortcuts
		)

	def test_cards_as_salespeople_of_two_teams(self):
		with self.set_user(LEAD):
			self.assertEqual(all_cards(), (2, 30000, 9000, 2, 5000))
		with self.set_user(MEMBER):
			self.assertEqual(all_cards(), (1, 20000, 8000, 1, 0))
		with self.set_user(OUTSIDER):
			self.assertEqual(all_cards(), (1, 30000, 21000, 1, 7000))

	def test_cards_as_a_sales_manager(self):
		with self.set_user(BOSS):
			after = all_cards()
		added = tuple(round(a - b, 2) for a, b in zip(after, self.boss_before, strict=True))
		self.assertEqual(added, (3, 60000, 30000, 3, 12000))

	def test_pipeline_by_stage_chart(self):
		portfolio = json.dumps({"portfolio": self.team.portfolio})
		expected = {
			"labels": ["IDENTIFICATION", "QUALIFICATION / POSITIONNEMENT"],
			"datasets": [
				{"name": "Amount", "values": [10000, 20000]},
				{"name": "Weighted Amount", "values": [1000, 8000]},
			],
		}
		with self.set_user(LEAD):
			self.assertEqual(crm_pipeline_by_stage.get(chart_name=CHARTS[0], filters=portfolio), expected)
			self.assertEqual(crm_pipeline_by_stage.get(chart_name=CHARTS[0], filters="{}"), expected)
		with self.set_user(BOSS):
			chart = crm_pipeline_by_stage.get(chart_name=CHARTS[0], filters=portfolio)
		self.assertEqual(chart["labels"][-1], "PROPOSITION")
		self.assertEqual(chart["datasets"][0]["values"], [10000, 20000, 30000])
		with self.assertRaises(frappe.ValidationError):
			crm_pipeline_by_stage.get(filters=json.dumps({"portfolio": "_Test No Such Portfolio"}))

	def test_signed_per_month_chart(self):
		portfolio = json.dumps({"portfolio": self.team.portfolio})
		with self.set_user(LEAD):
			lead = crm_signed_per_month.get(chart_name=CHARTS[1], filters=portfolio)["datasets"][0]["values"]
		with self.set_user(MEMBER):
			member = crm_signed_per_month.get(chart_name=CHARTS[1], filters=portfolio)["datasets"][0][
				"values"
			]
		with self.set_user(BOSS):
			boss = crm_signed_per_month.get(chart_name=CHARTS[1], filters=portfolio)["datasets"][0]["values"]
		self.assertEqual(len(lead), dashboard.SIGNED_MONTHS)
		self.assertEqual(
			(lead[-1], lead[-3], sum(lead)), (5000, 2000, 7000), "the lead sees the member's win"
		)
		self.assertEqual((member[-1], member[-3], sum(member)), (0, 2000, 2000))
		self.assertEqual((boss[-1], boss[-3], sum(boss)), (12000, 2000, 14000))

	def test_a_portal_or_website_user_gets_no_figures(self):
		with self.set_user("Guest"), self.assertRaises(frappe.PermissionError):
			dashboard.late_actions()
		with self.set_user("Guest"), self.assertRaises(frappe.PermissionError):
			dashboard.pipeline_by_stage()
