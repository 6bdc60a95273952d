"""The board's statements shaped for the salesperson's rule (crm_portal/pipeline/board_queries.py).

- Equivalence: for every persona (Administrator, a Sales User with a team of one, a team lead with
  people below in the Sales Person tree, a Sales User without a Sales Person, a Sales Manager, a CRM 360
  Viewer, a portal user), the board, a column's next page, the calendar and the archives return exactly
  what `frappe.get_list` with the permission rule returns: same rows, same order, same figures.
- Indexes: run on a few thousand rows as a Sales User and as a team lead, every statement the board
  sends is executed with MariaDB's ANALYZE: `tabCRM Opportunity` is never read by a full scan or
  without a key, and the rows it reads stay within what the user may see (the rule's OR made
  every column page and figure read the whole portfolio)."""

import json
from contextlib import contextmanager

import frappe
from frappe.permissions import add_user_permission
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_to_date, getdate, now_datetime, today

from crm_portal.api import board
from crm_portal.pipeline import board_figures, board_queries
from crm_portal.tests.utils import (
	create_test_company,
	create_test_customer,
	create_test_opportunity,
	create_test_portfolio,
	create_test_sales_person,
	create_test_template,
	create_test_user,
	get_test_company,
)

TEMPLATE = "_Test BQ"
STAGES = (
	("O1", 10, "Open", 10, ()),
	("O2", 20, "Open", 40, ()),
	("O3", 30, "Open", 70, ()),
	("WON", 90, "Won", 100, ()),
	("LOST", 99, "Lost", 0, ()),
)
OPEN_STAGES = [f"{TEMPLATE}-O{i}" for i in range(1, 4)]
SELLER = "bq.seller@example.com"  # Sales Person, nobody below: a team of one
LEAD = "bq.lead@example.com"  # two people below
MEMBERS = ("bq.member1@example.com", "bq.member2@example.com")
LONER = "bq.loner@example.com"  # Sales User without a Sales Person
MANAGER = "bq.manager@example.com"
VIEWER = "bq.viewer@example.com"
PORTAL = "bq.portal@example.com"
# User Permission on Company: the summary rows carry the company, so they answer (a Sales Manager)…
COMPANY_MANAGER = "bq.company.manager@example.com"
# …but not with a share too (Frappe then adds the shared deals), nor a User Permission on a DocType the
# rows do not carry (Currency): the board reads the opportunities.
COMPANY_SELLER = "bq.company.seller@example.com"
CURRENCY_SELLER = "bq.currency.seller@example.com"
FIGURES = ("count", "amount", "days")


@contextmanager
def statements_sent():
	"""The SQL statements the block sends (frappe.db.sql is the single path to the database)."""
	sent = []
	original = frappe.db.sql

	def sql(query, *args, **kwargs):
		if kwargs.get("run", True):
			sent.append(str(query))
		return original(query, *args, **kwargs)

	frappe.db.sql = sql
	try:
		yield sent
	finally:
		frappe.db.sql = original


def setup_people() -> None:
	for user in (SELLER, LEAD, *MEMBERS, LONER):
		create_test_user(user)
	create_test_user(MANAGER, roles=("Sales Manager", "Sales User"))
	create_test_user(VIEWER, roles=("Sales User", "CRM 360 Viewer"))
	create_test_user(PORTAL, roles=("CRM Portal User",), user_type="Website User")
	create_test_user(COMPANY_MANAGER, roles=("Sales Manager", "Sales User"))
	create_test_user(COMPANY_SELLER)
	create_test_user(CURRENCY_SELLER)
	for user, doctype, value in (
		(COMPANY_MANAGER, "Company", get_test_company()),
		(COMPANY_SELLER, "Company", get_test_company()),
		(CURRENCY_SELLER, "Currency", "EUR"),
	):
		if not frappe.db.exists("User Permission", {"user": user, "allow": doctype}):
			add_user_permission(doctype, value, user, ignore_permissions=True)
	create_test_sales_person(SELLER, is_group=0)
	lead = create_test_sales_person(LEAD)
	for member in MEMBERS:
		create_test_sales_person(member, parent=lead, is_group=0)


