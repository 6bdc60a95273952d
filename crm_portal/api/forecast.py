"""Conversion, velocity, signature forecast and deals at risk, from the stage-change log (issue 18).

The figures are computed by plain modules (crm_portal/forecast/stats.py, simulation.py, risk.py); this
module reads what they need through `frappe.get_list`, so a user's figures rest only on the deals and log
rows they may read, within the chosen scope ("me", a team level, "all": crm_portal/teams.py)."""

from datetime import date, datetime, time, timedelta

import frappe
from frappe import _
from frappe.utils import add_months, flt, get_last_day, getdate, nowdate

from crm_portal.api.board import resolve_board
from crm_portal.arguments.checks import DATE, Number, checked_arguments
from crm_portal.forecast import queries, simulation, stats
from crm_portal.forecast.risk import NO_ACTION, OVERDUE, STUCK
from crm_portal.pipeline.board_queries import team_lookups_once
from crm_portal.teams import scope_users
from crm_portal.utils import bold_text

MAX_MONTHS = 24
MAX_LIMIT = 500


def check_read() -> None:
	frappe.has_permission("CRM Opportunity", "read", throw=True)
	frappe.has_permission("CRM Stage Change", "read", throw=True)


def figure(value: stats.Figure, digits: int = 3) -> dict:
	return {"value": None if value.value is None else flt(value.value, digits), "sample": value.sample}


@frappe.whitelist()
@checked_arguments(from_date=DATE, to_date=DATE)
@frappe.read_only()
def get_stage_stats(
	portfolio: str | None = None,
	template: str | None = None,
	scope: str = "me",
	from_date: str | None = None,
	to_date: str | None = None,
) -> dict:
	"""Per stage of a portfolio (or a grouping of portfolios: a template): typed probability, learned
	stage-to-win rate, deals that reached it and were won, median and 80th percentile days in it; and the
	cycle length, win rate and average won amount. Over the deals decided between `from_date` (default:
	24 months ago) and `to_date`; a figure resting on fewer deals than the settings' minimum is None."""
	check_read()
	board = resolve_board(portfolio, template)
	start = getdate(from_date) if from_date else queries.learning_start()
	end = getdate(to_date) if to_date else None
	stages = queries.template_stages([board["template"]])
	min_sample = queries.settings_min_sample()
	result = queries.scope_stats(
		board["portfolios"], [s.name for s in stages], scope_users(scope), start, end, min_sample
	)
	return {
		"stages": [
			{
				"stage": stage.name,
				"stage_name": stage.stage_name,
				"stage_type": stage.stage_type,
				"probability": flt(stage.probability),
				"learned_rate": figure(result.stages[stage.name].rate)["value"],
				"learned_sample": result.stages[stage.name].rate.sample,
				"reached": result.stages[stage.name].reached,
				"won": result.stages[stage.name].won,
				"median_days": figure(result.stages[stage.name].median_days, 1)["value"],
				"p80_days": figure(result.stages[stage.name].p80_days, 1)["value"],
				"stays": result.stages[stage.name].p80_days.sample,
			}
			for stage in stages
		],
		"cycle_days": figure(result.cycle_days, 1),
		"win_rate": figure(result.win_rate),
		"avg_won_amount": figure(result.avg_won_amount, 2),
		"deals": result.deals,
		"min_sample": min_sample,
		"from_date": str(start),
		"to_date": str(end) if end else None,
	}


def forecast_board(portfolio: str | None, template: str | None) -> dict:
	return resolve_board(portfolio, template, all_portfolios=True)


def board_learning(board: dict) -> dict:
	"""Stage template -> its learned figures (crm_portal/forecast/queries.py: template_figures)."""
	figures_of = {}
	for portfolio in board["portfolios"]:
		template = frappe.get_cached_value("CRM Portfolio", portfolio, "stage_template")
		if template and template not in figures_of:
			figures_of[template] = queries.template_figures(template)
	return figures_of


