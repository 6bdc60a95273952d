"""The CRM reports as the desk runs them (frappe.desk.query_report.run: the report's roles, the
permission filtering of Link columns), with their default filters, for a Sales User and a Sales
Manager; and their totals against the board and the actions feed for the same scope."""

import re
from pathlib import Path

import frappe
from frappe.desk.query_report import run
from frappe.tests.utils import FrappeTestCase
from frappe.utils import (
	add_days,
	add_months,
	add_to_date,
	flt,
	get_first_day,
	get_last_day,
	getdate,
	now_datetime,
	nowdate,
)

from crm_portal.api.actions import get_actions
from crm_portal.api.board import get_board, get_signed_proposals
from crm_portal.crm_portal.report.testing import BOSS, LEAD, MEMBER, OUTSIDER, make_opportunity, make_team
from crm_portal.tests.utils import create_test_action

REPORTS = {
	"Wins": "wins",
	"Pipeline by Stage": "pipeline_by_stage",
	"Sales Activity": "sales_activity",
	"Signature Forecast": "signature_forecast",
	"Deals at Risk": "deals_at_risk",
}
# the default values the reports' .js files use, as the desk computes them
JS_DEFAULTS = {
	"frappe.datetime.year_start()": lambda: f"{getdate(nowdate()).year}-01-01",
	"frappe.datetime.year_end()": lambda: f"{getdate(nowdate()).year}-12-31",
	"frappe.datetime.month_start()": lambda: str(get_first_day(nowdate())),
	"frappe.datetime.month_end()": lambda: str(get_last_day(nowdate())),
}


def default_filters(report: str) -> dict:
	"""The filters the desk sends when the report opens: each filter's `default` in the report's .js."""
	folder = REPORTS[report]
	source = Path(
		frappe.get_app_path("crm_portal", "crm_portal", "report", folder, f"{folder}.js")
	).read_text()
	filters = {}
	for block in re.findall(r"\{[^{}]*?fieldname:[^{}]*?(?:\{[^{}]*\}[^{}]*?)*\}", source):
		name = re.search(r'fieldname:\s*"(\w+)"', block)
		default = re.search(r"default:\s*([^,\n]+)", block)
		if not (name and default):
			continue
		expression = default.group(1).strip()
		if expression in JS_DEFAULTS:
			filters[name.group(1)] = JS_DEFAULTS[expression]()
		elif re.fullmatch(r'"[^"]*"', expression):
			filters[name.group(1)] = expression.strip('"')
		else:
			raise AssertionError(f"{report}: unknown default {expression} of {name.group(1)}")
	return filters


