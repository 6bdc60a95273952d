"""The board's figures kept as summary rows (DocType CRM Board Figures), in the same transaction as every
change of an opportunity.

One row per (portfolio, stage, salesperson, owner, company) of OPEN opportunities, with their count,
amount, days, weighted amount and weighted days. The row's `owner` is the opportunities' owner and its
`portfolio`, `stage`, `salesperson`, `company` are the same Links as on CRM Opportunity, so reading the
rows with `frappe.get_list` as the user applies the opportunities' own rule (`salesperson in (team) or
owner = me`) and the same User Permissions (crm_portal/pipeline/board_queries.py decides when the rows
answer exactly, else the board reads the opportunities).

A row's name is the md5 of its key, its primary key: a change is one `insert … on duplicate key update`
of the rows it leaves (minus) and enters (plus), in name order (a deterministic lock order, and a
duplicate primary key takes a record lock, not a gap lock). Rows falling to 0 are kept (no gap locks
on the next move back); `rebuild` drops them.

Kept by:
- the document hooks of CRM Opportunity (`on_update`: insert and save; `on_change`: also `db_set`;
  `on_trash`): the delta between the row as last counted (locked by Frappe's save) and as stored now;
- `changing(name)` around a raw write of these columns (`frappe.db.set_value`, SQL);
- `rebuild()` after bulk inserts (benchmarks), by the migrate patch, and by `check()` (weekly) which
  compares the rows with a recount and repairs them, logging any difference."""

from contextlib import contextmanager

import frappe

OPPORTUNITY = "CRM Opportunity"
DOCTYPE = "CRM Board Figures"
TABLE = f"`tab{DOCTYPE}`"
OPEN = "Open"
KEY = ("portfolio", "stage", "salesperson", "owner", "company")
VALUES = ("amount", "days", "weighted_amount", "weighted_days")
# The columns whose change moves an opportunity's figures.
COLUMNS = ("status", *KEY, *VALUES)
FLAG = "crm_board_figures_row"


def key_sql(prefix: str = "") -> str:
	"""The row name of a key: the same expression in every statement (case folded, as MariaDB compares)."""
	return "md5(concat_ws(char(31), {}))".format(", ".join(f"lower(ifnull({prefix}`{k}`, ''))" for k in KEY))


def add_indexes() -> None:
	frappe.db.add_index(DOCTYPE, ["portfolio", "salesperson"], "portfolio_salesperson")
	frappe.db.add_index(DOCTYPE, ["portfolio", "owner"], "portfolio_owner")


# --- kept in step -----------------------------------------------------------------------------------


def stored(name: str) -> dict | None:
	"""The opportunity's figures columns as stored now (None: not stored)."""
	rows = frappe.db.sql(
		f"select {', '.join(f'`{c}`' for c in COLUMNS)} from `tab{OPPORTUNITY}` where name = %s",
		name,
		as_dict=True,
	)
	return rows[0] if rows else None


def counted(row: dict | None) -> dict | None:
	"""What a stored row adds to the summary: only open opportunities count."""
	if not row or row.get("status") != OPEN:
		return None
	return {c: row.get(c) for c in COLUMNS}


def apply(old: dict | None, new: dict | None) -> None:
	"""Move one opportunity's figures from the row of `old` to the row of `new` (either may be None), in
	one statement."""
	old, new = counted(old), counted(new)
	if old == new:
		return
	deltas = []
	for row, sign in ((old, -1), (new, 1)):
		if row:
			deltas.append(
				[*(row.get(k) for k in KEY), sign, *(sign * frappe.utils.flt(row.get(v), 9) for v in VALUES)]
			)
	one = f"select {', '.join(f'%s as `{k}`' for k in KEY)}, %s as `n`, " + ", ".join(
		f"%s as `{v}`" for v in VALUES
	)
	source = " union all ".join([one] * len(deltas))
	columns = ", ".join(f"`{c}`" for c in (*KEY, "opportunities", *VALUES))
	updates = ", ".join(f"{TABLE}.`{c}` = {TABLE}.`{c}` + values(`{c}`)" for c in ("opportunities", *VALUES))
	# rows in name order: two moves between the same rows lock them in the same order
	frappe.db.sql(
		f"""insert into {TABLE} (name, creation, modified, modified_by, docstatus, idx, {columns})
		select {key_sql("d.")}, now(6), now(6), 'Administrator', 0, 0,
			{", ".join(f"d.`{k}`" for k in KEY)}, sum(d.`n`), {", ".join(f"sum(d.`{v}`)" for v in VALUES)}
		from ({source}) as d
		group by {key_sql("d.")}
		order by {key_sql("d.")}
		on duplicate key update {updates}""",
		[value for delta in deltas for value in delta],
	)