def open_filters(board: dict, users: list[str] | None) -> list:
	filters = [["portfolio", "in", board["portfolios"] or [""]], ["status", "=", "Open"]]
	if users is not None:
		filters.append(["salesperson", "in", users or [""]])
	return filters


def expected_month(learned: dict, expected_signature_date, creation, today: date) -> int:
	"""The month (0: this one) a deal is expected in: its expected signature date moved by the observed
	delay, or without a date its creation + the average cycle; at the earliest this month."""
	if expected_signature_date:
		expected = queries.plus_days(getdate(expected_signature_date), learned.get("slip_days") or 0)
	elif learned.get("cycle_days") is not None and creation:
		expected = queries.plus_days(getdate(creation), learned["cycle_days"])
	else:
		expected = today
	return max(simulation.months_between(today.year, today.month, expected.year, expected.month), 0)


PLACED_FIELDS = [
	"name",
	"title",
	"account_name",
	"stage",
	"stage_template",
	"amount",
	"probability",
	"expected_signature_date",
	"creation",
]


def placed_deals(
	board: dict, users: list[str] | None, extra_filters: list | None = None, month: int | None = None
) -> list:
	"""The open deals of a board (within the user's walls and the scope) with their rate — their
	stage's learned stage-to-win rate when known, else their probability — and their month. With
	`month` (an index: 0 = this one), only the deals of amount > 0 whose dates may place them in it are
	read (month_windows), not every open deal; the caller keeps those whose `month` is that one."""
	figures_of = board_learning(board)
	today = getdate(nowdate())
	base = [*open_filters(board, users), *(extra_filters or [])]
	if month is None:
		windows = [[]]
	else:
		windows = [[["amount", ">", 0], *window] for window in month_windows(figures_of, today, month)]
	deals = []
	for window in windows:
		deals += frappe.get_list(
			"CRM Opportunity", filters=[*base, *window], fields=PLACED_FIELDS, order_by=None
		)
	for deal in deals:
		learned = figures_of.get(deal.stage_template) or {}
		deal.rate = learned.get("rates", {}).get(deal.stage, flt(deal.probability) / 100)
		deal.month = expected_month(learned, deal.expected_signature_date, deal.creation, today)
	return deals


def month_windows(figures_of: dict, today: date, month: int) -> list[list]:
	"""Filters whose union holds every open deal expected_month() places in month `month` (a few more
	at the edges, a day either side): the dated ones whose date, moved by any template's delay, falls in
	it (or before, for this month); the undated ones whose creation, moved by any template's cycle, does
	(all of them for this month: a template with no cycle places them there)."""
	first = getdate(add_months(today.replace(day=1), month))
	after = getdate(add_months(first, 1))
	slips = [round(learned.get("slip_days") or 0) for learned in figures_of.values()] + [0]
	dated = [
		["expected_signature_date", "is", "set"],
		["expected_signature_date", "<", after - timedelta(days=min(slips) - 1)],
	]
	if month > 0:
		dated.append(["expected_signature_date", ">=", first - timedelta(days=max(slips) + 1)])
	undated = [["expected_signature_date", "is", "not set"]]
	if month == 0:
		return [dated, undated]
	cycles = [
		round(learned["cycle_days"])
		for learned in figures_of.values()
		if learned.get("cycle_days") is not None
	]
	if not cycles:
		return [dated]
	undated += [
		["creation", "<", datetime.combine(after - timedelta(days=min(cycles) - 1), time.min)],
		["creation", ">=", datetime.combine(first - timedelta(days=max(cycles) + 1), time.min)],
	]
	return [dated, undated]


SUMS = [
	"count(name) as deals",
	"sum(amount) as a",
	"sum(amount * amount) as a2",
	"sum(amount * probability) as ap",
	"sum(amount * amount * probability) as a2p",
	"sum(amount * amount * probability * probability) as a2pp",
]


def month_number(day: date) -> int:
	return day.year * 12 + day.month - 1


def shifted_month(field: str, days: int) -> str:
	"""SQL of the month number (year x 12 + month - 1) of `field` moved by `days` (an int we computed)."""
	moved = f"{field} + interval {int(days)} day"
	return f"year({moved}) * 12 + month({moved}) - 1"


