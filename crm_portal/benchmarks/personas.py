"""`make bench`: the CRM endpoints measured as the people who use them.

Runs inside the bench: `bench --site <site> execute crm_portal.benchmarks.personas.run --kwargs "{'size': 100000}"`.
Generates (crm_portal/benchmarks/data.py) a firm with `size` opportunities, then every persona —
Administrator, a Sales User with a team of one, a team lead with 10 people below, a Sales Manager, a
CRM 360 Viewer — calls each endpoint as itself (frappe.set_user), the generic per-stage way beside ours:
p50/p95 latency and SQL statements, the issue's targets checked by crm_portal/benchmarks/report.py.

The generated data is committed, as a live site's is (InnoDB reads uncommitted rows of its own
transaction much more slowly through secondary indexes, which would measure the wrong thing), and
deleted at the end, even on failure — unless `keep` (BENCH_KEEP=1, on a dedicated site), which leaves it
for the next run, so 1 000 000 opportunities are generated once."""

from __future__ import annotations

import json
import os
import platform
import time
from contextlib import contextmanager
from datetime import datetime, timezone

import frappe
from frappe.utils import getdate, nowdate

from crm_portal.benchmarks import data, report

SEARCH = "Martin"  # a surname of ~1 account in 40 (board search)
ACCOUNT_QUERY = "Martin Conseil 4"  # starts-with (account search)

# key: (label, user, board scope, actions feed scope). Board scope "all": everything the person may read
# (the permission rule is the only filter); the feed: the actions page's natural choice for the role.
PERSONAS = {
	"administrator": ("Administrator", "Administrator", "all", "all"),
	"sales_user": ("Sales User (team of one)", data.seller(data.ALONE), "all", "me"),
	"team_lead": ("Team lead (10 below)", data.seller(data.TEAM_LEAD), "all", "team_nn_me"),
	"sales_manager": ("Sales Manager", data.MANAGER, "all", "all"),
	"viewer": ("CRM 360 Viewer", data.VIEWER, "all", "all"),
}


@contextmanager
def recording_queries():
	"""The SQL statements the block sends (frappe.db.sql is the single path to the database)."""
	statements = []
	original = frappe.db.sql

	def sql(query, values=(), *args, **kwargs):
		if kwargs.get("run", True):  # run=False only builds the statement (get_list(run=0))
			statements.append((str(query), values))
		return original(query, values, *args, **kwargs)

	frappe.db.sql = sql
	try:
		yield statements
	finally:
		frappe.db.sql = original


def generic_board(portfolio: str) -> list:
	"""What Frappe's desk Kanban and the Frappe CRM board do: per stage, a page of cards + figures."""
	from crm_portal.api import board

	columns = []
	for stage in frappe.get_all(
		"CRM Stage", {"stage_template": data.TEMPLATE, "stage_type": "Open"}, pluck="name"
	):
		filters = {"portfolio": portfolio, "stage": stage, "status": "Open"}
		cards = frappe.get_list("CRM Opportunity", filters=filters, fields=board.CARD_FIELDS, page_length=20)
		count = frappe.db.count("CRM Opportunity", filters)
		total = frappe.get_list("CRM Opportunity", filters=filters, fields=["sum(amount) as amount"])
		columns.append((cards, count, total))
	return columns


FORECAST = {"on": True}  # run(forecast=False): without the forecast endpoints and their history


def forecast_module():
	"""crm_portal/benchmarks/forecast.py (the forecast panel's history and endpoints), when present."""
	if not FORECAST["on"]:
		return None
	try:
		from crm_portal.benchmarks import forecast
	except ImportError:
		return None
	return forecast


def endpoints(scope: str, feed_scope: str) -> dict:
	from crm_portal.api import accounts, actions, board

	portfolio = data.PORTFOLIOS[0]
	today = getdate(nowdate())
	forecast = forecast_module()
	extra = forecast.endpoints(portfolio, scope) if forecast else {}
	return {
		"board": lambda: board.get_board(portfolio=portfolio, scope=scope),
		"board_generic": lambda: generic_board(portfolio),
		"grouping": lambda: board.get_board(template=data.TEMPLATE, scope=scope),
		"board_search": lambda: board.get_board(portfolio=portfolio, scope=scope, search=SEARCH),
		"calendar": lambda: board.get_calendar(today.year, today.month, 12, portfolio=portfolio, scope=scope),
		"actions_feed": lambda: actions.get_actions(scope=feed_scope),
		"account_search": lambda: accounts.search_accounts(ACCOUNT_QUERY),
		"archives": lambda: board.get_archives("Won", portfolio=portfolio, scope=scope),
		"signed": lambda: board.get_signed_proposals(),
		**extra,
	}


