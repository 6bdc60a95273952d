"""Activity on known data: actions done / planned / late by user and type, period, grouping, and what
a Sales User may see."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_to_date, now_datetime, nowdate

from crm_portal.crm_portal.report.sales_activity.sales_activity import execute
from crm_portal.crm_portal.report.testing import BOSS, LEAD, MEMBER, OUTSIDER, make_team
from crm_portal.tests.utils import create_test_action

COUNTS = ("done", "planned", "late", "total")


class TestActivity(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.team = make_team()
		now = now_datetime()
		for user, action_type, days, status in (
			(LEAD, "Relance", -3, "Done"),
			(LEAD, "Relance", -2, "Done"),
			(LEAD, "Relance", -1, "Open"),  # late
			(LEAD, "Relance", 2, "Open"),  # planned
			(LEAD, "Relance", -1, "Cancelled"),  # not counted
			(LEAD, "A contacter", -4, "Open"),  # late
			(LEAD, "Relance", -30, "Done"),  # before the period
			(MEMBER, "Relance", -1, "Done"),
			(MEMBER, "Relance", 3, "Open"),
			(OUTSIDER, "Relance", -2, "Open"),
			(OUTSIDER, "Relance", -1, "Done"),
		):
			create_test_action(
				subject=f"_Test Rep {user} {action_type} {days}",
				action_type=action_type,
				assigned_to=user,
				start=add_to_date(now, days=days),
				status=status,
			)
		cls.period = {"from_date": add_days(nowdate(), -10), "to_date": add_days(nowdate(), 10)}

	def run_report(self, as_user, **filters):
		with self.set_user(as_user):
			_columns, data, _message, chart = execute({**self.period, **filters})
		mine = {LEAD, MEMBER, OUTSIDER}
		rows = {
			(row.get("user"), row.get("action_type")): tuple(row[c] for c in COUNTS)
			for row in data
			if not row.get("is_total_row") and (row.get("user") in mine or "user" not in row)
		}
		return rows, data[-1] if data else None, chart

	def test_by_user_and_type(self):
		rows, _total, chart = self.run_report(BOSS)
		self.assertEqual(
			rows,
			{
				(LEAD, "A contacter"): (0, 0, 1, 1),
				(LEAD, "Relance"): (2, 1, 1, 4),
				(MEMBER, "Relance"): (1, 1, 0, 2),
				(OUTSIDER, "Relance"): (1, 0, 1, 2),
			},
		)
		self.assertEqual([d["name"] for d in chart["data"]["datasets"]], ["Done", "Planned", "Late"])

	def test_a_sales_user_counts_only_their_team(self):
		rows, total, _chart = self.run_report(LEAD)
		self.assertEqual(set(rows), {(LEAD, "A contacter"), (LEAD, "Relance"), (MEMBER, "Relance")})
		self.assertEqual(tuple(total[c] for c in COUNTS), (3, 2, 2, 7))
		rows, total, _chart = self.run_report(MEMBER)
		self.assertEqual(rows, {(MEMBER, "Relance"): (1, 1, 0, 2)})
		rows, total, _chart = self.run_report(OUTSIDER, user=LEAD)
		self.assertIsNone(total, "a filter on another team's user shows nothing")

	def test_group_by_user_or_type_and_filters(self):
		rows, total, _chart = self.run_report(LEAD, group_by="User")
		self.assertEqual(rows, {(LEAD, None): (2, 1, 2, 5), (MEMBER, None): (1, 1, 0, 2)})
		rows, total, _chart = self.run_report(LEAD, group_by="Type")
		self.assertEqual(rows, {(None, "A contacter"): (0, 0, 1, 1), (None, "Relance"): (3, 2, 1, 6)})
		rows, total, _chart = self.run_report(BOSS, sales_person=self.team.lead_sp, action_type="Relance")
		self.assertEqual(tuple(total[c] for c in COUNTS), (3, 2, 1, 6))
		rows, total, _chart = self.run_report(BOSS, user=OUTSIDER, group_by="User")
		self.assertEqual(rows, {(OUTSIDER, None): (1, 0, 1, 2)})
		rows, total, _chart = self.run_report(BOSS, user=LEAD, from_date=add_days(nowdate(), -40))
		self.assertEqual(rows[(LEAD, "Relance")], (3, 1, 1, 5), "a longer period takes the older action")

	def test_bad_filters_are_refused(self):
		for filters in ({"group_by": "Moon"}, {"user": "nobody@nowhere.invalid"}, {"to_date": "tomorrow"}):
			with self.subTest(filters=filters), self.assertRaises(frappe.ValidationError):
				execute(filters)