def monthly_groups(
	filters: list, field: str, shifts: dict[str, int | None], default: int | None
) -> list[tuple[dict, int | None]]:
	"""The deals of `filters` summed per (template, stage, month of `field` moved by the template's
	shift in days), with that month's number (None: a template whose deals are expected this month).
	`shifts`: template -> days or None; a template missing from it moves by `default`. One statement
	per distinct shift (one for a single template): some dozens of rows, not one per deal or day."""
	by_shift: dict[int | None, list[str]] = {}
	for template, shift in shifts.items():
		by_shift.setdefault(shift, []).append(template)
	out = []
	for index, (shift, templates) in enumerate(by_shift.items() or [(default, [])]):
		fields = ["stage_template", "stage", f"{shifted_month(field, shift or 0)} as ym", *SUMS]
		group_by = "stage_template, stage, ym"
		others = [t for t in shifts if t not in templates]
		if index == 0:  # also the deals of the templates missing from `shifts`
			extra = [["stage_template", "not in", others]] if others else []
			if default is not None and default != shift:
				fields.insert(3, f"{shifted_month(field, default)} as ym0")
				group_by += ", ym0"
		else:
			extra = [["stage_template", "in", templates]]
		for row in frappe.get_list(
			"CRM Opportunity",
			filters=[*filters, *extra],
			fields=fields,
			group_by=group_by,
			order_by=None,
		):
			if row.stage_template in shifts:
				month = None if shift is None else row.ym
			else:
				month = None if default is None else row.get("ym0", row.ym)
			out.append((row, month))
	return out


def forecast_inputs(
	board: dict, users: list[str] | None, months: int = 6, exact: int = simulation.EXACT_DEALS
) -> tuple[list, list, dict[int, int]]:
	"""(largest deals one by one, the others summed per stage and month, deal count per month index):
	the EXACT_DEALS largest open deals are read one by one (an index gives them in order), every other
	one only through grouped statements summing them per template, stage and expected month — so the
	forecast reads some dozens of rows whether the board holds 1 000 or 100 000 opportunities."""
	figures_of = board_learning(board)
	today = getdate(nowdate())
	filters = [*open_filters(board, users), ["amount", ">", 0]]
	top = frappe.get_list(
		"CRM Opportunity",
		filters=filters,
		# forecast_index's columns only (not PLACED_FIELDS): the largest deals are read from the index alone
		fields=[
			"name",
			"stage",
			"stage_template",
			"amount",
			"probability",
			"expected_signature_date",
			"creation",
		],
		order_by="amount desc, name asc",
		limit_page_length=exact,
	)
	counts: dict[int, int] = {}
	deals = []
	for row in top:
		learned = figures_of.get(row.stage_template) or {}
		month = expected_month(learned, row.expected_signature_date, row.creation, today)
		if month < months:
			counts[month] = counts.get(month, 0) + 1
		rate = learned.get("rates", {}).get(row.stage, flt(row.probability) / 100)
		deals.append(simulation.OpenDeal(row.name, flt(row.amount), rate, month))
	if len(top) < exact:
		return deals, [], counts
	# the others: after the last one read in (amount desc, name asc) order
	smallest = top[-1].amount
	ties = [row.name for row in top if row.amount == smallest]
	rest = [*filters, ["amount", "<=", smallest], ["name", "not in", ties]]
	# deals expected after the horizon (once moved by the observed delay) count in no month
	_year, _month = divmod(today.month - 1 + months, 12)
	after_horizon = date(today.year + _year, _month + 1, 1)
	slips = [learned.get("slip_days") or 0 for learned in figures_of.values()] or [0]
	latest = queries.plus_days(after_horizon, -min(slips))
	slip_shifts = {t: round(learned.get("slip_days") or 0) for t, learned in figures_of.items()}
	cycle_shifts = {
		t: None if learned.get("cycle_days") is None else round(learned["cycle_days"])
		for t, learned in figures_of.items()
	}
	grouped = monthly_groups(
		[*rest, ["expected_signature_date", "is", "set"], ["expected_signature_date", "<", latest]],
		"expected_signature_date",
		slip_shifts,
		0,
	) + monthly_groups([*rest, ["expected_signature_date", "is", "not set"]], "creation", cycle_shifts, None)
	this_month = month_number(today)
	groups = []
	for row, number in grouped:
		learned = figures_of.get(row.stage_template) or {}
		month = 0 if number is None else max(int(number) - this_month, 0)
		if month < months:
			counts[month] = counts.get(month, 0) + int(row.deals or 0)
		rate = learned.get("rates", {}).get(row.stage)
		if rate is not None:
			mean, variance = flt(row.a) * rate, flt(row.a2) * rate * (1 - rate)
		else:  # each deal's own probability (percent)
			mean = flt(row.ap) / 100
			variance = flt(row.a2p) / 100 - flt(row.a2pp) / 10000
		groups.append(simulation.DealGroup(month, mean, variance))
	return deals, groups, counts


