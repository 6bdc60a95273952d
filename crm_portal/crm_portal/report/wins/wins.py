"""Wins: what was signed in a period (won opportunities by signing date), by account or by sale type,
split into recurring and one-off revenue, against the period of the same length just before.

Recurring vs one-off and sale types come from the estimate lines of opportunities estimated in detail
(a line's recurrence); an opportunity estimated globally counts as one-off, under "Not detailed"."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import flt

from crm_portal.crm_portal.report.common import between, clean_filters, opportunity_conditions
from crm_portal.crm_portal.report.figures import previous_period, split_recurring, variation

DOCTYPE = "CRM Opportunity"
FILTER_KEYS = ("from_date", "to_date", "group_by", "company", "portfolio", "salesperson", "sales_person")
GROUP_BY = ("Account", "Sale type")
NOT_DETAILED = ""  # sale type key of opportunities without estimate lines
CHART_ROWS = 10


def execute(filters: dict | None = None):
	filters = clean_filters(filters, FILTER_KEYS, {"group_by": GROUP_BY})
	if not (filters.get("from_date") and filters.get("to_date")):
		frappe.throw(_("Choose the period: from and to dates"), title=_("Invalid filter"))
	filters.setdefault("group_by", "Account")
	data = get_data(filters)
	return get_columns(filters), data, None, get_chart_data(data)


def get_columns(filters) -> list[dict]:
	if filters.get("group_by") == "Sale type":
		key_columns = [
			{
				"fieldname": "sale_type",
				"label": _("Sale Type"),
				"fieldtype": "Link",
				"options": "CRM Sale Type",
				"width": 200,
			},
		]
	else:
		key_columns = [
			# the DocType of the account, for the Dynamic Link below: plain data, hidden (a Link to DocType
			# would make Frappe check the user's right to read DocTypes, which salespeople do not have)
			{"fieldname": "account_type", "label": _("Account DocType"), "fieldtype": "Data", "hidden": 1},
			{"fieldname": "account_kind", "label": _("Account Type"), "fieldtype": "Data", "width": 120},
			{
				"fieldname": "account",
				"label": _("Account"),
				"fieldtype": "Dynamic Link",
				"options": "account_type",
				"width": 180,
			},
			{"fieldname": "account_name", "label": _("Account Name"), "fieldtype": "Data", "width": 200},
		]
	return [
		*key_columns,
		{"fieldname": "count", "label": _("Wins"), "fieldtype": "Int", "width": 90},
		{"fieldname": "amount", "label": _("Amount Won"), "fieldtype": "Currency", "width": 130},
		{"fieldname": "recurring", "label": _("Recurring"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "one_off", "label": _("One-off"), "fieldtype": "Currency", "width": 120},
		{
			"fieldname": "previous_amount",
			"label": _("Previous Period"),
			"fieldtype": "Currency",
			"width": 130,
		},
		{"fieldname": "variation", "label": _("Change (%)"), "fieldtype": "Percent", "width": 120},
	]


def won_opportunities(filters, start, end) -> list[dict]:
	period = frappe._dict(from_date=start, to_date=end)
	return frappe.get_list(
		DOCTYPE,
		filters=[*opportunity_conditions(filters), ["status", "=", "Won"], *between("signed_on", period)],
		fields=["name", "account_type", "account", "account_name", "amount", "estimate_mode"],
		order_by="name asc",
	)


def estimate_lines(opportunities: list[dict]) -> dict[str, list[dict]]:
	"""Estimate lines of the detailed opportunities (already permission-filtered), by opportunity."""
	names = [o.name for o in opportunities if o.estimate_mode == "Detailed"]
	if not names:
		return {}
	line = DocType("CRM Estimate Line")
	rows = (
		frappe.qb.from_(line)
		.select(line.parent, line.sale_type, line.recurrence, line.amount)
		.where(
			(line.parenttype == DOCTYPE) & (line.parentfield == "estimate_lines") & line.parent.isin(names)
		)
		.run(as_dict=True)
	)
	by_parent = defaultdict(list)
	for row in rows:
		by_parent[row.parent].append(row)
	return by_parent


def figures_by_key(opportunities: list[dict], group_by: str) -> tuple[dict, dict]:
	"""{key: {count, amount, recurring, one_off}} and {key: account name} of one period's wins."""
	lines = estimate_lines(opportunities)
	figures = defaultdict(lambda: {"opportunities": set(), "amount": 0.0, "recurring": 0.0, "one_off": 0.0})
	names = {}
	for opp in opportunities:
		opp_lines = lines.get(opp.name) or []
		if group_by == "Sale type":
			parts = defaultdict(list)
			for row in opp_lines:
				parts[row.sale_type or NOT_DETAILED].append((row.recurrence, flt(row.amount)))
			if not opp_lines:
				parts[NOT_DETAILED].append((None, flt(opp.amount)))
		else:
			key = (opp.account_type, opp.account)
			names[key] = opp.account_name
			parts = {key: [(r.recurrence, flt(r.amount)) for r in opp_lines] or [(None, flt(opp.amount))]}
		for key, amounts in parts.items():
			recurring, one_off = split_recurring(amounts)
			entry = figures[key]
			entry["opportunities"].add(opp.name)
			entry["recurring"] += recurring
			entry["one_off"] += one_off
			entry["amount"] += recurring + one_off
	return figures, names