class TestBoardEquivalence(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		setup_people()
		create_test_template(TEMPLATE, STAGES)
		cls.portfolios = [
			create_test_portfolio(f"_Test BQ Portfolio {i}", TEMPLATE, company=get_test_company())
			for i in range(2)
		]
		customer = create_test_customer("_Test BQ Customer")
		people = [SELLER, LEAD, *MEMBERS, LONER, MANAGER, "Administrator"]
		owners = ["Administrator", SELLER, LEAD, LONER, MEMBERS[0], PORTAL]
		stages = [*OPEN_STAGES, f"{TEMPLATE}-WON", f"{TEMPLATE}-LOST"]
		status = {f"{TEMPLATE}-WON": "Won", f"{TEMPLATE}-LOST": "Lost"}
		base = now_datetime()
		cls.month = getdate(add_days(today(), 40))
		other_company = create_test_company()
		for i in range(84):
			opp = create_test_opportunity(
				title=f"_Test BQ {i % 9}", portfolio=cls.portfolios[i % 2], account=customer
			)
			stage = stages[(i // 2) % len(stages)]
			frappe.db.set_value(
				"CRM Opportunity",
				opp.name,
				{
					"salesperson": people[i % len(people)],
					"owner": owners[(i // 3) % len(owners)],
					"stage": stage,
					"status": status.get(stage, "Open"),
					"amount": 1000 + 37 * i,
					"days": i % 11,
					"weighted_amount": (1000 + 37 * i) / 2,
					"weighted_days": (i % 11) / 2,
					# ties: equal modified dates, equal titles, no date -> the name breaks them
					"modified": add_to_date(base, minutes=-(i % 13)),
					"expected_signature_date": None if i % 5 == 0 else add_days(cls.month, (i % 4) * 31),
					"signed_on": add_days(today(), -(i % 6)) if stage.endswith("WON") else None,
					"lost_on": add_days(today(), -(i % 6)) if stage.endswith("LOST") else None,
				},
				update_modified=False,
			)
			if i == 7:  # a colleague's deal shared with the seller
				frappe.db.set_value(
					"CRM Opportunity", opp.name, {"salesperson": LONER, "owner": LONER}, update_modified=False
				)
				frappe.share.add_docshare(
					"CRM Opportunity", opp.name, SELLER, read=1, flags={"ignore_share_permission": 1}
				)
				frappe.share.add_docshare(
					"CRM Opportunity", opp.name, COMPANY_SELLER, read=1, flags={"ignore_share_permission": 1}
				)
			if i % 6 == 5:  # another company's deals: hidden by the User Permissions on Company
				frappe.db.set_value(
					"CRM Opportunity", opp.name, "company", other_company, update_modified=False
				)
		# raw writes (as the benchmark's bulk data): the summary rows recounted
		board_figures.rebuild()

	def expected_page(self, portfolios, stage, scope_users, order_by, start, page_length, extra=()):
		filters = [["portfolio", "in", portfolios], ["status", "=", "Open"], ["stage", "=", stage], *extra]
		if scope_users is not None:
			filters.append(["salesperson", "in", scope_users])
		return frappe.get_list(
			"CRM Opportunity",
			filters=filters,
			pluck="name",
			order_by=order_by,
			start=start,
			page_length=page_length,
		)

	def expected_figures(self, filters) -> dict:
		rows = frappe.get_list(
			"CRM Opportunity",
			filters=filters,
			fields=["stage", "count(name) as count", "sum(amount) as amount", "sum(days) as days"],
			group_by="stage",
			order_by=None,
		)
		return {r.stage: {k: round(float(r[k] or 0), 3) for k in FIGURES} for r in rows}

	def check_persona(self, user: str) -> int:
		"""Compare every board read with get_list as `user`; returns how many cards were compared."""
		compared = 0
		with self.set_user(user):
			for scope in ("all", "me"):
				scope_users = None if scope == "all" else [user]
				for where in ({"portfolio": self.portfolios[0]}, {"template": TEMPLATE}):
					portfolios = [where["portfolio"]] if "portfolio" in where else self.portfolios
					for sort in ("modified", "title"):
						order_by = f"{board.SORTS[sort]}, name desc"
						data = board.get_board(scope=scope, sort=sort, page_length=3, **where)
						filters = [["portfolio", "in", portfolios], ["status", "=", "Open"]]
						if scope_users is not None:
							filters.append(["salesperson", "in", scope_users])
						figures = self.expected_figures(filters)
						for column in data["columns"]:
							label = f"{user} {scope} {where} {sort} {column['stage']}"
							self.assertEqual(
								[c["name"] for c in column["cards"]],
								self.expected_page(portfolios, column["stage"], scope_users, order_by, 0, 3),
								label,
							)
							want = figures.get(column["stage"], dict.fromkeys(FIGURES, 0))
							self.assertEqual({k: round(float(column[k]), 3) for k in FIGURES}, want, label)
							compared += len(column["cards"])
							more = board.get_column_cards(
								column["stage"], scope=scope, sort=sort, start=2, page_length=3, **where
							)
							self.assertEqual(
								[c["name"] for c in more],
								self.expected_page(portfolios, column["stage"], scope_users, order_by, 2, 3),
								label,
							)
							compared += len(more)
					searched = board.get_board(scope=scope, search="BQ 4", page_length=50, **where)
					found = sorted(c["name"] for col in searched["columns"] for c in col["cards"])
					self.assertEqual(
						found,
						sorted(
							frappe.get_list(
								"CRM Opportunity",
								filters=[
									["portfolio", "in", portfolios],
									["status", "=", "Open"],
									["title", "like", "%BQ 4%"],
									*([["salesperson", "in", scope_users]] if scope_users else []),
								],
								pluck="name",
							)
						),
					)
				calendar = board.get_calendar(
					self.month.year, self.month.month, 4, portfolio=self.portfolios[0], scope=scope
				)
				base = [["portfolio", "=", self.portfolios[0]], ["status", "=", "Open"]]
				if scope_users is not None:
					base.append(["salesperson", "in", scope_users])
				self.assertEqual(
					[c["name"] for c in calendar["columns"][0]["cards"]],
					frappe.get_list(
						"CRM Opportunity",
						filters=[*base, ["expected_signature_date", "is", "not set"]],
						pluck="name",
						order_by="modified desc, name desc",
						page_length=50,
					),
				)
				dated = frappe.get_list(
					"CRM Opportunity",
					filters=[*base, ["expected_signature_date", "is", "set"]],
					fields=["name", "expected_signature_date", "amount"],
					order_by="expected_signature_date asc, name asc",
				)
				for column in calendar["columns"][1:]:
					inside = [
						r for r in dated if r.expected_signature_date.strftime("%Y-%m") == column["key"]
					]
					self.assertEqual([c["name"] for c in column["cards"]], [r.name for r in inside])
					self.assertEqual(column["count"], len(inside))
					self.assertAlmostEqual(column["amount"], float(sum(r.amount for r in inside)), 3)
				for status, order in (("Won", "signed_on desc"), ("Lost", "lost_on desc")):
					archived = board.get_archives(
						status, portfolio=self.portfolios[0], scope=scope, page_length=4, start=1
					)
					self.assertEqual(
						[c["name"] for c in archived],
						frappe.get_list(
							"CRM Opportunity",
							filters=[*base[:1], ["status", "=", status], *base[2:]],
							pluck="name",
							order_by=f"{order}, modified desc, name desc",
							start=1,
							page_length=4,
						),
					)
		return compared

	def test_every_persona_reads_what_get_list_reads(self):
		for user in ("Administrator", SELLER, LEAD, LONER, MANAGER, VIEWER):
			with self.subTest(user=user):
				self.assertGreater(self.check_persona(user), 0)

	def test_user_permissions_and_shares(self):
		"""The board's figures equal get_list's with a User Permission on Company, with a share on top,
		and with a User Permission on a DocType the summary rows do not carry."""
		for user in (COMPANY_MANAGER, COMPANY_SELLER, CURRENCY_SELLER):
			with self.subTest(user=user):
				self.check_persona(user)

	def test_summary_rows_answer_when_exact(self):
		"""Which personas' figures come from the summary rows, and that they equal the live figures."""
		expected = {
			"Administrator": True,
			# ERPNext gave the sellers (Employees) a User Permission on their Company, and SELLER has a
			# share: Frappe's lists add the shared deal, the summary cannot
			SELLER: False,
			LEAD: True,
			LONER: True,
			MANAGER: True,
			VIEWER: True,
			COMPANY_MANAGER: True,
			COMPANY_SELLER: False,  # User Permissions + a share: Frappe adds the shared deal
			CURRENCY_SELLER: False,  # the rows carry no currency
		}
		for user, answers in expected.items():
			with self.subTest(user=user), self.set_user(user):
				self.assertEqual(board_queries.summary_answers(user), answers)
				for scope in (None, [user]):
					conditions = [["portfolio", "in", self.portfolios], ["status", "=", "Open"]]
					if scope:
						conditions.append(["salesperson", "in", scope])
					live = board_queries.figures(conditions, [], "stage", [[]])
					summary = board_queries.summary_figures(board_queries.summary_conditions(conditions, []))
					if answers:
						self.assertEqual(round_figures(summary), round_figures(live), f"{user} {scope}")
					shown = board_queries.open_figures_by_stage(conditions, [], [[]])
					self.assertEqual(round_figures(shown), round_figures(live), f"{user} {scope}")
		# a search or a "Filtrer" filter: the opportunities
		self.assertIsNone(
			board_queries.summary_conditions([["portfolio", "in", ["x"]]], [["title", "like", "%a%"]])
		)
		self.assertIsNone(board_queries.summary_conditions([["amount", ">=", 5]], []))

	def test_grouping_of_a_see_all_persona_reads_the_summary(self):
		"""ANALYZE: the grouping's figures read `tabCRM Board Figures`, never `tabCRM Opportunity` (its
		card pages still read the opportunities, each an index range with a limit)."""
		for user in ("Administrator", MANAGER, VIEWER, LEAD):
			with self.subTest(user=user), self.set_user(user):
				board.get_board(template=TEMPLATE, scope="all")
				with statements_sent() as sent:
					board.get_board(template=TEMPLATE, scope="all")
				figures = [s for s in sent if "sum(" in s.lower() and "stage" in s]
				self.assertEqual(len(figures), 1, sent)
				self.assertTrue(opportunity_reads(figures[0], "tabCRM Board Figures"), figures[0])
				self.assertEqual(opportunity_reads(figures[0]), [], figures[0])

	def test_shared_and_owned_deals_are_on_the_sellers_board(self):
		"""The seller's board holds the deals they own but someone else sells, and the one shared with them
		when their reads go through shares (the rule's other branches)."""
		with self.set_user(SELLER):
			readable = set(
				frappe.get_list(
					"CRM Opportunity",
					filters={"portfolio": ("in", self.portfolios), "status": "Open"},
					pluck="name",
				)
			)
			shown = {
				c["name"]
				for col in board.get_board(template=TEMPLATE, scope="all", page_length=100)["columns"]
				for c in col["cards"]
			}
		owned_not_sold = set(
			frappe.get_all(
				"CRM Opportunity",
				filters={
					"portfolio": ("in", self.portfolios),
					"status": "Open",
					"owner": SELLER,
					"salesperson": ("!=", SELLER),
					# the seller's Employee gave them a User Permission on the test company
					"company": get_test_company(),
				},
				pluck="name",
			)
		)
		self.assertTrue(owned_not_sold)
		self.assertLessEqual(owned_not_sold, shown)
		self.assertEqual(shown, readable)

	def test_portal_user(self):
		"""A portal user either may not read the board or reads exactly their own."""
		with self.set_user(PORTAL):
			try:
				data = board.get_board(portfolio=self.portfolios[0], scope="all", page_length=100)
			except frappe.PermissionError:
				return
			shown = sorted(c["name"] for col in data["columns"] for c in col["cards"])
			self.assertEqual(
				shown,
				sorted(
					frappe.get_list(
						"CRM Opportunity",
						filters={"portfolio": self.portfolios[0], "status": "Open"},
						pluck="name",
					)
				),
			)


def round_figures(rows: dict) -> dict:
	return {
		stage: {k: round(float(row[k] or 0), 3) for k in ("count", *board_queries.FIGURES[1:])}
		for stage, row in rows.items()
	}


def opportunity_reads(statement: str, table: str = "tabCRM Opportunity") -> list[dict]:
	"""The accesses to `table` of `statement` as MariaDB executed it (ANALYZE)."""
	plan = json.loads(frappe.db.sql(f"analyze format=json {statement}")[0][0])
	found = []

	def walk(node):
		if isinstance(node, dict):
			if node.get("table_name") == table:
				found.append(node)
			for value in node.values():
				walk(value)
		elif isinstance(node, list):
			for value in node:
				walk(value)

	walk(plan)
	return found


class TestBoardStatementsUseIndexes(FrappeTestCase):
	SIZE = 4000
	SELLERS = 10

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		setup_people()
		create_test_template(TEMPLATE, STAGES)
		cls.portfolio = create_test_portfolio("_Test BQ Indexed", TEMPLATE, company=get_test_company())
		cls.other = create_test_portfolio("_Test BQ Indexed Other", TEMPLATE, company=get_test_company())
		sellers = [SELLER, LEAD, *MEMBERS, *(f"bq.filler{i}@example.com" for i in range(cls.SELLERS - 4))]
		stages = [*OPEN_STAGES, f"{TEMPLATE}-WON", f"{TEMPLATE}-LOST"]
		status = {f"{TEMPLATE}-WON": "Won", f"{TEMPLATE}-LOST": "Lost"}
		now = frappe.utils.now()
		company = get_test_company()
		fields = [
			"name", "title", "naming_series", "account_type", "account", "account_name", "portfolio",
			"company", "stage_template", "stage", "status", "salesperson", "currency", "amount", "days",
			"probability", "weighted_amount", "weighted_days", "expected_signature_date", "estimate_mode",
			"creation", "modified", "owner", "modified_by", "docstatus",
		]  # fmt: skip
		rows = []
		for i in range(cls.SIZE):
			stage = stages[i % 5]
			seller = sellers[i % len(sellers)]
			# a few deals the seller created for a colleague: the rule's owner branch
			owner = SELLER if i % 97 == 0 else seller
			rows.append(
				(
					f"_BQIDX-{i:06d}", f"Client {i}", "OPP-.#######", "Customer", "_Test BQ Customer",
					f"Client {i}", cls.portfolio if i % 4 else cls.other, company, TEMPLATE, stage,
					status.get(stage, "Open"), seller, "EUR", 1000 + i, i % 30, 50, (1000 + i) / 2, 1,
					add_days(today(), i % 300) if i % 7 else None, "General", now,
					add_to_date(now_datetime(), seconds=-i), owner, "Administrator", 0,
				)
			)  # fmt: skip
		create_test_customer("_Test BQ Customer")
		frappe.db.bulk_insert("CRM Opportunity", fields, rows, chunk_size=2000)
		board_figures.rebuild()  # bulk inserts skip the document hooks

	def visible(self, user: str) -> int:
		with self.set_user(user):
			return len(
				frappe.get_list("CRM Opportunity", filters={"portfolio": self.portfolio}, pluck="name")
			)

	def board_reads(self, user: str) -> list[str]:
		today_ = getdate(today())

		def read():
			for scope in ("all", "me"):
				board.get_board(portfolio=self.portfolio, scope=scope)
				board.get_board(portfolio=self.portfolio, scope=scope, sort="amount")
				board.get_column_cards(OPEN_STAGES[1], portfolio=self.portfolio, scope=scope, start=20)
				board.get_calendar(today_.year, today_.month, 12, portfolio=self.portfolio, scope=scope)
				board.get_archives("Won", portfolio=self.portfolio, scope=scope)
				board.get_board(portfolio=self.portfolio, scope=scope, search="Client 12")

		with self.set_user(user):
			read()  # warm the caches a running site has (meta, settings, the template's learned figures)
			with statements_sent() as sent:
				read()
		# the statements that apply the user's rule (crm_portal/permissions.py query_conditions)
		rule = f"`tabCRM Opportunity`.`owner` = {frappe.db.escape(user)}"
		return [s for s in sent if rule in s]

	def check(self, user: str) -> None:
		bound = self.visible(user)
		self.assertLess(bound, self.SIZE / 2, "the persona must see a part of the portfolio")
		statements = self.board_reads(user)
		self.assertGreater(len(statements), 10)
		for statement in statements:
			for read in opportunity_reads(statement):
				label = f"{user}: {read.get('access_type')} {read.get('key')} {read.get('r_rows')} rows\n{statement}"
				self.assertNotEqual(read.get("access_type"), "ALL", label)
				self.assertTrue(read.get("key"), label)
				rows = float(read.get("r_rows") or 0) * float(read.get("r_loops") or 1)
				self.assertLessEqual(rows, bound, label)

	def test_sales_user_team_of_one(self):
		self.check(SELLER)

	def test_team_lead(self):
		self.check(LEAD)


class TestActionsFeedUsesIndexes(FrappeTestCase):
	"""The actions feed of everyone's actions (a manager's scope "all") reads the open actions through
	`status_start_index`, not the whole table: most actions of a firm with history are done."""

	SIZE = 4000

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		setup_people()
		now = now_datetime()
		fields = [
			"name", "subject", "action_type", "status", "start", "assigned_to", "owner", "creation",
			"modified", "modified_by", "docstatus",
		]  # fmt: skip
		rows = [
			(
				f"_BQACT-{i:06d}", f"Relance {i}", "Relance", "Open" if i % 5 == 0 else "Done",
				add_to_date(now, hours=(i % 400) - 200), (SELLER, LEAD, *MEMBERS)[i % 4], "Administrator",
				now, now, "Administrator", 0,
			)
			for i in range(cls.SIZE)
		]  # fmt: skip
		frappe.db.delete("CRM Action", {"name": ("like", "\\_BQACT-%")})  # left by an interrupted run
		frappe.db.bulk_insert("CRM Action", fields, rows, chunk_size=2000)
		frappe.db.sql("analyze table `tabCRM Action`")  # commits: the rows are deleted at the end
		cls.addClassCleanup(frappe.db.commit)
		cls.addClassCleanup(frappe.db.delete, "CRM Action", {"name": ("like", "\\_BQACT-%")})

	def test_everyone_s_feed_reads_only_open_actions(self):
		from crm_portal.api import actions

		open_actions = frappe.db.count("CRM Action", {"status": "Open"})
		with self.set_user(MANAGER):
			for bucket in ("all", "late", "today"):
				actions.get_actions(scope="all", bucket=bucket)  # warm the caches a running site has
				with statements_sent() as sent:
					actions.get_actions(scope="all", bucket=bucket)
				statements = [s for s in sent if "from `tabCRM Action`" in s]
				self.assertGreaterEqual(len(statements), 3, sent)
				for statement in statements:
					for read in opportunity_reads(statement, "tabCRM Action"):
						rows = float(read.get("r_rows") or 0) * float(read.get("r_loops") or 1)
						label = (
							f"{bucket}: {read.get('access_type')} {read.get('key')} {rows} rows\n{statement}"
						)
						self.assertNotEqual(read.get("access_type"), "ALL", label)
						self.assertLessEqual(rows, open_actions, label)
