"""`make bench`: latency and SQL query counts of the board, calendar, actions feed and account search at
10 000 and 100 000 opportunities (as many prospects and actions), against the generic Frappe way (one
get_list + count per stage) on the same data.

Runs inside the bench: `bench --site <site> execute crm_portal.benchmarks.run`. The generated data is
committed, as a live site's is (InnoDB reads uncommitted rows of its own transaction much more slowly
through secondary indexes, which would measure the wrong thing), and deleted at the end, even on
failure: nothing is left on the site."""

from __future__ import annotations

import json
import os
import random
import statistics
import time
from contextlib import contextmanager

import frappe
from frappe.utils import add_days, getdate, nowdate

from crm_portal.api import accounts, actions, board

TEMPLATE = "_Bench Template"
STAGES = [("S1", 10, "Open", 10), ("S2", 20, "Open", 30), ("S3", 30, "Open", 50), ("S4", 40, "Open", 70)]
CLOSED = [("Won", 90, "Won", 100), ("Lost", 99, "Lost", 0)]
PORTFOLIOS = 5
SELLER = "bench.seller@example.com"  # the Sales User whose feed is measured
SELLER_ACTIONS = 10000


@contextmanager
def counting_queries():
	"""Count the SQL statements the block sends (frappe.db.sql is the single path to the database)."""
	counter = {"n": 0}
	original = frappe.db.sql

	def sql(*args, **kwargs):
		if kwargs.get("run", True):  # run=False only builds the statement (get_list(run=0))
			counter["n"] += 1
		return original(*args, **kwargs)

	frappe.db.sql = sql
	try:
		yield counter
	finally:
		frappe.db.sql = original


def measure(endpoints: dict, repeats: int) -> dict[str, dict]:
	"""p50/p95 latency and SQL statements of each endpoint. The endpoints take turns within each
	repeat, so a disturbance of the machine (the database flushing the generated rows, another
	process) falls on all of them alike instead of on whichever was being measured."""
	for fn in endpoints.values():
		fn()  # warm caches (meta, settings), as a running site has them
	times = {name: [] for name in endpoints}
	queries = {name: 0 for name in endpoints}
	for _ in range(repeats):
		for name, fn in endpoints.items():
			with counting_queries() as counter:
				start = time.perf_counter()
				fn()
				times[name].append((time.perf_counter() - start) * 1000)
			queries[name] = max(queries[name], counter["n"])
	result = {}
	for name, values in times.items():
		values.sort()
		result[name] = {
			"p50_ms": round(statistics.median(values), 1),
			"p95_ms": round(values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))], 1),
			"queries": queries[name],
		}
	return result


def generate(size: int, company: str, users: list[str]) -> list[str]:
	"""`size` opportunities spread over portfolios, stages and salespeople (bulk insert)."""
	if not frappe.db.exists("CRM Stage Template", TEMPLATE):
		frappe.get_doc({"doctype": "CRM Stage Template", "template_name": TEMPLATE}).insert()
		for name, position, stage_type, probability in STAGES + CLOSED:
			frappe.get_doc(
				{
					"doctype": "CRM Stage",
					"stage_template": TEMPLATE,
					"stage_name": name,
					"position": position,
					"stage_type": stage_type,
					"probability": probability,
				}
			).insert()
	portfolios = []
	for i in range(PORTFOLIOS):
		name = f"_Bench Portfolio {i}"
		if not frappe.db.exists("CRM Portfolio", name):
			frappe.get_doc(
				{
					"doctype": "CRM Portfolio",
					"portfolio_name": name,
					"company": company,
					"stage_template": TEMPLATE,
				}
			).insert()
		portfolios.append(name)
	existing = frappe.db.count("CRM Opportunity", {"portfolio": ("in", portfolios)})
	rng = random.Random(size)
	stages = [(f"{TEMPLATE}-{n}", t, p) for n, _, t, p in STAGES + CLOSED]
	today = getdate(nowdate())
	fields = [
		"name", "title", "naming_series", "account_type", "account", "account_name", "portfolio", "company",
		"stage_template", "stage", "status", "salesperson", "currency", "amount", "days", "probability",
		"weighted_amount", "weighted_days", "expected_signature_date", "estimate_mode", "next_action_date",
		"creation", "modified", "owner", "modified_by", "docstatus",
	]  # fmt: skip
	now = frappe.utils.now()
	rows = []
	for i in range(existing, size):
		stage, status, probability = (
			stages[rng.randrange(len(stages))] if rng.random() < 0.3 else stages[i % 4]
		)
		amount, days = rng.randrange(1000, 200000), rng.randrange(1, 200)
		signature = add_days(today, rng.randrange(-60, 365)) if rng.random() < 0.8 else None
		rows.append(
			(
				f"BENCH-{i:07d}", f"Opportunité {i}", "OPP-.#######", "Customer", f"Bench Client {i % 6000}",
				f"Bench Client {i % 6000}", portfolios[i % PORTFOLIOS], company, TEMPLATE, stage, status,
				users[i % len(users)], "EUR", amount, days, probability, amount * probability / 100,
				days * probability / 100, signature, "General", None, now, now, "Administrator",
				"Administrator", 0,
			)
		)  # fmt: skip
	frappe.db.bulk_insert("CRM Opportunity", fields, rows, chunk_size=5000)
	return portfolios


