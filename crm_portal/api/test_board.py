"""Board, archives and signature calendar APIs on a real site."""

from datetime import timedelta

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_to_date, getdate, now_datetime, nowdate

from crm_portal.api import board, pipeline
from crm_portal.pipeline.periods import add_months, last_day, period_bounds
from crm_portal.tests.utils import (
	create_test_customer,
	create_test_lost_reason,
	create_test_opportunity,
	create_test_portfolio,
	create_test_template,
	create_test_user,
)

SALES_USER = "board.user@example.com"
OTHER_USER = "board.other@example.com"
IDENT, QUALIF = "_Test Board-IDENTIFICATION", "_Test Board-QUALIFICATION / POSITIONNEMENT"


class TestBoard(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		create_test_user(SALES_USER)
		create_test_user(OTHER_USER)
		cls.template = create_test_template("_Test Board")
		cls.p1 = create_test_portfolio("_Test Board P1", cls.template)
		cls.p2 = create_test_portfolio("_Test Board P2", cls.template)
		cls.customer = create_test_customer("_Test Board Customer")
		cls.reason = create_test_lost_reason()

	def setUp(self):
		# FrappeTestCase rolls back per class; each test here counts records, so isolate each test.
		frappe.db.savepoint("board_test")

	def tearDown(self):
		frappe.db.rollback(save_point="board_test")

	def make(self, **fields):
		fields.setdefault("portfolio", self.p1)
		fields.setdefault("account", self.customer)
		fields.setdefault("salesperson", SALES_USER)
		return create_test_opportunity(**fields)

	def test_columns_figures_real_and_weighted(self):
		self.make(title="A", amount=10000, days=10)  # IDENT, 10 %
		self.make(title="B", amount=5000, days=4)
		self.make(title="C", amount=20000, days=30, stage=QUALIF)  # 40 %
		self.make(title="Lost one", amount=99999).db_set("status", "Lost")  # closed: not on the board
		with self.set_user(SALES_USER):
			real = board.get_board(portfolio=self.p1)
			weighted = board.get_board(portfolio=self.p1, weighted=True)
		columns = {c["stage"]: c for c in real["columns"]}
		self.assertEqual(list(columns), [IDENT, QUALIF, "_Test Board-PROPOSITION"], "open stages in order")
		self.assertEqual(
			(columns[IDENT]["count"], columns[IDENT]["amount"], columns[IDENT]["days"]), (2, 15000, 14)
		)
		self.assertEqual({c["title"] for c in columns[IDENT]["cards"]}, {"A", "B"})
		self.assertEqual(real["summary"], {"count": 3, "amount": 35000, "days": 44})
		self.assertEqual(weighted["summary"], {"count": 3, "amount": 1500 + 8000, "days": 1.4 + 12})
		wcol = {c["stage"]: c for c in weighted["columns"]}
		self.assertEqual(wcol[QUALIF]["amount"], 8000)
		self.assertTrue(real["can_create"])
		self.assertEqual([s.stage_type for s in real["closed_stages"]], ["Won", "Lost"])

	def test_scope_me_and_all(self):
		self.make(title="Mine")
		self.make(title="Theirs", salesperson=OTHER_USER)
		with self.set_user(SALES_USER):
			mine = board.get_board(portfolio=self.p1, scope="me")
		everyone = board.get_board(portfolio=self.p1, scope="all")
		other = board.get_board(portfolio=self.p1, scope=OTHER_USER)
		titles = lambda b: {c["title"] for col in b["columns"] for c in col["cards"]}  # noqa: E731
		self.assertEqual(titles(mine), {"Mine"})
		self.assertEqual(titles(everyone), {"Mine", "Theirs"})
		self.assertEqual(titles(other), {"Theirs"})

	def test_grouping_shows_every_portfolio_of_the_template_without_creation(self):
		self.make(title="In P1", amount=100)
		self.make(title="In P2", amount=200, portfolio=self.p2)
		grouped = board.get_board(template=self.template, scope="all")
		self.assertTrue(grouped["grouping"])
		self.assertFalse(grouped["can_create"])
		self.assertEqual(grouped["summary"]["amount"], 300)
		single = board.get_board(portfolio=self.p2, scope="all")
		self.assertEqual(single["summary"]["amount"], 200)

	def test_grouping_pages_are_merged_in_order(self):
		for amount, portfolio in ((5, self.p1), (40, self.p2), (30, self.p1), (20, self.p2), (10, self.p1)):
			self.make(title=f"G{amount}", amount=amount, portfolio=portfolio)
		grouped = board.get_board(template=self.template, scope="all", sort="amount", page_length=3)
		column = grouped["columns"][0]
		self.assertEqual([c["title"] for c in column["cards"]], ["G40", "G30", "G20"])
		self.assertEqual(column["count"], 5)
		self.assertTrue(column["has_more"])
		by_title = board.get_board(template=self.template, scope="all", sort="title", page_length=2)
		self.assertEqual([c["title"] for c in by_title["columns"][0]["cards"]], ["G10", "G20"])

	def test_search_and_filters(self):
		self.make(title="Refonte SI", amount=50000, expected_signature_date="2026-03-31", contact_email=None)
		self.make(title="Audit paie", amount=3000, expected_signature_date="2026-06-30")
		quoted = self.make(title="Audit compta", amount=8000)
		quoted.db_set("quotation", "SAL-QTN-FAKE")
		late = self.make(title="En retard", amount=1)
		late.db_set("next_action_date", add_to_date(now_datetime(), days=-2))
		titles = lambda **kw: {  # noqa: E731
			c["title"]
			for col in board.get_board(portfolio=self.p1, scope="all", **kw)["columns"]
			for c in col["cards"]
		}
		self.assertEqual(titles(search="audit"), {"Audit paie", "Audit compta"})
		self.assertEqual(
			titles(search="_Test Board Cust"), {"Refonte SI", "Audit paie", "Audit compta", "En retard"}
		)
		self.assertEqual(titles(filters={"amount_min": 5000}), {"Refonte SI", "Audit compta"})
		self.assertEqual(
			titles(filters={"amount_min": 2000, "amount_max": 9000}), {"Audit paie", "Audit compta"}
		)
		self.assertEqual(titles(filters={"has_quotation": 1}), {"Audit compta"})
		self.assertEqual(
			titles(filters={"signature_from": "2026-01-01", "signature_to": "2026-04-30"}), {"Refonte SI"}
		)
		self.assertEqual(titles(filters={"next_action": "late"}), {"En retard"})
		self.assertNotIn("En retard", titles(filters={"next_action": "none"}))
		cards = {
			c["title"]: c
			for col in board.get_board(portfolio=self.p1, scope="all")["columns"]
			for c in col["cards"]
		}
		self.assertEqual(cards["En retard"]["next_action_state"], "late")
		self.assertEqual(cards["Audit paie"]["next_action_state"], "none")
		self.assertEqual(cards["Audit compta"]["quotation"], "SAL-QTN-FAKE")

	def test_search_is_data_not_sql(self):
		self.make(title="Normal")
		result = board.get_board(portfolio=self.p1, scope="all", search="' OR 1=1 --")
		self.assertEqual(result["summary"]["count"], 0)

	def test_paging_and_load_more(self):
		for i in range(5):
			self.make(title=f"Page {i}", amount=i)
		first = board.get_board(portfolio=self.p1, scope="all", page_length=2, sort="amount")
		column = first["columns"][0]
		self.assertEqual([c["title"] for c in column["cards"]], ["Page 4", "Page 3"])
		self.assertTrue(column["has_more"])
		more = board.get_column_cards(
			IDENT, portfolio=self.p1, scope="all", sort="amount", start=2, page_length=2
		)
		self.assertEqual([c["title"] for c in more], ["Page 2", "Page 1"])

	def test_bad_arguments_are_refused(self):
		with self.assertRaises(frappe.ValidationError):
			board.get_board()
		with self.assertRaises(frappe.ValidationError):
			board.get_board(portfolio=self.p1, sort="amount; drop table x")
		with self.assertRaises(frappe.ValidationError):
			board.get_board(portfolio=self.p1, scope="nobody@nowhere.example")
		with self.assertRaises(frappe.ValidationError):
			board.get_board(portfolio=self.p1, filters={"next_action": "someday"})

	def test_extra_card_fields_from_settings(self):
		self.make(title="With contact")
		with change_settings("CRM Portal Settings", {"card_fields": "contact_email\ndescription"}):
			data = board.get_board(portfolio=self.p1, scope="all")
		card = data["columns"][0]["cards"][0]
		self.assertIn("description", card)
		self.assertIn("contact_email", card)
		# the page shows them with their label and type, from the server's list
		self.assertEqual(
			[(f["fieldname"], f["fieldtype"]) for f in data["settings"]["extra_card_fields"]],
			[("contact_email", "Data"), ("description", "Text Editor")],
		)
		settings = frappe.get_single("CRM Portal Settings")
		settings.card_fields = "not_a_field"
		with self.assertRaisesRegex(frappe.ValidationError, "not_a_field"):
			settings.save()

	def test_signed_proposals_by_period_at_boundaries(self):
		today = getdate(nowdate())
		month_start, month_end = period_bounds(today, "month")
		quarter_start, _ = period_bounds(today, "quarter")
		year_start, _ = period_bounds(today, "year")
		for title, signed, amount in (
			("month start", month_start, 1000),
			("month end", month_end, 2000),
			("quarter start", quarter_start, 4000),
			("year start", year_start, 8000),
			("last year", year_start - timedelta(days=1), 16000),
		):
			opp = self.make(title=title, amount=amount, days=1)
			pipeline.mark_won(opp.name, signed_on=str(signed))
		with self.set_user(SALES_USER):
			signed = board.get_signed_proposals()
		expected_month = (
			3000 + (4000 if quarter_start == month_start else 0) + (8000 if year_start == month_start else 0)
		)
		self.assertEqual(signed["month"]["amount"], expected_month)
		semester_start, _ = period_bounds(today, "semester")
		expected_quarter = 3000 + 4000 + (8000 if year_start == quarter_start else 0)
		self.assertEqual(signed["quarter"]["amount"], expected_quarter)
		self.assertEqual(signed["year"]["amount"], 15000)
		self.assertEqual(signed["year"]["count"], 4)
		self.assertGreaterEqual(signed["semester"]["amount"], expected_quarter)
		self.assertEqual(signed["semester"]["from"], str(semester_start))
		self.assertEqual(board.get_signed_proposals(OTHER_USER)["year"]["count"], 0)

	def test_archives_list_closed_opportunities(self):
		won = self.make(title="Gagnée 1")
		pipeline.mark_won(won.name, signed_on=nowdate())
		lost = self.make(title="Perdue 1")
		pipeline.mark_lost(lost.name, lost_reason=self.reason)
		self.assertEqual(
			[a["title"] for a in board.get_archives("Won", portfolio=self.p1, scope="all")], ["Gagnée 1"]
		)
		self.assertEqual(
			[a["title"] for a in board.get_archives("Lost", portfolio=self.p1, scope="all")], ["Perdue 1"]
		)
		with self.assertRaises(frappe.ValidationError):
			board.get_archives("Open", portfolio=self.p1)

	def test_calendar_months_and_move(self):
		today = getdate(nowdate())
		y, m = today.year, today.month
		ny, nm = add_months(y, m, 1)
		self.make(title="Sans date", amount=100)
		self.make(title="Ce mois", amount=1000, days=2, expected_signature_date=str(last_day(y, m)))
		nxt = self.make(title="Mois prochain", amount=3000, expected_signature_date=f"{ny:04d}-{nm:02d}-05")
		self.make(title="Hors fenêtre", amount=5, expected_signature_date=f"{y + 2}-01-15")
		cal = board.get_calendar(y, m, months=3, portfolio=self.p1, scope="all")
		self.assertIsNone(cal["columns"][0]["key"])
		self.assertEqual([c["title"] for c in cal["columns"][0]["cards"]], ["Sans date"])
		keys = [c["key"] for c in cal["columns"][1:]]
		self.assertEqual(keys[0], f"{y:04d}-{m:02d}")
		self.assertEqual(len(keys), 3)
		this_month = cal["columns"][1]
		self.assertEqual((this_month["count"], this_month["amount"]), (1, 1000))
		self.assertEqual([c["title"] for c in cal["columns"][2]["cards"]], ["Mois prochain"])
		weighted = board.get_calendar(y, m, months=3, portfolio=self.p1, scope="all", weighted=True)
		self.assertEqual(weighted["columns"][1]["amount"], 100)
		self.assertEqual(cal["next"], dict(zip(("year", "month"), add_months(y, m, 3), strict=True)))

		with self.set_user(SALES_USER):
			moved = board.move_to_month(
				nxt.name, y, m, modified=str(frappe.db.get_value("CRM Opportunity", nxt.name, "modified"))
			)
		self.assertEqual(str(moved["expected_signature_date"]), str(last_day(y, m)))
		board.move_to_month(nxt.name)
		self.assertIsNone(frappe.db.get_value("CRM Opportunity", nxt.name, "expected_signature_date"))
		with self.assertRaises(frappe.ValidationError):
			board.move_to_month(nxt.name, y, 13)
		with self.assertRaises(frappe.ValidationError):
			board.get_calendar(y, 0, portfolio=self.p1)

	def test_calendar_all_portfolios_and_board_settings(self):
		today = getdate(nowdate())
		y, m = today.year, today.month
		self.make(title="Cal P1", expected_signature_date=str(last_day(y, m)))
		self.make(title="Cal P2", portfolio=self.p2, expected_signature_date=str(last_day(y, m)))
		cal = board.get_calendar(y, m, months=1, scope="all", all_portfolios=1)
		titles = {c["title"] for c in cal["columns"][1]["cards"]}
		self.assertTrue({"Cal P1", "Cal P2"} <= titles)
		self.assertFalse(cal["can_create"], "no creation from all portfolios")
		with self.assertRaises(frappe.ValidationError):
			board.get_calendar(y, m, months=1, scope="all")
		keys = {
			"allow_quick_account_creation",
			"allow_default_stage_override",
			"default_currency",
			"extra_card_fields",
			"legal_forms",
			"registration_pending",
		}
		self.assertEqual(set(board.get_board(portfolio=self.p1, scope="all")["settings"]), keys)
		self.assertEqual(set(board.get_calendar(y, m, months=1, portfolio=self.p1)["settings"]), keys)

	def test_saving_or_deleting_an_opportunity_is_published_to_boards(self):
		from frappe.realtime import get_doctype_room

		frappe.local._realtime_log = []
		opp = self.make(title="Live")
		with self.set_user(SALES_USER):
			pipeline.move_to_stage(opp.name, QUALIF)
		published = [
			(event, message, room)
			for event, message, room in frappe.local._realtime_log
			if event == board.BOARD_EVENT and message["name"] == opp.name
		]
		self.assertTrue(published, "a board update is queued for after the commit")
		event, message, room = published[-1]
		self.assertEqual(room, get_doctype_room("CRM Opportunity"))
		self.assertEqual((message["stage"], message["status"], message["deleted"]), (QUALIF, "Open", 0))
		self.assertEqual(message["user"], SALES_USER)
		frappe.delete_doc("CRM Opportunity", opp.name)
		self.assertIn(
			(board.BOARD_EVENT, opp.name, 1),
			[
				(e, msg["name"], msg["deleted"])
				for e, msg, _r in frappe.local._realtime_log
				if e == board.BOARD_EVENT
			],
		)
		del frappe.local._realtime_log