def month_keys(today: date, months: int) -> list[str]:
	keys = []
	for index in range(months):
		total = today.month - 1 + index
		keys.append(f"{today.year + total // 12:04d}-{total % 12 + 1:02d}")
	return keys


@frappe.whitelist()
@checked_arguments(months=Number(1, MAX_MONTHS, integer=True))
@frappe.read_only()
def get_forecast(
	portfolio: str | None = None, scope: str = "me", months: int = 6, template: str | None = None
) -> dict:
	"""Per month from this one: the expected signed amount (amount x win rate of each open deal, in its
	expected month), its P10-P90 range (seeded simulation: the same data gives the same figures) and
	what is already signed. Without portfolio nor template: every active portfolio the user reads."""
	check_read()
	board = forecast_board(portfolio, template)
	users = scope_users(scope)
	today = getdate(nowdate())
	keys = month_keys(today, months)
	with team_lookups_once():  # the user's team, looked up once for all the statements
		deals, groups, counts = forecast_inputs(board, users, months)
		signed = signed_by_month(board, users, today, keys)
	rows = simulation.forecast(deals, months, groups=groups)
	return {
		"months": [
			{
				"month": key,
				"expected": flt(row["expected"], 2),
				"p10": flt(row["p10"], 2),
				"p50": flt(row["p50"], 2),
				"p90": flt(row["p90"], 2),
				"signed": flt(signed.get(key), 2),
				"deals": counts.get(index, 0),
			}
			for index, (key, row) in enumerate(zip(keys, rows, strict=True))
		],
		"currency": frappe.get_cached_doc("CRM Portal Settings").default_currency or "EUR",
		"deals": sum(counts.values()),
		"seed": simulation.DEFAULT_SEED,
	}


def signed_by_month(board: dict, users: list[str] | None, today: date, keys: list[str]) -> dict[str, float]:
	filters = [
		["portfolio", "in", board["portfolios"] or [""]],
		["status", "=", "Won"],
		["signed_on", ">=", today.replace(day=1)],
		["signed_on", "<=", get_last_day(f"{keys[-1]}-01")],
	]
	if users is not None:
		filters.append(["salesperson", "in", users or [""]])
	totals: dict[str, float] = {}
	for signed_on, amount in frappe.get_list(
		"CRM Opportunity", filters=filters, fields=["signed_on", "amount"], order_by=None, as_list=True
	):
		key = str(signed_on)[:7]
		totals[key] = totals.get(key, 0.0) + flt(amount)
	return totals