def generate_accounts(size: int, users: list[str]) -> None:
	"""`size` CRM Prospects (bulk insert: the benchmark measures reads, not the prospect rules)."""
	existing = frappe.db.count("CRM Prospect", {"name": ("like", "BENCH-P-%")})
	now = frappe.utils.now()
	fields = ["name", "call_name", "legal_name", "siren", "status", "account_manager", "naming_series",
		"creation", "modified", "owner", "modified_by", "docstatus"]  # fmt: skip
	rows = [
		(f"BENCH-P-{i:07d}", f"Bench Prospect {i}", f"BENCH PROSPECT {i} SAS", f"{100000000 + i}",
		"Validated", users[i % len(users)], "PRO-.#####", now, now, "Administrator", "Administrator", 0)
		for i in range(existing, size)
	]  # fmt: skip
	frappe.db.bulk_insert("CRM Prospect", fields, rows, chunk_size=5000)


def generate_actions(size: int, users: list[str]) -> None:
	"""`size` open actions around today; the benchmark's seller holds SELLER_ACTIONS of them."""
	existing = frappe.db.count("CRM Action", {"name": ("like", "BENCH-A-%")})
	rng = random.Random(size + 1)
	now = frappe.utils.now_datetime()
	fields = ["name", "subject", "action_type", "nature", "start", "end", "status", "assigned_to",
		"creation", "modified", "owner", "modified_by", "docstatus"]  # fmt: skip
	rows = []
	for i in range(existing, size):
		start = frappe.utils.add_to_date(now, hours=rng.randrange(-24 * 60, 24 * 120))
		user = SELLER if i < SELLER_ACTIONS else users[i % len(users)]
		rows.append(
			(f"BENCH-A-{i:07d}", f"Relance {i}", "Relance", "Task", start, start, "Open", user,
			now, now, "Administrator", "Administrator", 0)
		)  # fmt: skip
	frappe.db.bulk_insert("CRM Action", fields, rows, chunk_size=5000)


def remove_generated() -> None:
	"""Delete everything the benchmark made (by its names), then commit."""
	for doctype, pattern in (
		("CRM Opportunity", "BENCH-%"),
		("CRM Prospect", "BENCH-P-%"),
		("CRM Action", "BENCH-A-%"),
		("CRM Portfolio", "_Bench Portfolio %"),
		("CRM Stage", f"{TEMPLATE}-%"),
		("CRM Stage Template", TEMPLATE),
	):
		frappe.db.delete(doctype, {"name": ("like", pattern)})
	if frappe.db.exists("User", SELLER):
		frappe.delete_doc("User", SELLER, force=True, ignore_permissions=True)
	frappe.db.commit()


