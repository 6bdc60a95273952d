"""Generated data of `make bench` and `make loadtest`: a firm with years of history.

- 100 salespeople (Users with Sales User, each with an Employee and a Sales Person): the first one leads a
  team of 10 (Sales Persons 1-10 under theirs), the others are alone under a "_Bench Sales" group.
- 5 portfolios of one stage template (4 open stages, Won, Lost; S2 requires an amount, S3 an expected
  signature date: the load test's moves send them).
- `size` opportunities: 70 % closed (Won/Lost) over 8 years, 30 % open in the 4 stages; as many actions
  (one per opportunity: done for the closed, open or done for the open ones); 100 000 accounts (CRM
  Prospects; fewer when size is smaller), each followed by one salesperson.

Bulk inserts (multi-row parameterised INSERTs, committed per chunk), no document hooks: the benchmark
measures reads, not the write rules. Rows are numbered, so a larger size only adds the missing rows, and
everything is found again by its name prefix for deletion."""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta

import frappe
from frappe.utils import now_datetime

TEMPLATE = "_Bench Template"
# (stage name, position, type, probability, required opportunity fields)
STAGES = (
	("S1", 10, "Open", 10, ()),
	("S2", 20, "Open", 30, ("amount",)),
	("S3", 30, "Open", 50, ("expected_signature_date",)),
	("S4", 40, "Open", 70, ()),
	("Won", 90, "Won", 100, ()),
	("Lost", 99, "Lost", 0, ()),
)
OPEN_STAGES = [f"{TEMPLATE}-{s[0]}" for s in STAGES if s[2] == "Open"]
PORTFOLIOS = [f"_Bench Portfolio {i}" for i in range(5)]
SALES_GROUP = "_Bench Sales"
SELLERS = 100
TEAM_LEAD, TEAM = 0, range(1, 11)  # seller 0 leads sellers 1-10
ALONE = 11  # the Sales User with a team of one
LOAD_SELLERS = range(20, 40)  # the load test's 20 salespeople, each alone in their team
MANAGER = "bench.manager@example.com"
VIEWER = "bench.viewer@example.com"
ACCOUNTS = 100_000
LOST_REASON = "_Bench Trop cher"
ACTION_TYPE = "Relance"
CLOSED_SHARE, WON_SHARE = 0.7, 0.45
HISTORY_DAYS = 8 * 365
CHUNK = 5000

SURNAMES = (
	"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
	"Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
	"Morel", "Girard", "Andre", "Lefevre", "Mercier", "Dupont", "Lambert", "Bonnet", "Francois", "Martinez",
	"Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guerin", "Muller", "Henry", "Roussel", "Nicolas",
)  # fmt: skip
SECTORS = ("Conseil", "Industrie", "Transports", "Bâtiment", "Santé", "Services", "Logistique",
	"Distribution", "Energie", "Informatique")  # fmt: skip
PROJECTS = ("Refonte ERP", "Migration paie", "Audit sécurité", "Formation", "Infogérance", "Portail client",
	"TMA", "Licences", "Data platform", "Support annuel", "Déploiement CRM", "Intégration")  # fmt: skip


def seller(k: int) -> str:
	return f"bench.sp{k:03d}@example.com"


def account_name(j: int) -> str:
	return f"{SURNAMES[j % len(SURNAMES)]} {SECTORS[(j // len(SURNAMES)) % len(SECTORS)]} {j}"


def chunks(rows, size: int = CHUNK):
	chunk = []
	for row in rows:
		chunk.append(row)
		if len(chunk) == size:
			yield chunk
			chunk = []
	if chunk:
		yield chunk


def insert_rows(doctype: str, fields: list[str], rows) -> int:
	"""Multi-row parameterised INSERTs of CHUNK rows, each chunk committed (no giant transaction)."""
	columns = ", ".join(f"`{f}`" for f in fields)
	one = "(" + ", ".join(["%s"] * len(fields)) + ")"
	count = 0
	for chunk in chunks(rows):
		values = [v for row in chunk for v in row]
		frappe.db.sql(
			f"insert into `tab{doctype}` ({columns}) values {', '.join([one] * len(chunk))}", values
		)
		frappe.db.commit()
		count += len(chunk)
	return count


# --- masters: stages, portfolios, people ---------------------------------------------------------