def measure(repeats: int) -> tuple[dict, dict]:
	"""p50/p95 and SQL statements of every (persona, endpoint), each called as the persona. The calls
	take turns within each repeat, so a disturbance of the machine falls on all of them alike. The
	user is set outside the timer; the per-request caches it resets are rebuilt inside, as in a
	request. Returns (results, statements of one warm call of each)."""
	cases = []
	for key, (_label, user, scope, feed_scope) in PERSONAS.items():
		for endpoint, fn in endpoints(scope, feed_scope).items():
			cases.append((key, user, endpoint, fn))
	times = {(key, endpoint): [] for key, _, endpoint, _ in cases}
	queries = {}
	for _key, user, _endpoint, fn in cases:  # warm caches (meta, settings), as a running site has them
		frappe.set_user(user)
		fn()
	for key, user, endpoint, fn in cases:  # the statements of one warm call (counts and EXPLAIN)
		frappe.set_user(user)
		with recording_queries() as statements:
			fn()
		queries[(key, endpoint)] = statements
	try:
		for _ in range(repeats):
			for key, user, endpoint, fn in cases:
				frappe.set_user(user)
				start = time.perf_counter()
				fn()
				times[(key, endpoint)].append((time.perf_counter() - start) * 1000)
	finally:
		frappe.set_user("Administrator")
	results = {
		key: {"label": label, "user": user, "scope": scope, "feed_scope": feed_scope, "endpoints": {}}
		for key, (label, user, scope, feed_scope) in PERSONAS.items()
	}
	for (key, endpoint), values in times.items():
		summary = report.summarize(values)
		results[key]["endpoints"][endpoint] = {
			"p50_ms": summary["p50_ms"],
			"p95_ms": summary["p95_ms"],
			"queries": len(queries[(key, endpoint)]),
		}
	return results, queries


HEAVY_ROWS = 1000  # a statement whose plan estimates this many rows read in one table is worth showing


def explain_misses(personas: dict, statements: dict) -> None:
	"""EXPLAIN of the statements of each missed endpoint, as the persona (its permission conditions
	are in the SQL): those reading at least HEAVY_ROWS rows of a table are stored beside its figures
	(the README's "why")."""
	for key, rows in personas.items():
		for endpoint, row in rows["endpoints"].items():
			if row.get("mark") != report.MISS:
				continue
			frappe.set_user(rows["user"])
			plans = []
			for query, values in statements[(key, endpoint)]:
				if not query.lstrip().lower().startswith(("select", "(select")):
					continue
				try:
					plan = frappe.db.sql("explain " + query, values, as_dict=True)
				except Exception as e:
					plans.append({"query": " ".join(query.split())[:300], "error": str(e)})
					continue
				if max(int(p.get("rows") or 0) for p in plan) < HEAVY_ROWS:
					continue
				plans.append(
					{
						"query": " ".join(query.split())[:600],
						"plan": [
							{k: p.get(k) for k in ("table", "type", "key", "rows", "Extra")} for p in plan
						],
					}
				)
			frappe.set_user("Administrator")
			row["explain"] = plans


def machine() -> dict:
	cpu = ""
	try:
		with open("/proc/cpuinfo") as f:
			cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
	except OSError:
		pass
	return {
		"cpus": os.cpu_count(),
		"cpu": cpu,
		"python": platform.python_version(),
		"mariadb": frappe.db.sql("select version()")[0][0],
	}


def run(
	size: int = 100000,
	repeats: int = 11,
	output: str | None = None,
	keep: bool = False,
	forecast: bool = True,
) -> None:
	"""Generate (or complete) `size` opportunities, measure every persona, merge the result into the
	JSON file `output` (other sizes kept) and print the table. `forecast`: also the forecast endpoints
	(crm_portal/benchmarks/forecast.py, which generates a stage-change history of ~5 rows per
	opportunity first)."""
	size, repeats = int(size), int(repeats)
	FORECAST["on"] = bool(forecast)
	path = output or os.path.join(frappe.get_site_path(), "crm_portal_benchmark.json")
	try:
		generated = data.generate(size)
		if forecast_module():
			generated["stage_changes"] = forecast_module().generate_stage_changes()
		print(f"Data: {generated}")
		load_before = round(os.getloadavg()[0], 2)
		personas, statements = measure(repeats)
		load_after = round(os.getloadavg()[0], 2)
		report.evaluate(size, personas)
		explain_misses(personas, statements)
	finally:
		frappe.db.rollback()
		frappe.set_user("Administrator")
		if not keep:
			data.remove_generated()
	results = {"sizes": {}}
	if os.path.exists(path):
		with open(path) as f:
			results = json.load(f)
	results["machine"] = machine()
	results.setdefault("sizes", {})[str(size)] = {
		"site": frappe.local.site,
		"generate_s": generated["seconds"]
		if any(generated.get(k) for k in ("accounts", "opportunities", "actions"))
		else 0,
		"generated": generated,
		"repeats": repeats,
		"load_before": load_before,
		"load_after": load_after,
		"measured_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
		"personas": personas,
	}
	with open(path, "w") as f:
		json.dump(results, f, indent=1, default=str)
	print(report.markdown({"machine": results["machine"], "sizes": {str(size): results["sizes"][str(size)]}}))
	print(f"JSON written to {path}")


def remove() -> None:
	"""`bench execute crm_portal.benchmarks.personas.remove`: delete the kept generated data of a site."""
	data.remove_generated()