def account_kind(doctype: str) -> str:
	"""What the account type column shows: prospect or customer, in the user's language."""
	return {"CRM Prospect": _("Prospect"), "Customer": _("Customer")}.get(doctype, doctype)


def get_data(filters) -> list[dict]:
	group_by = filters.get("group_by") or "Account"
	current = won_opportunities(filters, filters.from_date, filters.to_date)
	before = won_opportunities(filters, *previous_period(filters.from_date, filters.to_date))
	now, names = figures_by_key(current, group_by)
	then, previous_names = figures_by_key(before, group_by)
	rows = []
	for key in set(now) | set(then):
		entry = now.get(key) or {"opportunities": (), "amount": 0.0, "recurring": 0.0, "one_off": 0.0}
		previous = then[key]["amount"] if key in then else 0.0
		row = {
			"count": len(entry["opportunities"]),
			"amount": flt(entry["amount"], 2),
			"recurring": flt(entry["recurring"], 2),
			"one_off": flt(entry["one_off"], 2),
			"previous_amount": flt(previous, 2),
			"variation": variation(entry["amount"], previous),
		}
		if group_by == "Sale type":
			row["sale_type"] = key or _("Not detailed")
		else:
			row["account_type"], row["account"] = key
			row["account_kind"] = account_kind(key[0])
			row["account_name"] = names.get(key) or previous_names.get(key)
		rows.append(row)
	rows.sort(
		key=lambda r: (-r["amount"], -r["previous_amount"], str(r.get("sale_type") or r.get("account")))
	)
	if rows:
		total = {key: flt(sum(r[key] for r in rows), 2) for key in ("amount", "recurring", "one_off")}
		total["count"] = len(current)
		total["previous_amount"] = flt(sum(r["previous_amount"] for r in rows), 2)
		total["variation"] = variation(total["amount"], total["previous_amount"])
		label_key = "sale_type" if group_by == "Sale type" else "account_name"
		rows.append({label_key: _("Total"), "is_total_row": 1, **total})
	return rows


def get_chart_data(data: list[dict]) -> dict | None:
	rows = [row for row in data if not row.get("is_total_row")][:CHART_ROWS]
	if not rows:
		return None
	return {
		"data": {
			"labels": [row.get("account_name") or row.get("sale_type") or row.get("account") for row in rows],
			"datasets": [
				{"name": _("Amount Won"), "values": [row["amount"] for row in rows]},
				{"name": _("Previous Period"), "values": [row["previous_amount"] for row in rows]},
			],
		},
		"type": "bar",
		"fieldtype": "Currency",
	}
