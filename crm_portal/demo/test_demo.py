"""The demo data loads on the test site, twice without duplicates, with the seeds' opportunities and
18 months of history (crm_portal/demo/history.py) behind them."""

from collections import Counter
from itertools import pairwise

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_months, getdate, now_datetime

from crm_portal import demo
from crm_portal.demo import history


class TestDemo(FrappeTestCase):
	def test_demo_loads_idempotently(self):
		demo.load()
		demo.load()
		rows = frappe.get_all(
			"CRM Opportunity",
			filters={"portfolio": demo.PORTFOLIO, "title": ["like", "Projet %"]},
			fields=["title", "status", "stage", "salesperson"],
			order_by="title asc",
		)
		self.assertEqual([r.title for r in rows], ["Projet 1", "Projet 2", "Projet 3", "Projet 4"])
		by_title = {r.title: r for r in rows}
		self.assertEqual(by_title["Projet 2"].stage, f"{demo.TEMPLATE}-QUALIFICATION / POSITIONNEMENT")
		self.assertEqual(by_title["Projet 4"].status, "Won")
		self.assertEqual({r.salesperson for r in rows}, {demo.SALESPERSON})
		stage = frappe.get_doc("CRM Stage", f"{demo.TEMPLATE}-QUALIFICATION / POSITIONNEMENT")
		self.assertEqual(
			[r.fieldname for r in stage.required_fields], ["crm_bu", "crm_filiere", "crm_source_type"]
		)
		self.assertTrue(frappe.get_meta("CRM Opportunity").has_field("crm_engagement_manager"))
		self.assertEqual(
			frappe.db.get_single_value("CRM Portal Settings", "default_portfolio"), demo.PORTFOLIO
		)
		self.assertIn("Sales User", frappe.get_roles("alfred.dupont@conseil-dupont.fr"))

	def test_history_is_plausible_and_loaded_once(self):
		demo.load()
		before = frappe.db.count("CRM Opportunity", {"description": history.MARKER})
		changes_before = frappe.db.count("CRM Stage Change")
		demo.load()
		self.assertEqual(frappe.db.count("CRM Opportunity", {"description": history.MARKER}), before)
		self.assertEqual(frappe.db.count("CRM Stage Change"), changes_before, "re-running adds no move")
		self.assertGreaterEqual(before, 200, "about 14 deals a month over 18 months")

		deals = frappe.get_all(
			"CRM Opportunity",
			filters={"portfolio": demo.PORTFOLIO, "description": history.MARKER},
			fields=[
				"name",
				"status",
				"stage",
				"creation",
				"signed_on",
				"lost_on",
				"stage_since",
				"salesperson",
			],
		)
		status = Counter(d.status for d in deals)
		decided = status["Won"] + status["Lost"]
		self.assertTrue(0.22 <= status["Won"] / decided <= 0.40, f"about 30 % wins: {status}")
		self.assertGreaterEqual(status["Open"], 8, f"recent deals are still open: {status}")
		now = now_datetime()
		oldest = min(d.creation for d in deals)
		self.assertLess(oldest, add_months(now, -16), "the history covers about 18 months")
		self.assertGreaterEqual(getdate(oldest), getdate(add_months(now, -18)))
		self.assertEqual({d.salesperson for d in deals}, {demo.SALESPERSON})

		# every deal's log: a creation row, then moves in time order ending where the deal is
		changes = frappe.get_all(
			"CRM Stage Change",
			filters={"opportunity": ["in", [d.name for d in deals]]},
			fields=["opportunity", "from_stage", "to_stage", "to_status", "changed_on"],
			order_by="changed_on asc",
		)
		by_deal = {}
		for row in changes:
			by_deal.setdefault(row.opportunity, []).append(row)
		self.assertEqual(set(by_deal), {d.name for d in deals})
		for deal in deals:
			moves = by_deal[deal.name]
			self.assertIsNone(moves[0].from_stage, deal.name)
			self.assertEqual(moves[0].to_stage, f"{demo.TEMPLATE}-IDENTIFICATION")
			self.assertEqual(moves[0].changed_on, deal.creation)
			self.assertEqual((moves[-1].to_stage, moves[-1].to_status), (deal.stage, deal.status))
			self.assertEqual(deal.stage_since, moves[-1].changed_on)
			for previous, move in pairwise(moves):
				self.assertEqual(move.from_stage, previous.to_stage)
				self.assertLessEqual(previous.changed_on, move.changed_on)
			if deal.status == "Won":
				self.assertEqual(deal.signed_on, getdate(moves[-1].changed_on))
				self.assertEqual(len(moves), 4, "won deals went through every open stage")
			elif deal.status == "Lost":
				self.assertEqual(deal.lost_on, getdate(moves[-1].changed_on))
		self.assertTrue(
			any(d.status == "Won" and getdate(d.signed_on) < getdate(add_months(now, -12)) for d in deals),
			"signatures more than a year old",
		)
