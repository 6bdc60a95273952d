"""The reads behind the forecast API and the board's risk flags and learned weighting.

What a user reads (conversion, forecast, deals at risk) goes through `frappe.get_list`, so the walls of
the opportunities and of the log (crm_portal/permissions.py) apply. The per-template thresholds the board
uses for every viewer alike (80th percentile time per stage, learned stage-to-win rates) are statistics
of the whole template, like the typed probability an admin sets: computed once, cached a few minutes."""

import hashlib
import time
from datetime import date, timedelta

import frappe
from frappe.utils import add_months, cint, getdate, nowdate

from crm_portal.forecast import stats

STAGE_CHANGE = "CRM Stage Change"
LEARNING_MONTHS = 24
CACHE_KEY = "crm_portal:forecast:template_figures"
STATS_CACHE_KEY = "crm_portal:forecast:stats"
CACHE_SECONDS = 600
KEEP_SECONDS = 24 * 3600
LOG_FIELDS = ["opportunity", "changed_on", "to_stage", "to_status", "amount"]


# Composite indexes of the forecast's statements on CRM Opportunity (created by its on_doctype_update
# and the patch forecast_indexes); test_forecast checks their plans. forecast_index gives the largest open
# deals in (amount desc, name asc) order without a sort and covers the grouped sums; risk_index covers
# the at-risk statements ("stuck": a range on stage and stage_since); forecast_signed_index covers the
# signed amounts of the coming months.
INDEXES = {
	"forecast_index": [
		"portfolio", "status", "amount desc", "name", "stage_template", "stage", "probability",
		"expected_signature_date", "creation",
	],
	"risk_index": [
		"portfolio", "status", "stage", "stage_since", "expected_signature_date", "creation",
		"last_action_on", "next_action_date", "amount", "salesperson",
	],
	"forecast_signed_index": ["portfolio", "status", "signed_on", "amount", "salesperson"],
}  # fmt: skip


def add_indexes() -> None:
	for name, columns in INDEXES.items():
		frappe.db.add_index("CRM Opportunity", columns, name)


def settings_min_sample() -> int:
	value = frappe.get_cached_doc("CRM Portal Settings").get("forecast_min_sample")
	return 10 if value is None else max(cint(value), 0)


def settings_no_action_days() -> int:
	value = frappe.get_cached_doc("CRM Portal Settings").get("risk_no_action_days")
	return 30 if value is None else max(cint(value), 0)


def learning_start() -> date:
	return getdate(add_months(nowdate(), -LEARNING_MONTHS))


def template_stages(templates: list[str]) -> list[dict]:
	if not templates:
		return []
	return frappe.get_all(
		"CRM Stage",
		filters={"stage_template": ("in", templates)},
		fields=["name", "stage_name", "stage_type", "position", "probability", "stage_template"],
		order_by="stage_template asc, position asc, name asc",
	)


def log_paths(portfolios: list[str] | None, users: list[str] | None, walls: bool = True) -> dict:
	"""The paths of the deals of `portfolios` (None: every one) whose salesperson is in `users` (None:
	anyone), read within the user's walls unless `walls` is False."""
	filters = []
	if portfolios is not None:
		filters.append(["portfolio", "in", portfolios or [""]])
	if users is not None:
		filters.append(["salesperson", "in", users or [""]])
	reader = frappe.get_list if walls else frappe.get_all
	rows = reader(STAGE_CHANGE, filters=filters, fields=LOG_FIELDS, order_by=None, as_list=True)
	return stats.deal_paths(dict(zip(LOG_FIELDS, row, strict=True)) for row in rows)