def sync(doc, method: str | None = None) -> None:
	"""doc_events hook of CRM Opportunity (on_update, on_change, on_trash): the summary follows the row.
	The row as last counted: the one an earlier hook counted for the same save (same row before save),
	else the row before the save (Frappe loads it `for update` in save and db_set), else none (insert)."""
	if method == "on_trash":
		apply(stored(doc.name), None)
		doc.flags.pop(FLAG, None)
		return
	if doc.flags.in_delete:
		return  # Frappe's delete runs on_change right after on_trash: already counted out
	before = doc.get_doc_before_save()
	last = doc.flags.get(FLAG)
	if last and last[0] is before:
		old = last[1]
	else:
		old = {c: before.get(c) for c in COLUMNS} if before else None
	new = stored(doc.name)
	apply(old, new)
	doc.flags[FLAG] = (before, new)


@contextmanager
def changing(name: str):
	"""Around a write of an opportunity's figures columns that runs no document hook (raw SQL,
	`frappe.db.set_value`): the summary follows it in the same transaction."""
	frappe.db.sql(f"select name from `tab{OPPORTUNITY}` where name = %s for update", name)
	old = stored(name)
	yield
	apply(old, stored(name))


# --- rebuilt, checked ---------------------------------------------------------------------------------


def recount_sql(where: str = "") -> str:
	"""The summary rows, recounted from the opportunities (one grouped read of the open ones)."""
	return f"""select {key_sql()} as name, {", ".join(f"`{k}`" for k in KEY)},
		count(*) as opportunities, {", ".join(f"ifnull(sum(`{v}`), 0) as `{v}`" for v in VALUES)}
		from `tab{OPPORTUNITY}` where status = 'Open' {where}
		group by {key_sql()}"""


def rebuild() -> None:
	"""Every summary row recounted from the opportunities (benchmark bulk inserts, migrate, repair)."""
	frappe.db.sql(f"delete from {TABLE}")
	columns = ", ".join(f"`{c}`" for c in (*KEY, "opportunities", *VALUES))
	frappe.db.sql(
		f"""insert into {TABLE} (name, creation, modified, modified_by, docstatus, idx, {columns})
		select name, now(6), now(6), 'Administrator', 0, 0, {columns} from ({recount_sql()}) as r"""
	)


def differences(portfolios: list[str] | None = None) -> list[dict]:
	"""The rows where the summary and a recount from the opportunities disagree (of some portfolios, or
	all); a row at 0 equals no row."""
	figures = ("opportunities", *VALUES)
	where, values = "", []
	if portfolios is not None:
		where, values = "and portfolio in %(portfolios)s", {"portfolios": portfolios or [""]}
	recount = {r.name: r for r in frappe.db.sql(recount_sql(where), values, as_dict=True)}
	kept = {
		r.name: r
		for r in frappe.db.sql(
			f"select name, {', '.join(f'`{c}`' for c in (*KEY, *figures))} from {TABLE}"
			f" where (opportunities != 0 or amount != 0 or days != 0 or weighted_amount != 0"
			f" or weighted_days != 0) {where}",
			values,
			as_dict=True,
		)
	}
	found = []
	for name in sorted(set(recount) | set(kept)):
		a, b = recount.get(name) or {}, kept.get(name) or {}
		if any(round(frappe.utils.flt(a.get(f)) - frappe.utils.flt(b.get(f)), 6) for f in figures):
			found.append({"key": {k: (a or b).get(k) for k in KEY}, "recount": a, "summary": b})
	return found


def check(repair: bool = True) -> int:
	"""Weekly (scheduler_events): compare the summary with a recount; log and repair any difference (the
	scheduler commits). Returns how many rows differed."""
	found = differences()
	if found and repair:
		frappe.log_error(
			title="CRM Board Figures repaired",
			message=frappe.as_json({"rows": len(found), "first": found[:20]}, indent=1),
		)
		rebuild()
	return len(found)