@frappe.whitelist()
@checked_arguments(months=Number(1, MAX_MONTHS, integer=True))
@frappe.read_only()
def get_forecast_deals(
	month: str | int,
	portfolio: str | None = None,
	scope: str = "me",
	months: int = 6,
	template: str | None = None,
) -> list[dict]:
	"""The drill-down of one month of the forecast ("2026-12", or its number 12 within the horizon): its
	open deals with their rate and expected amount, largest first."""
	check_read()
	today = getdate(nowdate())
	keys = month_keys(today, months)
	if isinstance(month, int):  # a month number: that month within the horizon
		month = next((key for key in keys if int(key[5:]) == month), str(month))
	if month not in keys:
		frappe.throw(_("Month {0} is not in the forecast").format(bold_text(str(month)[:7])))
	index = keys.index(month)
	with team_lookups_once():
		deals = placed_deals(forecast_board(portfolio, template), scope_users(scope), month=index)
	chosen = [d for d in deals if d.month == index and flt(d.amount) > 0]
	chosen.sort(key=lambda d: (-flt(d.amount) * d.rate, d.name))
	return [
		{
			"name": d.name,
			"title": d.title,
			"account_name": d.account_name,
			"stage": d.stage,
			"amount": flt(d.amount, 2),
			"rate": flt(d.rate, 3),
			"expected": flt(flt(d.amount) * d.rate, 2),
			"expected_signature_date": str(d.expected_signature_date) if d.expected_signature_date else None,
		}
		for d in chosen
	]


def reason_labels(deal, codes: list[str], context: dict) -> list[dict]:
	labels = {
		OVERDUE: lambda: _("Expected signature date passed"),
		NO_ACTION: lambda: _("No action for {0} days").format(context["no_action_days"]),
		STUCK: lambda: _("In this stage for {0} days (usually at most {1})").format(
			int((context["now"] - deal.stage_since).total_seconds() // 86400),
			int(round(context["p80"].get(deal.template, {}).get(deal.stage) or 0)),
		),
	}
	return [{"code": code, "label": labels[code]()} for code in codes]


RISK_FIELDS = [
	"name",
	"title",
	"account_name",
	"portfolio",
	"stage",
	"status",
	"amount",
	"currency",
	"expected_signature_date",
	"creation",
	"last_action_on",
	"next_action_date",
	"stage_since",
]


@frappe.whitelist()
@checked_arguments(limit=Number(1, MAX_LIMIT, integer=True))
@frappe.read_only()
def get_deals_at_risk(
	portfolio: str | None = None, scope: str = "me", limit: int = 50, template: str | None = None
) -> list[dict]:
	"""Open deals at risk (expected signature date passed, no action for N days, in their stage beyond
	its 80th percentile time), most reasons and largest amount first. The database picks the deals of
	each reason (queries.risk_candidates: a few hundred short rows, not every open deal); only the
	`limit` first ones are read whole and their reasons told by the rule itself (forecast/risk.py)."""
	check_read()
	board = forecast_board(portfolio, template)
	filters = [["portfolio", "in", board["portfolios"] or [""]], ["status", "=", "Open"]]
	users = scope_users(scope)
	if users is not None:
		filters.append(["salesperson", "in", users or [""]])
	context = queries.risk_context()
	with team_lookups_once():
		chosen = queries.risk_candidates(board, filters, context)[:limit]
		deals = frappe.get_list(
			"CRM Opportunity",
			filters=[*filters, ["name", "in", chosen or [""]]],
			fields=RISK_FIELDS,
			order_by=None,
		)
	flagged = []
	for deal in deals:
		codes = queries.deal_risks(deal, context)
		if codes:
			deal.template = frappe.get_cached_value("CRM Portfolio", deal.portfolio, "stage_template")
			flagged.append((deal, codes))
	flagged.sort(key=lambda item: (-len(item[1]), -flt(item[0].amount), item[0].name))
	stage_names = dict(
		frappe.get_all(
			"CRM Stage",
			filters={"name": ("in", list({d.stage for d, _codes in flagged}) or [""])},
			fields=["name", "stage_name"],
			as_list=True,
		)
	)
	return [
		{
			"name": deal.name,
			"title": deal.title,
			"account_name": deal.account_name,
			"stage": deal.stage,
			"stage_name": stage_names.get(deal.stage, deal.stage),
			"amount": flt(deal.amount, 2),
			"currency": deal.currency,
			"expected_signature_date": str(deal.expected_signature_date)
			if deal.expected_signature_date
			else None,
			"reasons": reason_labels(deal, codes, context),
		}
		for deal, codes in flagged[:limit]
	]