def scope_stats(
	portfolios: list[str] | None,
	stages: list[str],
	users: list[str] | None,
	start: date | None,
	end: date | None,
	min_sample: int,
	walls: bool = True,
) -> stats.Stats:
	"""The figures of a scope. Statistics over months move slowly: they are cached CACHE_SECONDS per
	reader (the walls), scope, period and minimum."""
	signature = repr(
		(frappe.session.user if walls else None, portfolios, stages, users, start, end, min_sample)
	)
	key = f"{STATS_CACHE_KEY}:{hashlib.sha1(signature.encode()).hexdigest()}"
	cache = frappe.cache()
	cached = cache.get_value(key, expires=True)
	if cached is not None:
		return cached
	value = stats.compute_stats(log_paths(portfolios, users, walls), stages, min_sample, start, end)
	cache.set_value(key, value, expires_in_sec=CACHE_SECONDS)
	return value


def template_figures(template: str) -> dict:
	"""What the board and the forecast weigh every deal of a template with, for every viewer alike, over
	the last 24 months of all its portfolios and salespeople: {"p80": {stage: days}, "rates": {stage:
	learned stage-to-win rate}, "cycle_days": float | None, "slip_days": median days between expected and
	actual signature | None}; a figure resting on too few deals is left out.

	Computing them reads the template's whole log (about 1 s at 500 000 stage changes), so no reader waits
	for it once it has been done: a copy older than CACHE_SECONDS is still served while a background job
	(one per template) computes the next; only the first read after a clear, or after KEEP_SECONDS
	without a reader, computes in the request."""
	cached = frappe.cache().get_value(f"{CACHE_KEY}:{template}", expires=True)
	if cached is None:
		return refresh_template_figures(template)
	if time.time() - cached["at"] > CACHE_SECONDS:
		frappe.enqueue(
			"crm_portal.forecast.queries.refresh_template_figures",
			queue="short",
			job_id=f"{CACHE_KEY}:{template}",
			deduplicate=True,
			template=template,
		)
	return cached["value"]


def refresh_template_figures(template: str) -> dict:
	value = compute_template_figures(template)
	frappe.cache().set_value(
		f"{CACHE_KEY}:{template}", {"at": time.time(), "value": value}, expires_in_sec=KEEP_SECONDS
	)
	return value


def compute_template_figures(template: str) -> dict:
	portfolios = frappe.get_all("CRM Portfolio", filters={"stage_template": template}, pluck="name")
	stages = [s.name for s in template_stages([template])]
	min_sample = settings_min_sample()
	start = learning_start()
	figures = scope_stats(portfolios, stages, None, start, None, min_sample, walls=False)
	won = frappe.get_all(
		"CRM Opportunity",
		filters=[
			["portfolio", "in", portfolios or [""]],
			["status", "=", "Won"],
			["signed_on", ">=", start],
			["expected_signature_date", "is", "set"],
		],
		fields=["signed_on", "expected_signature_date"],
		as_list=True,
	)
	delays = [(getdate(signed) - getdate(expected)).days for signed, expected in won]
	return {
		"p80": {
			stage: fig.p80_days.value
			for stage, fig in figures.stages.items()
			if fig.p80_days.value is not None
		},
		"rates": stats.learned_rates(figures),
		"cycle_days": figures.cycle_days.value,
		"slip_days": stats.shown(stats.percentile(delays, 50), len(delays), min_sample).value,
	}


def clear_template_figures() -> None:
	"""Forget the cached figures (tests, and after a back-fill)."""
	frappe.cache().delete_keys(CACHE_KEY)
	frappe.cache().delete_keys(STATS_CACHE_KEY)


def stage_template_of(stage: str | None) -> str | None:
	return frappe.get_cached_value("CRM Stage", stage, "stage_template") if stage else None


def month_start(day: date) -> date:
	return day.replace(day=1)


def plus_days(day: date, days: float) -> date:
	return day + timedelta(days=round(days))


def risk_context() -> dict:
	"""What the at-risk rule needs besides the deal, read once per call."""
	return {"now": frappe.utils.now_datetime(), "no_action_days": settings_no_action_days(), "p80": {}}


