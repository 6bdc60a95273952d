"""The board's statements shaped for the salesperson's rule.

`permissions.query_conditions` reads `(salesperson in (team) or owner = me)`: correct for every Frappe
path, but MariaDB cannot serve an OR of two columns with one index range, so a salesperson's column page
or figure read the whole portfolio. The board splits the rule into disjoint branches, each with a
condition an index serves, and reads their UNION ALL:

1. `salesperson in (team)`                                      -> `seller_index`
2. `owner = me and salesperson not in (team)`                   -> `owner_index`
3. (only when records are shared with the user) `name in (shared) and owner != me and salesperson not
   in (team)`                                                   -> primary key

Every branch is still built by `frappe.get_list` (`run=0`), so it carries every permission condition
(roles, User Permissions, the app's rule, shares): a branch only adds a condition, it never widens what
the user reads. The branches are disjoint and their union covers the rule, so the union is exactly the
rows `get_list` returns; pages are cut again after the union with the same ORDER BY."""

from contextlib import contextmanager

import frappe

from crm_portal import permissions

DOCTYPE = "CRM Opportunity"
FIGURES = ("count", "amount", "days", "weighted_amount", "weighted_days")
# Composite indexes: name -> columns (created in CRM Opportunity's on_doctype_update). The two branch
# indexes cover the column figures and the calendar's (no row read), and give a salesperson's column
# page in `modified` order without a sort.
BRANCH_INDEXES = {
	"seller_index": [
		"portfolio", "status", "salesperson", "stage", "modified", "owner", "expected_signature_date",
		"amount", "days", "weighted_amount", "weighted_days",
	],
	"owner_index": [
		"portfolio", "status", "owner", "stage", "modified", "salesperson", "expected_signature_date",
		"amount", "days", "weighted_amount", "weighted_days",
	],
}  # fmt: skip


def add_indexes() -> None:
	for name, columns in BRANCH_INDEXES.items():
		frappe.db.add_index(DOCTYPE, columns, name)


@contextmanager
def team_lookups_once():
	"""Within one board read, the user's team is looked up once, not by every statement's permission
	condition (each `get_list` asks `permissions.query_conditions`)."""
	if getattr(frappe.local, "crm_visible_salespeople", None) is not None:
		yield
		return
	frappe.local.crm_visible_salespeople = {}
	try:
		yield
	finally:
		frappe.local.crm_visible_salespeople = None


def rule_branches(scope_users: list[str] | None, user: str | None = None) -> list[list]:
	"""Extra filters of the disjoint branches whose union is what `user` reads ([[]]: one statement)."""
	user = user or frappe.session.user
	if user == "Administrator" or permissions.sees_everything(user):
		return [[]]
	people = permissions.visible_salespeople(user)
	if scope_users is not None and set(scope_users) <= set(people):
		return [[]]  # the scope's `salesperson in (…)` is the index condition, and implies the rule
	branches = [
		[["salesperson", "in", people]],
		[["owner", "=", user], ["salesperson", "not in", people]],
	]
	shared = frappe.share.get_shared(DOCTYPE, user, rights=["read"])
	if shared:
		branches.append([["name", "in", shared], ["owner", "!=", user], ["salesperson", "not in", people]])
	return branches


def statements(conditions: list, or_filters: list, branches: list[list], **kwargs) -> list[str]:
	"""One `get_list` statement per branch (permission conditions included, values escaped), each told
	which index serves its branch."""
	return [
		with_hint(
			frappe.get_list(DOCTYPE, filters=[*conditions, *branch], or_filters=or_filters, run=0, **kwargs),
			index_hint(conditions, branch, kwargs.get("order_by")),
		)
		for branch in branches
	]


def index_hint(conditions: list, branch: list, order_by: str | None) -> str | None:
	"""The index hint of a branch of a board statement (one portfolio or a few). Left to itself, MariaDB
	often walks `board_index` or `modified` in the ORDER BY's order, or merges two indexes, and reads the
	whole stage or portfolio to find a salesperson's first cards or figures.
	- the owner branch: `owner_index` (one owner: its cards come in `modified` order, figures covered);
	- a branch or scope naming one salesperson, or the figures of several: `seller_index`;
	- the cards of several salespeople in `modified` order (a team lead's board): `board_index` (walked
	  in order, it stops once the page is full: good when the team holds a good part of the stage) or
	  `seller_index` (the team's rows, then sorted: good for a small team), as the optimizer estimates."""
	filters = [*conditions, *branch]
	if not any(f[0] == "portfolio" and f[1] in ("=", "in") for f in filters):
		return None
	if branch and branch[0][0] == "owner":
		return "force index (`owner_index`)"
	if any(f[0] == "name" for f in branch):
		return None
	people = next((f[2] for f in filters if f[0] == "salesperson" and f[1] == "in"), None)
	if people is None:
		return None
	if order_by and order_by.startswith("modified") and len(people) > 1:
		return TEAM_PAGE_HINT
	return "force index (`seller_index`)"