class TestReportViews(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.team = team = make_team()
		a, b = team.customer_a, team.customer_b
		today = nowdate()
		cls.open = [
			make_opportunity(team, LEAD, "ident", 10000, a, days=4, expected_signature_date=today),
			make_opportunity(team, MEMBER, "qualif", 7000, b, days=3),  # no expected date
			make_opportunity(
				team, LEAD, "prop", 26000, a, days=8, expected_signature_date=add_months(today, 14)
			),  # next year at the latest
			make_opportunity(team, OUTSIDER, "ident", 3000, b, days=1, expected_signature_date=today),
		]
		make_opportunity(team, LEAD, "won", 4500, a, days=2, signed_on=today)
		make_opportunity(team, MEMBER, "won", 1500, b, signed_on=today)
		make_opportunity(team, LEAD, "lost", 900, b, lost_on=today)
		now = now_datetime()
		for user, days, status in (
			(LEAD, -2, "Open"),
			(LEAD, -1, "Done"),
			(LEAD, 1, "Open"),
			(MEMBER, -1, "Open"),
			(MEMBER, 0, "Done"),
		):
			create_test_action(
				subject=f"_Test Rep view {user} {days}",
				assigned_to=user,
				start=add_to_date(now, days=days),
				status=status,
			)

	def run_as(self, as_user: str, report: str, **filters) -> dict:
		with self.set_user(as_user):
			return run(report, filters={**default_filters(report), **filters})

	def test_default_views_run_for_a_sales_user_and_a_sales_manager(self):
		for user in (LEAD, MEMBER, BOSS):
			for report in ("Wins", "Pipeline by Stage", "Sales Activity"):
				with self.subTest(user=user, report=report):
					result = self.run_as(user, report)
					self.assertTrue(result["columns"])
					self.assertTrue(result["result"], "the default view shows this year's data")
			with self.subTest(user=user, report="Wins by sale type"):
				self.assertTrue(self.run_as(user, "Wins", group_by="Sale type")["result"])

	def test_no_column_links_to_a_doctype_a_salesperson_cannot_read(self):
		for report in ("Wins", "Pipeline by Stage", "Sales Activity"):
			columns = self.run_as(LEAD, report)["columns"]
			for column in columns:
				if column.get("fieldtype") == "Link":
					with self.subTest(report=report, column=column["fieldname"]), self.set_user(LEAD):
						self.assertTrue(
							frappe.has_permission(column["options"], "select")
							or frappe.has_permission(column["options"], "read"),
							f"{column['options']} is not readable by a Sales User",
						)

	def test_pipeline_total_of_open_stages_equals_the_board(self):
		"""Undated and next-year opportunities are on the board: the default view counts them too."""
		for user in (LEAD, BOSS):
			with self.subTest(user=user):
				result = self.run_as(user, "Pipeline by Stage", portfolio=self.team.portfolio)
				rows = [
					r
					for r in result["result"]
					if not r.get("is_total_row") and r["stage_type"] == frappe._("Open")
				]
				with self.set_user(user):
					board = get_board(portfolio=self.team.portfolio, scope="all")
				self.assertEqual(sum(r["count"] for r in rows), board["summary"]["count"])
				self.assertEqual(flt(sum(r["amount"] for r in rows), 2), flt(board["summary"]["amount"], 2))
				self.assertEqual(flt(sum(r["days"] for r in rows), 2), flt(board["summary"]["days"], 2))
				by_stage = {r["stage"]: r for r in rows}
				for column in board["columns"]:
					self.assertEqual(by_stage[column["stage"]]["count"], column["count"], column["stage"])
					self.assertEqual(by_stage[column["stage"]]["amount"], column["amount"], column["stage"])
		with self.set_user(BOSS):
			board = get_board(portfolio=self.team.portfolio, scope="all")
		self.assertEqual(
			board["summary"]["amount"], 46000, "the four open ones, undated and next year included"
		)

	def test_pipeline_total_row_has_no_probability(self):
		total = self.run_as(BOSS, "Pipeline by Stage", portfolio=self.team.portfolio)["result"][-1]
		self.assertTrue(total.get("is_total_row"))
		self.assertIsNone(total.get("probability"))

	def test_wins_total_equals_the_boards_signed_proposals_of_the_year(self):
		for user in (LEAD, MEMBER):
			with self.subTest(user=user):
				result = self.run_as(user, "Wins", salesperson=user, portfolio=self.team.portfolio)
				total = result["result"][-1]
				self.assertTrue(total.get("is_total_row"))
				with self.set_user(user):
					signed = get_signed_proposals()["year"]
				self.assertEqual(total["count"], signed["count"])
				self.assertEqual(flt(total["amount"], 2), flt(signed["amount"], 2))
		rows = self.run_as(BOSS, "Wins", portfolio=self.team.portfolio)["result"]
		self.assertEqual(rows[-1]["amount"], 6000)
		self.assertEqual({r.get("account_type") for r in rows[:-1]}, {"Customer"})

	def test_activity_late_count_equals_the_actions_feed(self):
		for user in (LEAD, MEMBER):
			with self.subTest(user=user):
				result = self.run_as(
					user,
					"Sales Activity",
					user=user,
					from_date=add_days(nowdate(), -40),
					to_date=add_days(nowdate(), 40),
				)
				total = result["result"][-1]
				with self.set_user(user):
					counts = get_actions(scope="me")["counts"]
				self.assertEqual(total["late"], counts["late"])

	def test_activity_chart_draws_late_in_red(self):
		chart = self.run_as(BOSS, "Sales Activity")["chart"]
		names = [d["name"] for d in chart["data"]["datasets"]]
		late = names.index(frappe._("Late"))
		self.assertEqual(chart["colors"][late], "red")
		self.assertNotIn(chart["colors"][late], ("green", "#28a745"))


class TestForecastReportViews(FrappeTestCase):
	"""Prévisions de signature and Affaires à risque, default views and drill-down, per role."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.team = team = make_team()
		a, b = team.customer_a, team.customer_b
		today = nowdate()
		cls.now_open = make_opportunity(team, LEAD, "ident", 10000, a, expected_signature_date=today)
		cls.late = make_opportunity(
			team, MEMBER, "qualif", 7000, b, expected_signature_date=add_days(today, -20)
		)  # overdue: at risk, and counted in this month
		cls.later = make_opportunity(
			team, LEAD, "prop", 26000, a, expected_signature_date=add_months(today, 14)
		)  # beyond six months
		cls.outsider = make_opportunity(team, OUTSIDER, "ident", 3000, b, expected_signature_date=today)
		cls.won = [
			make_opportunity(team, LEAD, "won", 4500, a, signed_on=today),
			make_opportunity(team, MEMBER, "won", 1500, b, signed_on=today),
		]

	def run_as(self, as_user: str, report: str, **filters) -> dict:
		with self.set_user(as_user):
			return run(report, filters={**default_filters(report), **filters})

	def test_default_views_run_for_each_role(self):
		for user in (LEAD, MEMBER, OUTSIDER, BOSS):
			with self.subTest(user=user):
				result = self.run_as(user, "Signature Forecast")
				self.assertTrue(result["columns"])
				months = [r for r in result["result"] if not r.get("is_total_row")]
				self.assertEqual(len(months), 6, "six months from this one")
				self.assertEqual(months[0]["month"], nowdate()[:7])
				self.assertTrue(result["result"][-1].get("is_total_row"))
				self.assertTrue(result["chart"]["data"]["datasets"])
				at_risk = self.run_as(user, "Deals at Risk")
				self.assertTrue(at_risk["columns"])

	def test_forecast_figures_follow_the_scope_and_the_walls(self):
		month = nowdate()[:7]
		for user, signed, open_deals in (
			(BOSS, 6000, {self.now_open.name, self.late.name, self.outsider.name}),
			(LEAD, 6000, {self.now_open.name, self.late.name}),
			(MEMBER, 1500, {self.late.name}),
		):
			with self.subTest(user=user):
				rows = self.run_as(user, "Signature Forecast", portfolio=self.team.portfolio)["result"]
				first = rows[0]
				self.assertEqual(first["month"], month)
				self.assertEqual(first["signed"], signed, "what is signed this month")
				self.assertEqual(first["deals"], len(open_deals))
				self.assertLessEqual(first["p10"], first["expected"])
				self.assertLessEqual(first["expected"], first["p90"])
				self.assertLessEqual(first["expected"], sum(o.amount for o in self.open_of(open_deals)))
				self.assertGreater(first["expected"], 0)
				self.assertEqual(
					sum(r["deals"] for r in rows[:-1]), len(open_deals), "the 14-month one is out"
				)
				# drill-down: the month's link opens its deals
				deals = self.run_as(user, "Signature Forecast", portfolio=self.team.portfolio, month=month)[
					"result"
				]
				opened = {d["opportunity"] for d in deals if d["status"] == frappe._("Open")}
				self.assertEqual(opened, open_deals)
				signed_rows = [d for d in deals if d["status"] == frappe._("Won")]
				self.assertEqual(sum(d["amount"] for d in signed_rows), signed)
				self.assertAlmostEqual(
					sum(d["expected"] for d in deals if d["status"] == frappe._("Open")),
					first["expected"],
					places=1,
				)
				for deal in deals:
					self.assertLessEqual(deal["expected"], deal["amount"])

	def open_of(self, names):
		return [o for o in (self.now_open, self.late, self.later, self.outsider) if o.name in names]

	def test_deals_at_risk_lists_the_overdue_deal_with_its_reason(self):
		for user in (BOSS, LEAD, MEMBER):
			with self.subTest(user=user):
				result = self.run_as(user, "Deals at Risk", portfolio=self.team.portfolio)
				rows = {r["opportunity"]: r for r in result["result"]}
				self.assertIn(self.late.name, rows)
				self.assertIn(frappe._("Expected signature date passed"), rows[self.late.name]["reasons"])
				self.assertNotIn(self.later.name, rows, "not late, just created")
		rows = self.run_as(OUTSIDER, "Deals at Risk", portfolio=self.team.portfolio)["result"]
		self.assertNotIn(self.late.name, {r["opportunity"] for r in rows}, "another team's deal")

	def test_bad_filters_are_refused(self):
		for filters in ({"months": 0}, {"months": 99}, {"month": "2026-13"}, {"scope": "everyone"}):
			with self.subTest(filters=filters), self.assertRaises(frappe.ValidationError):
				self.run_as(BOSS, "Signature Forecast", portfolio=self.team.portfolio, **filters)