def deal_risks(deal, context: dict) -> list[str]:
	"""The risk codes of one opportunity row (status, expected_signature_date, creation, last_action_on,
	next_action_date, stage, stage_since, portfolio): the p80 of its template is read once per template."""
	from crm_portal.forecast.risk import DealState, risk_reasons

	template = frappe.get_cached_value("CRM Portfolio", deal.get("portfolio"), "stage_template")
	if template not in context["p80"]:
		context["p80"][template] = template_figures(template)["p80"] if template else {}
	state = DealState(
		status=deal.get("status"),
		expected_signature_date=getdate(deal["expected_signature_date"])
		if deal.get("expected_signature_date")
		else None,
		created=deal.get("creation"),
		last_action_on=deal.get("last_action_on"),
		next_action_date=deal.get("next_action_date"),
		stage=deal.get("stage"),
		stage_since=deal.get("stage_since"),
	)
	return risk_reasons(state, context["now"], context["no_action_days"], context["p80"][template])


def risk_candidates(board: dict, filters: list, context: dict) -> list[str]:
	"""The open deals of `filters` at risk, most reasons and largest amount first: one short statement
	per reason (per stage for "stuck"), each the rule of forecast/risk.py written as filters an index
	answers — overdue: expected signature date before today; no action: creation, last done action and
	next planned action all older than the cutoff (an empty date counts as old, as the rule ignores it);
	stuck: in the stage since before now minus its 80th percentile. Fills context["p80"] per template."""
	now = context["now"]
	sets = [
		[*filters, ["expected_signature_date", "is", "set"], ["expected_signature_date", "<", now.date()]]
	]
	if context["no_action_days"]:
		cutoff = now - timedelta(days=context["no_action_days"])
		sets.append(
			[
				*filters,
				["creation", "<", cutoff],
				["last_action_on", "<", cutoff],
				["next_action_date", "<", cutoff],
			]
		)
	by_template: dict[str, list[str]] = {}
	for portfolio in board["portfolios"]:
		template = frappe.get_cached_value("CRM Portfolio", portfolio, "stage_template")
		if template:
			by_template.setdefault(template, []).append(portfolio)
	for template, portfolios in by_template.items():
		if template not in context["p80"]:
			context["p80"][template] = template_figures(template)["p80"]
		for stage, days in context["p80"][template].items():
			sets.append(
				[
					*filters,
					["portfolio", "in", portfolios],
					["stage", "=", stage],
					["stage_since", "is", "set"],
					["stage_since", "<", now - timedelta(days=days)],
				]
			)
	reasons: dict[str, int] = {}
	amounts: dict[str, float] = {}
	for conditions in sets:
		for name, amount in frappe.get_list(
			"CRM Opportunity", filters=conditions, fields=["name", "amount"], order_by=None, as_list=True
		):
			reasons[name] = reasons.get(name, 0) + 1
			amounts[name] = float(amount or 0)
	return sorted(reasons, key=lambda name: (-reasons[name], -amounts[name], name))


def learned_weights(portfolios: list[str]) -> dict[str, float] | None:
	"""Stage -> learned rate when every portfolio of a board weights with the learned rates, else None."""
	if not portfolios:
		return None
	flags = frappe.get_all(
		"CRM Portfolio",
		filters={"name": ("in", portfolios)},
		fields=["use_learned_probabilities", "stage_template"],
	)
	if not flags or not all(cint(f.use_learned_probabilities) for f in flags):
		return None
	rates = {}
	for template in {f.stage_template for f in flags}:
		rates.update(template_figures(template)["rates"])
	return rates


def apply_learned_weights(per_stage: dict, portfolios: list[str]) -> bool:
	"""Board column figures (per stage: amount, days, weighted_*): weighted with the learned rate of the
	stage where one is known (else the typed probabilities stay). True when learned rates apply."""
	rates = learned_weights(portfolios)
	if rates is None:
		return False
	for stage, row in per_stage.items():
		if stage in rates:
			row["weighted_amount"] = float(row.get("amount") or 0) * rates[stage]
			row["weighted_days"] = float(row.get("days") or 0) * rates[stage]
	return True