TEAM_PAGE_HINT = "use index (`board_index`, `seller_index`)"
SELLER_HINT = "force index (`seller_index`)"
# A team's column with at most this many open cards is read through `seller_index` whole, then sorted:
# bounded work, where walking `board_index` in `modified` order reads the other teams' cards too
# (EXPLAIN at 100 000: board_index rows=1499 against seller_index rows=183 for a team of 11).
SMALL_TEAM_COLUMN = 2000


FROM = f"from `tab{DOCTYPE}`"


def with_hint(statement: str, hint: str | None) -> str:
	if not hint or statement.count(FROM) != 1:
		return statement
	return statement.replace(FROM, f"{FROM} {hint}")


def figures(conditions: list, or_filters: list, group_by: str, branches: list[list]) -> dict[str, dict]:
	"""count / amount / days (real and weighted) per `group_by` value, in one statement."""
	parts = statements(
		conditions,
		or_filters,
		branches,
		fields=[
			f"{group_by} as grp",
			"count(name) as count",
			"sum(amount) as amount",
			"sum(days) as days",
			"sum(weighted_amount) as weighted_amount",
			"sum(weighted_days) as weighted_days",
		],
		group_by=group_by,
		order_by=None,
	)
	if len(parts) == 1:
		sql = parts[0]
	else:
		totals = ", ".join(f"sum(`{f}`) as `{f}`" for f in FIGURES)
		sql = f"select `grp`, {totals} from ({union(parts)}) as `figures` group by `grp`"
	return {r.grp: r for r in frappe.db.sql(sql, as_dict=True)}


def union(parts: list[str]) -> str:
	return " union all ".join(f"({part})" for part in parts)


def outer_order(order_by: str) -> str:
	"""`modified desc, name desc` -> the same order on the columns of a derived table."""
	terms = []
	for term in order_by.split(","):
		field, *direction = term.split()
		terms.append(f"`{field}` {' '.join(direction)}".strip())
	return ", ".join(terms)


def page_sql(
	conditions: list,
	or_filters: list,
	fields: list[str],
	order_by: str,
	start: int,
	page_length: int,
	branches: list[list],
	splits: list[list] | None = None,
) -> str:
	"""The statement of one page: each branch (and each split, e.g. each portfolio of a grouping, so
	each part is an index range with its own LIMIT) reads its first start + page_length rows in
	`order_by`, and the union is ordered and cut again."""
	parts = [
		part
		for split in splits or [[]]
		for part in statements(
			[*conditions, *split],
			or_filters,
			branches,
			fields=fields,
			order_by=order_by,
			page_length=start + page_length if len(branches) * len(splits or [[]]) > 1 else page_length,
			start=0 if len(branches) * len(splits or [[]]) > 1 else start,
		)
	]
	if len(parts) == 1:
		return parts[0]
	return (
		f"select * from ({union(parts)}) as `page` order by {outer_order(order_by)}"
		f" limit {int(page_length)} offset {int(start)}"
	)


STAGE_TOKEN = "crm-portal-board-stage"
PORTFOLIO_TOKEN = "crm-portal-board-portfolio"


def stage_pages_sql(
	conditions: list,
	or_filters: list,
	fields: list[str],
	order_by: str,
	page_length: int,
	branches: list[list],
	stages: list[str],
	portfolios: list[str],
	stage_counts: dict[str, int] | None = None,
) -> list[str]:
	"""The first page of each stage (as `page_sql` with one split per portfolio). Each branch's
	statement is built once, with tokens for the portfolio and the stage that are then replaced by the
	escaped values: building a statement costs Frappe a look-up of the user's shares, so building one
	per stage, portfolio and branch cost more than running them. `stage_counts` (the column figures'
	counts) lets a team's small columns be read through `seller_index` (SMALL_TEAM_COLUMN)."""
	templates = statements(
		[*conditions, ["portfolio", "=", PORTFOLIO_TOKEN], ["stage", "=", STAGE_TOKEN]],
		or_filters,
		branches,
		fields=fields,
		order_by=order_by,
		page_length=page_length,
		start=0,
	)
	escape = frappe.db.escape
	if any(t.count(escape(STAGE_TOKEN)) != 1 or t.count(escape(PORTFOLIO_TOKEN)) != 1 for t in templates):
		return [
			page_sql(
				[*conditions, ["stage", "=", stage]],
				or_filters,
				fields,
				order_by,
				0,
				page_length,
				branches,
				splits=[[["portfolio", "=", portfolio]] for portfolio in portfolios],
			)
			for stage in stages
		]
	sqls = []
	for stage in stages:
		small = stage_counts is not None and (stage_counts.get(stage) or 0) <= SMALL_TEAM_COLUMN
		parts = [
			template.replace(escape(PORTFOLIO_TOKEN), escape(portfolio))
			.replace(escape(STAGE_TOKEN), escape(stage))
			.replace(TEAM_PAGE_HINT, SELLER_HINT if small else TEAM_PAGE_HINT)
			for portfolio in portfolios
			for template in templates
		]
		if len(parts) == 1:
			sqls.append(parts[0])
		else:
			sqls.append(
				f"select * from ({union(parts)}) as `page` order by {outer_order(order_by)}"
				f" limit {int(page_length)}"
			)
	return sqls