def ensure_masters(company: str) -> None:
	if not frappe.db.exists("CRM Stage Template", TEMPLATE):
		frappe.get_doc({"doctype": "CRM Stage Template", "template_name": TEMPLATE}).insert()
	for name, position, stage_type, probability, required in STAGES:
		if not frappe.db.exists("CRM Stage", f"{TEMPLATE}-{name}"):
			frappe.get_doc(
				{
					"doctype": "CRM Stage",
					"stage_template": TEMPLATE,
					"stage_name": name,
					"position": position,
					"stage_type": stage_type,
					"probability": probability,
					"required_fields": [{"target": "Opportunity", "fieldname": f} for f in required],
				}
			).insert()
	for name in PORTFOLIOS:
		if not frappe.db.exists("CRM Portfolio", name):
			frappe.get_doc(
				{
					"doctype": "CRM Portfolio",
					"portfolio_name": name,
					"company": company,
					"stage_template": TEMPLATE,
				}
			).insert()
	if not frappe.db.exists("Opportunity Lost Reason", LOST_REASON):
		frappe.get_doc({"doctype": "Opportunity Lost Reason", "lost_reason": LOST_REASON}).insert()
	frappe.db.commit()


def ensure_user(email: str, roles: tuple[str, ...], first_name: str) -> None:
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": first_name, "send_welcome_email": 0}
		)
		user.flags.no_welcome_mail = True
		frappe.local.conf.throttle_user_limit = 10_000  # this process only: 100 users in a minute
		user.insert(ignore_permissions=True)
	else:
		user = frappe.get_doc("User", email)
	missing = set(roles) - {r.role for r in user.roles}
	if missing:
		user.add_roles(*missing)


