"""Forecast endpoints for the benchmark (issue 18): a stage-change history for the generated
opportunities (crm_portal/benchmarks/data.py) and the calls to time. For the bench runner to call:

    forecast.generate_stage_changes()        # ~5 rows per generated opportunity, names BENCH-SC-…
    forecast.endpoints(portfolio, scope)     # {"forecast_panel": …, "stage_stats": …, "deals_at_risk": …}
    forecast.remove()                        # its rows only

The history follows each deal from the first open stage to where it is now (a few moves back and
forth), closed deals ending on their Won / Lost stage at their closing date."""

import random
from datetime import timedelta

import frappe

from crm_portal.benchmarks import data

PREFIX = "BENCH-SC-"
FIELDS = [
	"name", "opportunity", "portfolio", "stage_template", "salesperson", "from_stage", "to_stage",
	"from_status", "to_status", "currency", "amount", "days", "user", "changed_on", "source", "owner",
	"modified_by", "creation", "modified", "docstatus",
]  # fmt: skip


def history(opportunity, rng: random.Random):
	"""The moves of one generated opportunity row: (stage, status, at)."""
	open_stages = data.OPEN_STAGES
	created, end = opportunity.creation, opportunity.modified or opportunity.creation
	if opportunity.status == "Open":
		reached = open_stages.index(opportunity.stage) if opportunity.stage in open_stages else 0
	else:
		reached = rng.randrange(len(open_stages))
	path = open_stages[: reached + 1]
	for _ in range(rng.randint(0, 2)):  # steps back and forth (~5 rows per deal on average)
		if len(path) > 1:
			path = [*path[:-1], path[-2], path[-1]]
	if opportunity.status != "Open":
		path = [*path, opportunity.stage]
	span = max((end - created).total_seconds(), len(path))
	moments = sorted(created + timedelta(seconds=rng.uniform(0, span)) for _ in path[1:])
	status_of = {f"{data.TEMPLATE}-{s[0]}": s[2] for s in data.STAGES}
	return [
		(stage, status_of.get(stage, "Open"), at) for stage, at in zip(path, [created, *moments], strict=True)
	]


def rows():
	fields = [
		"name",
		"portfolio",
		"stage",
		"status",
		"salesperson",
		"owner",
		"amount",
		"days",
		"creation",
		"modified",
	]
	start = 0
	while True:
		batch = frappe.get_all(
			"CRM Opportunity",
			filters={"name": ("like", "BENCH-0%")},
			fields=fields,
			order_by="name asc",
			limit_start=start,
			limit_page_length=data.CHUNK,
		)
		if not batch:
			return
		start += len(batch)
		for opportunity in batch:
			rng = random.Random(opportunity.name)
			previous = (None, None)
			for index, (stage, status, at) in enumerate(history(opportunity, rng)):
				yield (
					f"{PREFIX}{opportunity.name[6:]}-{index}", opportunity.name, opportunity.portfolio,
					data.TEMPLATE, opportunity.salesperson, previous[0], stage, previous[1], status, "EUR",
					opportunity.amount, opportunity.days, opportunity.salesperson, at, "Live",
					opportunity.owner, opportunity.owner, at, at, 0,
				)  # fmt: skip
				previous = (stage, status)


def generate_stage_changes() -> int:
	"""Rows for the generated opportunities that have none yet (re-run: adds nothing). Returns the count."""
	if data.generated_count("CRM Stage Change", PREFIX):
		return data.generated_count("CRM Stage Change", PREFIX)
	count = data.insert_rows("CRM Stage Change", FIELDS, rows())
	frappe.db.sql(
		"""update `tabCRM Opportunity` o set o.stage_since = (select max(c.changed_on) from
		`tabCRM Stage Change` c where c.opportunity = o.name) where o.name like 'BENCH-0%%'"""
	)
	frappe.db.sql("analyze table `tabCRM Stage Change`")
	frappe.db.commit()
	return count


def endpoints(portfolio: str, scope: str) -> dict:
	from crm_portal.api import forecast

	return {
		"forecast_panel": lambda: forecast.get_forecast(portfolio=portfolio, scope=scope),
		"stage_stats": lambda: forecast.get_stage_stats(portfolio=portfolio, scope=scope),
		"deals_at_risk": lambda: forecast.get_deals_at_risk(portfolio=portfolio, scope=scope),
	}


def remove() -> None:
	frappe.db.sql("delete from `tabCRM Stage Change` where name like %s", f"{PREFIX}%")
	frappe.db.commit()