def as_user(user: str, fn):
	def call():
		frappe.set_user(user)
		try:
			return fn()
		finally:
			frappe.set_user("Administrator")

	return call


def generic_board(portfolio: str) -> list:
	"""What Frappe's desk Kanban and the Frappe CRM board do: per stage, a page of cards + figures."""
	columns = []
	for stage in frappe.get_all(
		"CRM Stage", {"stage_template": TEMPLATE, "stage_type": "Open"}, pluck="name"
	):
		filters = {"portfolio": portfolio, "stage": stage, "status": "Open"}
		cards = frappe.get_list("CRM Opportunity", filters=filters, fields=board.CARD_FIELDS, page_length=20)
		count = frappe.db.count("CRM Opportunity", filters)
		total = frappe.get_list("CRM Opportunity", filters=filters, fields=["sum(amount) as amount"])
		columns.append((cards, count, total))
	return columns


def run(sizes: list[int] | None = None, repeats: int = 15, output: str | None = None) -> None:
	sizes = sizes or [10000, 100000]
	company = frappe.db.get_value("Company", {}, "name")
	if not company:
		frappe.throw("The site has no Company: run `bench execute crm_portal.tests.utils.before_tests` first")
	users = ["Administrator", *frappe.get_all("User", {"name": ("like", "%@%")}, pluck="name", limit=9)]
	if not frappe.db.exists("User", SELLER):
		seller = frappe.get_doc(
			{"doctype": "User", "email": SELLER, "first_name": "Bench", "send_welcome_email": 0}
		).insert()
		seller.add_roles("Sales User")
	today = getdate(nowdate())
	results = {
		"machine": {"cpus": os.cpu_count(), "python": ".".join(map(str, __import__("sys").version_info[:3]))},
		"sizes": {},
	}
	try:
		for size in sizes:
			start = time.perf_counter()
			portfolios = generate(size, company, users)
			generate_accounts(size, users)
			generate_actions(size, users)
			frappe.db.commit()
			generated = round(time.perf_counter() - start, 1)
			p = portfolios[0]
			endpoints = {
				"board (ours, one portfolio)": lambda: board.get_board(portfolio=p, scope="all"),
				"board (ours, grouping of 5 portfolios)": lambda: board.get_board(
					template=TEMPLATE, scope="all"
				),
				"board (generic per-stage get_list + count)": lambda: generic_board(p),
				"calendar (ours, 4 months)": lambda: board.get_calendar(
					today.year, today.month, 4, portfolio=p, scope="all"
				),
				"calendar (ours, 12 months)": lambda: board.get_calendar(
					today.year, today.month, 12, portfolio=p, scope="all"
				),
				"board search (ours)": lambda: board.get_board(portfolio=p, scope="all", search="Client 12"),
				f"actions feed + bucket counts ({SELLER_ACTIONS:,} actions, Sales User)": as_user(
					SELLER, lambda: actions.get_actions(scope="me")
				),
				f"account search, starts-with ({size:,} prospects)": lambda: accounts.search_accounts(
					"Bench Prospect 4217"
				),
				"account search, starts-with (Sales User)": as_user(
					SELLER, lambda: accounts.search_accounts("Bench Prospect 4217")
				),
			}
			results["sizes"][size] = {"generate_s": generated, **measure(endpoints, repeats)}
			print_table(size, results["sizes"][size])
	finally:
		frappe.db.rollback()
		remove_generated()
	path = output or os.path.join(frappe.get_site_path(), "crm_portal_benchmark.json")
	with open(path, "w") as f:
		json.dump(results, f, indent=1)
	print(f"JSON written to {path}")


def print_table(size: int, rows: dict) -> None:
	print(f"\n{size:,} opportunities (generated in {rows['generate_s']} s)")
	print(f"{'endpoint':62} {'p50 ms':>9} {'p95 ms':>9} {'queries':>8}")
	for name, r in rows.items():
		if isinstance(r, dict):
			print(f"{name:62} {r['p50_ms']:>9} {r['p95_ms']:>9} {r['queries']:>8}")
