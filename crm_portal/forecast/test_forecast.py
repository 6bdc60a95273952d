"""The stage-change log and the forecast on a real site (issue 18).

The log gets exactly one row per move, whatever the path (board API, form save, REST PUT, quotation ->
order, Rouvrir, reuse), in the move's transaction; it is rebuilt from Versions by the back-fill patch;
it obeys the opportunities' walls. The figures are checked on a generated history whose answer is known."""

import json
import random
import time
from datetime import timedelta
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days, now_datetime, today

from crm_portal.api import board, pipeline
from crm_portal.api import forecast as forecast_api
from crm_portal.forecast import queries, simulation
from crm_portal.patches import backfill_stage_changes
from crm_portal.pipeline.test_quotation import PROPOSAL as QUOTE_PROPOSAL
from crm_portal.pipeline.test_quotation import SALES_USER as QUOTE_SELLER
from crm_portal.pipeline.test_quotation import create_quote_fixtures
from crm_portal.tests.utils import (
	create_test_action,
	create_test_customer,
	create_test_lost_reason,
	create_test_opportunity,
	create_test_portfolio,
	create_test_template,
	create_test_user,
)

LOG = "CRM Stage Change"
SELLER, OTHER, MANAGER = (
	"forecast.seller@example.com",
	"forecast.other@example.com",
	"forecast.manager@example.com",
)
TEMPLATE = "_Test Forecast"
STAGES = (
	("QUALIF", 10, "Open", 20, ()),
	("PROPOSAL", 20, "Open", 60, ()),
	("WON", 90, "Won", 100, ()),
	("LOST", 99, "Lost", 0, ()),
)
QUALIF, PROPOSAL, WON, LOST = (f"{TEMPLATE}-{s[0]}" for s in STAGES)
FORECASTER = "forecast.deals@example.com"
GEN_TEMPLATE = "_Test Forecast Gen"
GEN_STAGES = (
	("QUALIFICATION", 10, "Open", 40, ()),
	("WON", 90, "Won", 100, ()),
	("LOST", 99, "Lost", 0, ()),
)
GEN_QUALIF, GEN_WON, GEN_LOST = (f"{GEN_TEMPLATE}-{s[0]}" for s in GEN_STAGES)


def rows_of(opportunity: str) -> list[dict]:
	return frappe.get_all(
		LOG,
		filters={"opportunity": opportunity},
		fields=[
			"from_stage",
			"to_stage",
			"from_status",
			"to_status",
			"salesperson",
			"owner",
			"user",
			"amount",
		],
		order_by="changed_on asc, creation asc",
	)