def ensure_sales_person(k: int, parent: str, company: str, is_group: int = 0) -> str:
	name = f"_Bench SP {k:03d}"
	if frappe.db.exists("Sales Person", name):
		return name
	user = seller(k)
	employee = frappe.db.get_value("Employee", {"user_id": user}, "name")
	if not employee:
		employee = (
			frappe.get_doc(
				{
					"doctype": "Employee",
					"first_name": f"Bench {k:03d}",
					"gender": frappe.db.get_value("Gender", {}, "name") or "Male",
					"date_of_birth": "1980-01-01",
					"date_of_joining": "2015-01-01",
					"company": company,
					"status": "Active",
					"user_id": user,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	frappe.get_doc(
		{
			"doctype": "Sales Person",
			"sales_person_name": name,
			"parent_sales_person": parent,
			"is_group": is_group,
			"employee": employee,
			"enabled": 1,
		}
	).insert(ignore_permissions=True)
	return name


def ensure_people(company: str) -> None:
	"""The 100 salespeople and their Sales Person tree, the manager and the 360° viewer."""
	from frappe.utils.nestedset import get_root_of

	if not frappe.db.exists("Gender", "Male") and not frappe.db.get_value("Gender", {}, "name"):
		frappe.get_doc({"doctype": "Gender", "gender": "Male"}).insert(ignore_permissions=True)
	for k in range(SELLERS):
		ensure_user(seller(k), ("Sales User",), f"Bench {k:03d}")
	ensure_user(MANAGER, ("Sales User", "Sales Manager"), "Bench Manager")
	ensure_user(VIEWER, ("Sales User", "CRM 360 Viewer"), "Bench Viewer")
	if not frappe.db.exists("Sales Person", SALES_GROUP):
		frappe.get_doc(
			{
				"doctype": "Sales Person",
				"sales_person_name": SALES_GROUP,
				"parent_sales_person": get_root_of("Sales Person"),
				"is_group": 1,
				"enabled": 1,
			}
		).insert(ignore_permissions=True)
	lead = ensure_sales_person(TEAM_LEAD, SALES_GROUP, company, is_group=1)
	for k in range(1, SELLERS):
		ensure_sales_person(k, lead if k in TEAM else SALES_GROUP, company)
	frappe.db.commit()


# --- rows ----------------------------------------------------------------------------------------


OPPORTUNITY_FIELDS = [
	"name", "title", "naming_series", "account_type", "account", "account_name", "portfolio", "company",
	"stage_template", "stage", "status", "salesperson", "currency", "amount", "days", "probability",
	"weighted_amount", "weighted_days", "expected_signature_date", "estimate_mode", "next_action_date",
	"signed_on", "lost_on", "lost_reason", "creation", "modified", "owner", "modified_by", "docstatus",
]  # fmt: skip
ACTION_FIELDS = [
	"name", "subject", "action_type", "nature", "start", "end", "status", "completed_on", "assigned_to",
	"opportunity", "opportunity_title", "account_type", "account", "account_name", "creation", "modified",
	"owner", "modified_by", "docstatus",
]  # fmt: skip
PROSPECT_FIELDS = [
	"name", "call_name", "legal_name", "siren", "status", "account_manager", "naming_series", "creation",
	"modified", "owner", "modified_by", "docstatus",
]  # fmt: skip


def opportunity_rows(start: int, end: int, company: str, now: datetime):
	"""(opportunity row, action row, last done action) of opportunities start..end-1."""
	rng = random.Random(start)
	stages = {s[0]: (f"{TEMPLATE}-{s[0]}", s[2], s[3]) for s in STAGES}
	today = now.date()
	for i in range(start, end):
		k = i % SELLERS
		j = i % ACCOUNTS  # ACCOUNTS is a multiple of SELLERS: the account's manager is the salesperson
		user = seller(k)
		owner = user if i % 10 else "Administrator"
		account = f"BENCH-P-{j:07d}"
		name_of_account = account_name(j)
		portfolio = PORTFOLIOS[(i // SELLERS) % len(PORTFOLIOS)]
		amount, days = rng.randrange(1000, 200000), rng.randrange(1, 200)
		title = f"{PROJECTS[(i // 7) % len(PROJECTS)]} {i}"
		signed_on = lost_on = lost_reason = signature = next_action = completed = None
		if rng.random() < CLOSED_SHARE:
			created = now - timedelta(days=rng.randrange(30, HISTORY_DAYS), minutes=rng.randrange(1440))
			closed = min(created + timedelta(days=rng.randrange(10, 240)), now - timedelta(hours=1))
			won = rng.random() < WON_SHARE
			stage, status, probability = stages["Won" if won else "Lost"]
			if won:
				signed_on = closed.date()
			else:
				lost_on, lost_reason = closed.date(), LOST_REASON
			signature = closed.date()
			modified = closed
			action_start = closed - timedelta(days=rng.randrange(1, 20))
			action_status, completed = "Done", action_start
		else:
			created = now - timedelta(days=rng.randrange(1, 720), minutes=rng.randrange(1440))
			stage, status, probability = stages[f"S{1 + rng.randrange(4)}"]
			if rng.random() < 0.8:
				signature = today + timedelta(days=rng.randrange(-60, 365))
			modified = max(created, now - timedelta(days=rng.randrange(0, 90), minutes=rng.randrange(1440)))
			if rng.random() < 0.6:
				action_start = now + timedelta(hours=rng.randrange(-24 * 30, 24 * 90))
				action_status, next_action = "Open", action_start
			else:
				action_start = max(created, now - timedelta(days=rng.randrange(1, 60)))
				action_status, completed = "Done", action_start
		yield (
			(
				f"BENCH-{i:07d}", title, "OPP-.#######", "CRM Prospect", account, name_of_account, portfolio,
				company, TEMPLATE, stage, status, user, "EUR", amount, days, probability,
				amount * probability / 100, days * probability / 100, signature, "General", next_action,
				signed_on, lost_on, lost_reason, created, modified, owner, owner, 0,
			),
			(
				f"BENCH-A-{i:07d}", f"Relance {title}", ACTION_TYPE, "Task", action_start, action_start,
				action_status, completed, user, f"BENCH-{i:07d}", title, "CRM Prospect", account,
				name_of_account, action_start, completed or action_start, user, user, 0,
			),
			completed,
		)  # fmt: skip


def prospect_rows(start: int, end: int, now: datetime):
	for j in range(start, end):
		user = seller(j % SELLERS)
		name = account_name(j)
		yield (
			f"BENCH-P-{j:07d}", name, f"{name.upper()} SAS", f"{100000000 + j}", "Validated", user,
			"PRO-.#####", now, now, user, user, 0,
		)  # fmt: skip


def generated_count(doctype: str, prefix: str) -> int:
	return frappe.db.sql(f"select count(*) from `tab{doctype}` where name like %s", f"{prefix}%")[0][0]


def generate(size: int) -> dict:
	"""Bring the generated data to `size` opportunities (adds only what is missing; a smaller size
	than what is there is refused: run with BENCH_KEEP=0 or another site). Returns what it did."""
	company = frappe.db.get_value("Company", {}, "name")
	if not company:
		frappe.throw("The site has no Company: run `bench execute crm_portal.tests.utils.before_tests` first")
	started = time.perf_counter()
	ensure_masters(company)
	ensure_people(company)
	existing = generated_count("CRM Opportunity", "BENCH-0")
	if existing > size:
		frappe.throw(
			f"The site holds {existing} generated opportunities, more than {size}: measure it on another site"
		)
	now = now_datetime().replace(microsecond=0)
	accounts = min(size, ACCOUNTS)
	have_accounts = generated_count("CRM Prospect", "BENCH-P-")
	added = {
		"accounts": insert_rows("CRM Prospect", PROSPECT_FIELDS, prospect_rows(have_accounts, accounts, now))
	}
	actions = []
	# the last done action's date, where the app keeps it on the opportunity (at-risk rule)
	last_action = frappe.db.has_column("CRM Opportunity", "last_action_on")
	fields = OPPORTUNITY_FIELDS + (["last_action_on"] if last_action else [])

	def opportunities():
		for opportunity, action, last_done in opportunity_rows(existing, size, company, now):
			actions.append(action)
			yield (*opportunity, last_done) if last_action else opportunity

	# Opportunities and their actions in step, a chunk at a time (bounded memory at 1 000 000).
	added["opportunities"] = added["actions"] = 0
	for chunk in chunks(opportunities(), CHUNK * 4):
		added["opportunities"] += insert_rows("CRM Opportunity", fields, chunk)
		added["actions"] += insert_rows("CRM Action", ACTION_FIELDS, actions)
		actions.clear()
	rebuild_derived()
	if any(added.values()):
		frappe.db.sql("analyze table `tabCRM Opportunity`, `tabCRM Action`, `tabCRM Prospect`")
	return {**added, "seconds": round(time.perf_counter() - started, 1)}


def rebuild_derived() -> None:
	"""Summary rows or search columns the app keeps in step with opportunities (written by the document
	hooks, which bulk inserts skip): rebuilt by the app's own function when it has one; the last done
	action's date filled from the generated actions (data generated before the column existed)."""
	if frappe.db.has_column("CRM Opportunity", "last_action_on"):
		join = """`tabCRM Opportunity` o join `tabCRM Action` a on a.name = concat('BENCH-A-', substr(o.name, 7))
			where o.name like 'BENCH-0%%' and o.last_action_on is null and a.status = 'Done'"""
		if frappe.db.sql(f"select 1 from {join} limit 1"):
			frappe.db.sql(f"update {join.replace('where', 'set o.last_action_on = a.completed_on where', 1)}")
			frappe.db.commit()
	for path in (
		"crm_portal.pipeline.board_figures.rebuild",
		"crm_portal.pipeline.summary.rebuild",
		"crm_portal.pipeline.board_summary.rebuild",
		"crm_portal.pipeline.search_index.rebuild",
	):
		module, _, function = path.rpartition(".")
		try:
			rebuild = getattr(frappe.get_module(module), function)
		except (ImportError, AttributeError):
			continue
		rebuild()
		frappe.db.commit()


def remove_generated() -> None:
	"""Delete everything the benchmark made (by its names), then commit."""
	try:
		from crm_portal.benchmarks import forecast
	except ImportError:
		forecast = None
	if forecast:
		forecast.remove()
	if frappe.db.table_exists("CRM Stage Change"):
		frappe.db.delete("CRM Stage Change", {"opportunity": ("like", "BENCH-%")})
	frappe.db.sql(
		"""delete from `tabToDo` where reference_type = 'CRM Action' and reference_name in
		(select name from `tabCRM Action` where opportunity like 'BENCH-%%')"""
	)
	for doctype, field, pattern in (
		("Version", "docname", "BENCH-%"),
		("CRM Action", "opportunity", "BENCH-%"),
		("CRM Action", "name", "BENCH-A-%"),
		("CRM Opportunity", "name", "BENCH-%"),
		("CRM Prospect", "name", "BENCH-P-%"),
		("CRM Portfolio", "name", "_Bench Portfolio %"),
		("CRM Stage Required Field", "parent", f"{TEMPLATE}-%"),
		("CRM Stage", "name", f"{TEMPLATE}-%"),
		("CRM Stage Template", "name", TEMPLATE),
	):
		frappe.db.delete(doctype, {field: ("like", pattern)})
		frappe.db.commit()
	from crm_portal.pipeline import board_figures

	board_figures.rebuild()  # the board's summary rows, without the deleted opportunities
	frappe.db.commit()
	for k in reversed(range(SELLERS)):
		if frappe.db.exists("Sales Person", f"_Bench SP {k:03d}"):
			frappe.delete_doc("Sales Person", f"_Bench SP {k:03d}", force=True, ignore_permissions=True)
	if frappe.db.exists("Sales Person", SALES_GROUP):
		frappe.delete_doc("Sales Person", SALES_GROUP, force=True, ignore_permissions=True)
	users = [seller(k) for k in range(SELLERS)] + [MANAGER, VIEWER]
	for employee in frappe.get_all("Employee", {"user_id": ("in", users)}, pluck="name"):
		frappe.delete_doc("Employee", employee, force=True, ignore_permissions=True)
	for user in users:
		if frappe.db.exists("User", user):
			frappe.delete_doc("User", user, force=True, ignore_permissions=True)
	frappe.db.commit()