def page(*args, **kwargs) -> list[dict]:
	return frappe.db.sql(page_sql(*args, **kwargs), as_dict=True)


def pages(sqls: list[str]) -> list[dict]:
	"""Several pages in one round trip (their rows in order, page after page)."""
	if not sqls:
		return []
	return frappe.db.sql(union(sqls), as_dict=True)


# --- the figures from the summary rows ---------------------------------------------------------------

SUMMARY = "CRM Board Figures"  # crm_portal/pipeline/board_figures.py
# The board's conditions the summary rows carry (open opportunities of some portfolios, of some people).
SUMMARY_CONDITIONS = {("portfolio", "in"), ("portfolio", "="), ("salesperson", "in"), ("salesperson", "=")}


def open_figures_by_stage(conditions: list, or_filters: list, branches: list[list]) -> dict[str, dict]:
	"""The board's column figures (open opportunities per stage): from the summary rows when they answer
	exactly what `frappe.get_list` on the opportunities would, else from the opportunities."""
	summary = summary_conditions(conditions, or_filters)
	if summary is not None and summary_answers(frappe.session.user):
		return summary_figures(summary)
	return figures(conditions, or_filters, "stage", branches)


def summary_conditions(conditions: list, or_filters: list) -> list | None:
	"""The board's conditions as conditions on the summary rows (None: they need the opportunities: a
	search, a "Filtrer" filter, anything but portfolios, people and the open status)."""
	if or_filters:
		return None
	kept = []
	for condition in conditions:
		field, operator, value = condition[0], condition[1], condition[2]
		if (field, operator) == ("status", "=") and value == "Open":
			continue
		if (field, operator) not in SUMMARY_CONDITIONS:
			return None
		kept.append([field, operator, value])
	return kept


def summary_figures(conditions: list) -> dict[str, dict]:
	"""count / amount / days (real and weighted) per stage from the summary rows, read with `get_list` as
	the user: the opportunities' rule (permission_query_conditions), roles and User Permissions apply."""
	rows = frappe.get_list(
		SUMMARY,
		filters=conditions,
		fields=[
			"stage as grp",
			"sum(opportunities) as count",
			*(f"sum({f}) as {f}" for f in FIGURES[1:]),
		],
		group_by="stage",
		order_by=None,
	)
	return {r.grp: r for r in rows if r["count"]}


def summary_answers(user: str) -> bool:
	"""Whether `get_list` on the summary rows selects, for `user`, exactly the rows `get_list` on the
	opportunities selects (frappe/model/db_query.py `build_match_conditions`):
	- the same role permissions (read/select, and the owner-only constraint, on the same `owner`);
	- the same permission_query_conditions hooks and no Permission Query server script;
	- every User Permission that applies restricts the same fieldnames with the same values: a User
	  Permission on a DocType an opportunity links by a field the rows lack (account, contact,
	  currency...), on the opportunity itself, or `applicable_for` one of them only, needs the
	  opportunities;
	- no shares once User Permissions or the owner constraint apply (Frappe then adds the user's shared
	  opportunities; without them a list ignores shares, and so does the summary)."""
	from frappe.core.doctype.server_script.server_script_utils import get_server_script_map
	from frappe.model.db_query import requires_owner_constraint
	from frappe.permissions import get_role_permissions, get_user_permissions

	metas = {DOCTYPE: frappe.get_meta(DOCTYPE), SUMMARY: frappe.get_meta(SUMMARY)}
	roles = {d: get_role_permissions(m, user=user) for d, m in metas.items()}
	if any(bool(roles[DOCTYPE].get(p)) != bool(roles[SUMMARY].get(p)) for p in ("read", "select")) or not (
		roles[SUMMARY].get("read") or roles[SUMMARY].get("select")
	):
		return False
	owner_only = bool(requires_owner_constraint(roles[DOCTYPE]))
	if owner_only != bool(requires_owner_constraint(roles[SUMMARY])):
		return False
	hooks = frappe.get_hooks("permission_query_conditions", {})
	if hooks.get(DOCTYPE, []) != hooks.get(SUMMARY, []):
		return False
	scripts = get_server_script_map().get("permission_query", {})
	if DOCTYPE in scripts or SUMMARY in scripts:
		return False
	restricted = owner_only
	if not owner_only:
		for linked, permissions_ in get_user_permissions(user).items():
			applied = {}
			for doctype, meta in metas.items():
				fields = {
					df.fieldname
					for df in meta.get_link_fields()
					if df.options == linked and not df.get("ignore_user_permissions")
				} | ({"name"} if linked == doctype else set())
				docs = sorted(
					p.get("doc")
					for p in permissions_
					if not p.get("applicable_for") or p.get("applicable_for") == doctype
				)
				applied[doctype] = (fields, docs) if fields and docs else None
			if applied[DOCTYPE] != applied[SUMMARY]:
				return False
			restricted = restricted or bool(applied[DOCTYPE])
	return not (restricted and frappe.share.get_shared(DOCTYPE, user))