class TestStageChangeLog(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		create_test_user(SELLER)
		create_test_user(OTHER)
		create_test_user(MANAGER, roles=("Sales Manager",))
		cls.portfolio = create_test_portfolio(
			"_Test Forecast Portfolio", create_test_template(TEMPLATE, STAGES)
		)
		cls.customer = create_test_customer("_Test Forecast Customer")
		cls.lost_reason = create_test_lost_reason()

	def new_opportunity(self, user: str = SELLER, **fields):
		with self.set_user(user):
			return create_test_opportunity(portfolio=self.portfolio, account=self.customer, **fields)

	def test_creation_is_a_change_from_nothing(self):
		opp = self.new_opportunity(title="_Test Log Creation", amount=1234)
		(row,) = rows_of(opp.name)
		self.assertEqual(
			(row.from_stage, row.to_stage, row.from_status, row.to_status), (None, QUALIF, None, "Open")
		)
		self.assertEqual((row.salesperson, row.owner, row.user, row.amount), (SELLER, SELLER, SELLER, 1234))
		self.assertTrue(opp.stage_since)

	def test_board_move_logs_once_and_other_saves_nothing(self):
		opp = self.new_opportunity(title="_Test Log Board")
		with self.set_user(SELLER):
			pipeline.move_to_stage(opp.name, PROPOSAL)
			doc = frappe.get_doc("CRM Opportunity", opp.name)
			doc.description = "Rien à voir avec le stade"
			doc.save()
		rows = rows_of(opp.name)
		self.assertEqual([(r.from_stage, r.to_stage) for r in rows], [(None, QUALIF), (QUALIF, PROPOSAL)])
		since = frappe.db.get_value("CRM Opportunity", opp.name, "stage_since")
		self.assertGreaterEqual(since, frappe.utils.get_datetime(opp.stage_since))

	def test_form_save_logs_the_move(self):
		opp = self.new_opportunity(title="_Test Log Form")
		with self.set_user(SELLER):
			doc = frappe.get_doc("CRM Opportunity", opp.name)
			doc.update({"stage": LOST, "lost_reason": self.lost_reason, "lost_on": today()})
			doc.save()
		self.assertEqual(rows_of(opp.name)[-1].to_status, "Lost")
		self.assertEqual(len(rows_of(opp.name)), 2)

	def test_rest_put_logs_the_move(self):
		from frappe.api.v1 import update_doc

		opp = self.new_opportunity(title="_Test Log REST")
		with self.set_user(SELLER):
			form_dict = frappe.local.form_dict
			try:
				frappe.local.form_dict = frappe._dict(data=json.dumps({"stage": PROPOSAL}))
				update_doc("CRM Opportunity", opp.name)
			finally:
				frappe.local.form_dict = form_dict
		self.assertEqual([r.to_stage for r in rows_of(opp.name)], [QUALIF, PROPOSAL])

	def test_failed_move_leaves_no_row(self):
		opp = self.new_opportunity(title="_Test Log Refused")
		with self.set_user(SELLER), self.assertRaises(frappe.ValidationError):
			doc = frappe.get_doc("CRM Opportunity", opp.name)
			doc.stage = WON  # without its signature date
			doc.save()
		self.assertEqual(len(rows_of(opp.name)), 1)

	def test_row_belongs_to_the_moves_transaction(self):
		opp = self.new_opportunity(title="_Test Log Transaction")
		frappe.db.savepoint("forecast_move")
		with self.set_user(SELLER):
			pipeline.mark_won(opp.name, signed_on=today())
		self.assertEqual(len(rows_of(opp.name)), 2)
		frappe.db.rollback(save_point="forecast_move")
		self.assertEqual(len(rows_of(opp.name)), 1)
		self.assertEqual(frappe.db.get_value("CRM Opportunity", opp.name, "status"), "Open")

	def test_won_reopened_and_reused_each_log_once(self):
		opp = self.new_opportunity(title="_Test Log Reopen")
		with self.set_user(SELLER):
			pipeline.mark_won(opp.name, signed_on=today())
		with self.set_user(MANAGER):
			pipeline.reopen(opp.name)
		rows = rows_of(opp.name)
		self.assertEqual(
			[(r.from_status, r.to_status) for r in rows], [(None, "Open"), ("Open", "Won"), ("Won", "Open")]
		)
		self.assertEqual(rows[-1].user, MANAGER)
		with self.set_user(SELLER):
			pipeline.mark_lost(opp.name, self.lost_reason)
			reused = pipeline.reuse(opp.name)["name"]
		self.assertEqual([(r.from_stage, r.to_stage) for r in rows_of(reused)], [(None, QUALIF)])
		self.assertEqual(len(rows_of(opp.name)), 4)

	def test_quotation_to_order_win_logs_once(self):
		from erpnext.selling.doctype.quotation.quotation import make_sales_order

		fixtures = create_quote_fixtures()
		with self.set_user(QUOTE_SELLER):
			opp = create_test_opportunity(
				portfolio=fixtures["portfolio"], account=fixtures["customer"], title="_Test Log Order"
			)
			quotation = pipeline.move_to_stage(opp.name, QUOTE_PROPOSAL)["quotation"]
			frappe.get_doc("Quotation", quotation).submit()
			order = make_sales_order(quotation)
			order.delivery_date = add_days(today(), 30)
			order.insert()
			order.submit()
		statuses = [r.to_status for r in rows_of(opp.name)]
		self.assertEqual(statuses, ["Open", "Open", "Won"])
		self.assertEqual(rows_of(opp.name)[-1].from_stage, QUOTE_PROPOSAL)

	def test_rows_follow_the_deal_to_its_new_salesperson(self):
		opp = self.new_opportunity(title="_Test Log Reassigned")
		with self.set_user(MANAGER):
			doc = frappe.get_doc("CRM Opportunity", opp.name)
			doc.salesperson = OTHER
			doc.save()
		self.assertEqual({r.salesperson for r in rows_of(opp.name)}, {OTHER})

	def test_walls_of_the_log(self):
		from frappe.desk.reportview import get as reportview_get

		opp = self.new_opportunity(title="_Test Log Walls")
		(name,) = frappe.get_all(LOG, filters={"opportunity": opp.name}, pluck="name")

		def visible_through_reportview() -> set:
			form_dict = frappe.local.form_dict
			try:
				frappe.local.form_dict = frappe._dict(
					doctype=LOG,
					fields=json.dumps(["name"]),
					filters=json.dumps([[LOG, "opportunity", "=", opp.name]]),
				)
				result = reportview_get()
			finally:
				frappe.local.form_dict = form_dict
			return {row[0] for row in (result or {}).get("values") or []}

		with self.set_user(OTHER):
			self.assertFalse(frappe.get_list(LOG, filters={"opportunity": opp.name}))
			self.assertFalse(visible_through_reportview())
			self.assertFalse(frappe.has_permission(LOG, "read", doc=name))
			with self.assertRaises(frappe.PermissionError):
				frappe.client.get(LOG, name)
		with self.set_user(SELLER):
			self.assertEqual(visible_through_reportview(), {name})
			self.assertEqual(frappe.client.get(LOG, name)["opportunity"], opp.name)
			self.assertFalse(frappe.has_permission(LOG, "write", doc=name))
		with self.set_user(MANAGER):
			self.assertEqual(visible_through_reportview(), {name})

	def test_backfill_rebuilds_the_log_from_versions(self):
		opp = self.new_opportunity(title="_Test Log Backfill", amount=700)
		with self.set_user(SELLER):  # Frappe keeps no Version in tests unless told
			doc = frappe.get_doc("CRM Opportunity", opp.name)
			doc.stage = PROPOSAL
			doc.save(ignore_version=False)
			doc.update({"stage": WON, "signed_on": today(), "amount": 800})
			doc.save(ignore_version=False)
		live = [(r.from_stage, r.to_stage, r.from_status, r.to_status, r.user) for r in rows_of(opp.name)]
		frappe.db.delete(LOG, {"opportunity": opp.name})
		frappe.db.set_value("CRM Opportunity", opp.name, "stage_since", None, update_modified=False)
		backfill_stage_changes.execute()
		rebuilt = [(r.from_stage, r.to_stage, r.from_status, r.to_status, r.user) for r in rows_of(opp.name)]
		self.assertEqual(rebuilt, live)
		self.assertEqual([r.amount for r in rows_of(opp.name)], [700, 700, 800])
		self.assertTrue(frappe.db.get_value("CRM Opportunity", opp.name, "stage_since"))
		backfill_stage_changes.execute()  # idempotent
		self.assertEqual(len(rows_of(opp.name)), 3)

	def test_backfill_reads_and_writes_a_page_at_once(self):
		"""Installed sites hold 100 000+ opportunities: a page costs the same few statements whatever
		its size (no statement per opportunity)."""
		from crm_portal.benchmarks.personas import recording_queries

		made = [self.new_opportunity(title=f"_Test Log Page {i}", amount=100 * i) for i in range(4)]
		with self.set_user(SELLER):
			for opp in made[:2]:
				doc = frappe.get_doc("CRM Opportunity", opp.name)
				doc.stage = PROPOSAL
				doc.save(ignore_version=False)
		frappe.db.delete(LOG, {"opportunity": ("in", [o.name for o in made])})
		page = frappe.get_all(
			"CRM Opportunity",
			filters={"name": ("in", [o.name for o in made])},
			fields=backfill_stage_changes.OPPORTUNITY_FIELDS,
		)
		stage_types = dict(frappe.get_all("CRM Stage", fields=["name", "stage_type"], as_list=True))
		with recording_queries() as statements:
			written = backfill_stage_changes.backfill(page, stage_types)
		self.assertEqual(written, 6)  # 4 creations, 2 moves
		tables = ("`tabCRM Stage Change`", "`tabVersion`", "`tabCRM Opportunity`")
		data = [q for q, _values in statements if any(t in q for t in tables)]
		self.assertLessEqual(len(data), 4, data)  # logged ones, Versions, one INSERT, one UPDATE
		self.assertEqual([r.to_stage for r in rows_of(made[0].name)], [QUALIF, PROPOSAL])
		self.assertEqual([r.to_stage for r in rows_of(made[3].name)], [QUALIF])

	def test_done_action_sets_last_action_on(self):
		opp = self.new_opportunity(title="_Test Log Action")
		with self.set_user(SELLER):
			action = create_test_action(opportunity=opp.name, subject="Relance")
			self.assertIsNone(frappe.db.get_value("CRM Opportunity", opp.name, "last_action_on"))
			action.status = "Done"
			action.save()
		self.assertTrue(frappe.db.get_value("CRM Opportunity", opp.name, "last_action_on"))


class TestForecastFigures(FrappeTestCase):
	"""1 000 generated deals of a portfolio: 30 % of those in QUALIFICATION are won; 1 to 20 days each."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		create_test_user(MANAGER, roles=("Sales Manager",))
		create_test_user(SELLER)
		cls.portfolio = create_test_portfolio(
			"_Test Forecast Gen Portfolio", create_test_template(GEN_TEMPLATE, GEN_STAGES)
		)
		cls.customer = create_test_customer("_Test Forecast Customer")
		frappe.db.delete(LOG, {"portfolio": cls.portfolio})
		rng = random.Random(18)
		start = now_datetime() - timedelta(days=300)
		values = []
		for i in range(1000):
			deal = f"_GEN-{i:04d}"
			created = start + timedelta(days=rng.randint(0, 200))
			closed = created + timedelta(days=rng.randint(1, 20))
			won = rng.random() < 0.30
			for j, (at, stage, status) in enumerate(
				(
					(created, GEN_QUALIF, "Open"),
					(closed, GEN_WON if won else GEN_LOST, "Won" if won else "Lost"),
				)
			):
				values.append(
					(
						f"gen-{i}-{j}",
						deal,
						cls.portfolio,
						GEN_TEMPLATE,
						SELLER,
						stage,
						status,
						1000.0,
						at,
						SELLER,
						at,
						at,
					)
				)
		frappe.db.bulk_insert(
			LOG,
			[
				"name",
				"opportunity",
				"portfolio",
				"stage_template",
				"salesperson",
				"to_stage",
				"to_status",
				"amount",
				"changed_on",
				"owner",
				"creation",
				"modified",
			],
			values,
		)
		queries.clear_template_figures()

	@classmethod
	def tearDownClass(cls):
		queries.clear_template_figures()  # the cache outlives the class's rollback
		super().tearDownClass()

	def setUp(self):
		queries.clear_template_figures()

	def stage(self, result: dict, stage: str) -> dict:
		return next(s for s in result["stages"] if s["stage"] == stage)

	def test_thirty_percent_qualification_to_won(self):
		with self.set_user(MANAGER):
			result = forecast_api.get_stage_stats(portfolio=self.portfolio, scope="all")
		qualification = self.stage(result, GEN_QUALIF)
		self.assertEqual(qualification["learned_sample"], 1000)
		self.assertAlmostEqual(qualification["learned_rate"], 0.30, delta=0.03)
		self.assertEqual(qualification["probability"], 40)
		self.assertTrue(1 <= qualification["median_days"] <= qualification["p80_days"] <= 20)
		self.assertAlmostEqual(result["win_rate"]["value"], qualification["learned_rate"], places=3)
		self.assertEqual(result["deals"], 1000)

	def test_an_old_copy_of_the_learned_figures_is_served_while_a_job_computes_the_next(self):
		"""No reader waits for the pass over the whole log once it has been made (queries.template_figures)."""
		fresh = queries.template_figures(GEN_TEMPLATE)
		key = f"{queries.CACHE_KEY}:{GEN_TEMPLATE}"
		old = {"p80": {}, "rates": {GEN_QUALIF: 0.5}, "cycle_days": None, "slip_days": None}
		frappe.cache().set_value(
			key, {"at": time.time() - queries.CACHE_SECONDS - 1, "value": old}, expires_in_sec=60
		)
		with patch("frappe.enqueue") as enqueue:
			self.assertEqual(queries.template_figures(GEN_TEMPLATE), old)
		enqueue.assert_called_once()
		self.assertEqual(enqueue.call_args.args[0], "crm_portal.forecast.queries.refresh_template_figures")
		self.assertTrue(enqueue.call_args.kwargs["deduplicate"])
		# what the job does: the next reader gets the recomputed figures, and no job while they are fresh
		queries.refresh_template_figures(GEN_TEMPLATE)
		with patch("frappe.enqueue") as enqueue:
			self.assertEqual(queries.template_figures(GEN_TEMPLATE), fresh)
		enqueue.assert_not_called()

	def test_min_sample_hides_figures(self):
		with change_settings("CRM Portal Settings", {"forecast_min_sample": 1001}), self.set_user(MANAGER):
			result = forecast_api.get_stage_stats(portfolio=self.portfolio, scope="all")
		qualification = self.stage(result, GEN_QUALIF)
		self.assertIsNone(qualification["learned_rate"])
		self.assertIsNone(qualification["p80_days"])
		self.assertEqual(qualification["learned_sample"], 1000)
		self.assertIsNone(result["win_rate"]["value"])
		self.assertEqual(result["min_sample"], 1001)

	def test_scope_me_of_someone_else_sees_nothing(self):
		with self.set_user(MANAGER):
			result = forecast_api.get_stage_stats(portfolio=self.portfolio, scope="me")
		self.assertEqual(result["deals"], 0)
		self.assertIsNone(self.stage(result, GEN_QUALIF)["learned_rate"])

	def test_stuck_deal_is_flagged_on_the_list_and_the_card(self):
		with self.set_user(SELLER):
			opp = create_test_opportunity(
				portfolio=self.portfolio,
				account=self.customer,
				title="_Test Stuck",
				expected_signature_date=add_days(today(), 60),
			)
		p80 = queries.template_figures(GEN_TEMPLATE)["p80"][GEN_QUALIF]
		with self.set_user(SELLER):
			healthy = forecast_api.get_deals_at_risk(portfolio=self.portfolio, scope="me")
		self.assertNotIn(opp.name, [d["name"] for d in healthy])
		frappe.db.set_value(
			"CRM Opportunity",
			opp.name,
			"stage_since",
			now_datetime() - timedelta(days=2 * p80),
			update_modified=False,
		)
		with self.set_user(SELLER):
			(flagged,) = [
				d for d in forecast_api.get_deals_at_risk(portfolio=self.portfolio) if d["name"] == opp.name
			]
			cards = board.get_board(portfolio=self.portfolio, scope="me")["columns"][0]["cards"]
		self.assertEqual([r["code"] for r in flagged["reasons"]], ["stuck"])
		self.assertEqual(next(c for c in cards if c["name"] == opp.name)["risk"], ["stuck"])

	def test_learned_weighting_on_the_board(self):
		with self.set_user(SELLER):
			create_test_opportunity(
				portfolio=self.portfolio, account=self.customer, title="_Test Weighted", amount=1000
			)
			typed = board.get_board(portfolio=self.portfolio, scope="me", weighted=1, search="_Test Weighted")
		rate = queries.template_figures(GEN_TEMPLATE)["rates"][GEN_QUALIF]
		self.assertFalse(typed["learned_weights"])
		self.assertAlmostEqual(typed["columns"][0]["amount"], 400)
		frappe.db.set_value("CRM Portfolio", self.portfolio, "use_learned_probabilities", 1)
		with self.set_user(SELLER):
			learned = board.get_board(
				portfolio=self.portfolio, scope="me", weighted=1, search="_Test Weighted"
			)
			plain = board.get_board(portfolio=self.portfolio, scope="me", weighted=0, search="_Test Weighted")
		self.assertTrue(learned["learned_weights"])
		self.assertAlmostEqual(learned["columns"][0]["amount"], 1000 * rate, places=2)
		self.assertAlmostEqual(plain["columns"][0]["amount"], 1000)

	def test_forecast_places_the_expected_amount_and_is_reproducible(self):
		create_test_user(FORECASTER)
		with self.set_user(FORECASTER):
			create_test_opportunity(
				portfolio=self.portfolio,
				account=self.customer,
				title="_Test Forecast Deal",
				amount=1000,
				expected_signature_date=today(),
			)
			first = forecast_api.get_forecast(portfolio=self.portfolio, scope="me", months=3)
			again = forecast_api.get_forecast(portfolio=self.portfolio, scope="me", months=3)
			drill = forecast_api.get_forecast_deals(first["months"][0]["month"], portfolio=self.portfolio)
		rate = queries.template_figures(GEN_TEMPLATE)["rates"][GEN_QUALIF]
		this_month = first["months"][0]
		self.assertEqual(this_month["month"], today()[:7])
		self.assertAlmostEqual(this_month["expected"], 1000 * rate, places=2)
		self.assertTrue(this_month["p10"] <= this_month["expected"] <= this_month["p90"])
		self.assertEqual([m["expected"] for m in first["months"][1:]], [0, 0])
		self.assertEqual(first, again)
		self.assertEqual([d["title"] for d in drill], ["_Test Forecast Deal"])

	def test_grouped_inputs_match_deal_by_deal(self):
		"""The forecast reads the largest deals one by one and sums the others in SQL: same expectation."""
		with self.set_user(FORECASTER):
			for i, (days, amount) in enumerate(((0, 500), (40, 2500), (None, 1200), (75, 800), (0, 300))):
				create_test_opportunity(
					portfolio=self.portfolio,
					account=self.customer,
					title=f"_Test Grouped {i}",
					amount=amount,
					expected_signature_date=add_days(today(), days) if days is not None else None,
				)
			board_ = forecast_api.forecast_board(self.portfolio, None)
			deals = forecast_api.placed_deals(board_, [FORECASTER])
			one_by_one = simulation.expected_by_month(
				[simulation.OpenDeal(d.name, d.amount, d.rate, d.month) for d in deals], 4
			)
			top, groups, counts = forecast_api.forecast_inputs(board_, [FORECASTER], 4, exact=2)
		self.assertEqual(len(top), 2)
		self.assertTrue(groups)
		self.assertEqual(sum(counts.values()), len([d for d in deals if d.month < 4]))
		grouped = simulation.expected_by_month(top, 4, groups)
		for a, b in zip(one_by_one, grouped, strict=True):
			self.assertAlmostEqual(a, b, places=6)

	def test_deals_at_risk_match_the_rule_deal_by_deal(self):
		"""The database picks the deals of each reason (queries.risk_candidates); the answer is the one
		of the rule (forecast/risk.py) applied to every open deal, in the same order."""
		with self.set_user(SELLER):
			made = {
				key: create_test_opportunity(
					portfolio=self.portfolio, account=self.customer, title=f"_Test Risk {key}", amount=amount
				).name
				for key, amount in (
					("overdue", 300),
					("quiet", 200),
					("stuck", 100),
					("fine", 50),
					("all", 10),
				)
			}
		p80 = queries.template_figures(GEN_TEMPLATE)["p80"][GEN_QUALIF]
		long_ago = now_datetime() - timedelta(days=max(2 * p80, 90))
		for key, values in (
			(
				"overdue",
				{"expected_signature_date": add_days(today(), -3), "next_action_date": now_datetime()},
			),
			("quiet", {"creation": long_ago, "stage_since": now_datetime()}),
			("stuck", {"stage_since": long_ago, "next_action_date": now_datetime()}),
			("fine", {"expected_signature_date": add_days(today(), 30), "next_action_date": now_datetime()}),
			(
				"all",
				{
					"expected_signature_date": add_days(today(), -1),
					"creation": long_ago,
					"stage_since": long_ago,
				},
			),
		):
			frappe.db.set_value("CRM Opportunity", made[key], values, update_modified=False)
		with self.set_user(MANAGER):
			listed = forecast_api.get_deals_at_risk(portfolio=self.portfolio, scope="all", limit=500)
			context = queries.risk_context()
			expected = []
			for deal in frappe.get_list(
				"CRM Opportunity",
				filters={"portfolio": self.portfolio, "status": "Open"},
				fields=forecast_api.RISK_FIELDS,
			):
				if codes := queries.deal_risks(deal, context):
					expected.append((-len(codes), -deal.amount, deal.name, codes))
		expected.sort()
		self.assertEqual(
			[(d["name"], [r["code"] for r in d["reasons"]]) for d in listed],
			[(name, codes) for _count, _amount, name, codes in expected],
		)
		codes_of = {d["name"]: [r["code"] for r in d["reasons"]] for d in listed}
		self.assertEqual(codes_of[made["all"]], ["overdue", "no_action", "stuck"])
		self.assertEqual(codes_of[made["overdue"]], ["overdue"])
		self.assertEqual(codes_of[made["quiet"]], ["no_action"])
		self.assertEqual(codes_of[made["stuck"]], ["stuck"])
		self.assertNotIn(made["fine"], codes_of)
		self.assertEqual(listed[0]["name"], made["all"])


class TestForecastStatements(FrappeTestCase):
	"""The guard of the forecast's speed (issue 18: ≤ 100 ms at 100 000 opportunities): its statements
	do not grow with the number of deals, and each heavy one can use the index made for it
	(queries.INDEXES) — a change of a statement or of the indexes that loses it fails here."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		create_test_user(FORECASTER)
		create_test_user(MANAGER, roles=("Sales Manager",))
		cls.portfolio = create_test_portfolio(
			"_Test Forecast Index Portfolio", create_test_template(GEN_TEMPLATE, GEN_STAGES)
		)
		cls.customer = create_test_customer("_Test Forecast Customer")

	def add_deals(self, count: int) -> None:
		with self.set_user(FORECASTER):
			for i in range(count):
				create_test_opportunity(
					portfolio=self.portfolio,
					account=self.customer,
					title=f"_Test Indexed {i}",
					amount=100 * (i + 1),
					expected_signature_date=add_days(today(), 20 * i - 30) if i % 3 else None,
				)

	def statements(self) -> list[str]:
		"""The SELECTs on CRM Opportunity of the panel (its grouped sums forced: 2 deals read one by one),
		the report's at-risk list and the signed amounts, as a Sales Manager with scope "all"."""
		from crm_portal.benchmarks.personas import recording_queries

		with self.set_user(MANAGER), recording_queries() as recorded:
			board_ = forecast_api.forecast_board(self.portfolio, None)
			forecast_api.forecast_inputs(board_, None, 6, exact=2)
			forecast_api.get_forecast(portfolio=self.portfolio, scope="all")
			forecast_api.get_deals_at_risk(portfolio=self.portfolio, scope="all", limit=500)
		return [
			query
			for query, _values in recorded
			if "from `tabCRM Opportunity`" in query and query.lstrip().lower().startswith("select")
		]

	def test_statements_do_not_grow_with_the_deals(self):
		self.add_deals(6)
		self.statements()  # the cached figures of the template, read once
		few = self.statements()
		self.add_deals(12)
		self.assertEqual(len(self.statements()), len(few))

	def test_heavy_statements_can_use_their_index(self):
		self.add_deals(6)
		self.statements()  # the cached figures of the template, read once
		seen = {}
		for query in self.statements():
			if "`name` in (" in query:  # the chosen deals, read by primary key
				continue
			if "group by stage_template" in query or "order by amount desc" in query:
				index = "forecast_index"  # the largest deals in order; the others summed per month
			elif "`status` = 'Won'" in query:
				index = "forecast_signed_index"  # what is signed in the coming months
			else:
				index = "risk_index"  # the deals of one at-risk reason
			plan = frappe.db.sql(f"explain {query}", as_dict=True)
			keys = (plan[0].get("possible_keys") or "").split(",")
			self.assertIn(index, keys, f"{index} unusable for: {' '.join(query.split())[:400]}")
			seen[index] = seen.get(index, 0) + 1
		# the largest deals (twice), 2 grouped sums, the signed amounts, at least 2 at-risk reasons
		# (overdue, no action; "stuck" per stage with an 80th percentile)
		self.assertEqual(seen["forecast_index"], 4)
		self.assertEqual(seen["forecast_signed_index"], 1)
		self.assertGreaterEqual(seen["risk_index"], 2)
