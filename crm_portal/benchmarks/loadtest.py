"""`make loadtest`, the parts that run inside the bench (scripts/loadtest.sh calls them):

- `prepare`: the generated firm (crm_portal/benchmarks/data.py) at `size` opportunities, a password for
  the 20 load-test salespeople (each alone in their team), and the plan the locustfile reads.
- `verify`: after the run, what the site holds against what the clients recorded — every acknowledged
  action once (found by the token in its subject), every acknowledged move once and in order in the
  opportunity's stage history (Versions, as get_stage_history reads it) — and the latency figures
  (crm_portal/benchmarks/reconcile.py)."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from datetime import datetime, timezone

import frappe
from frappe.utils import now_datetime
from frappe.utils.password import update_password

from crm_portal.benchmarks import data, reconcile


def requirements() -> dict[str, list[str]]:
	"""Open stage -> the opportunity fields it and every earlier stage require (rule 2)."""
	needed, result = [], {}
	for name, _position, stage_type, _probability, required in data.STAGES:
		needed += [f for f in required if f not in needed]
		if stage_type == "Open":
			result[f"{data.TEMPLATE}-{name}"] = list(needed)
	return result


def prepare(size: int = 100000, password: str = "", plan: str = "", keep: bool = True) -> None:
	size = int(size)
	if not password or not plan:
		frappe.throw("prepare needs a password and a plan path")
	generated = data.generate(size)
	print(f"Data: {generated}")
	users = [data.seller(k) for k in data.LOAD_SELLERS]
	for user in users:
		update_password(user, password)
	frappe.db.commit()
	with open(plan, "w") as f:
		json.dump(
			{
				"site": frappe.local.site,
				"users": users,
				"password": password,
				"portfolio": data.PORTFOLIOS[0],
				"open_stages": data.OPEN_STAGES,
				"requirements": requirements(),
				"action_type": data.ACTION_TYPE,
				# starts-with on the beginning of the names of the accounts each one follows
				"account_queries": {
					u: data.account_name(k).rsplit(" ", 1)[0]
					for u, k in zip(users, data.LOAD_SELLERS, strict=True)
				},
				"started": str(now_datetime()),
				"opportunities": size,
				"keep": bool(keep),
			},
			f,
		)


def stage_history(users: list[str], since: str) -> dict[str, list[str]]:
	"""Opportunity -> the stages it entered since `since` through saves by `users`, oldest first."""
	history = defaultdict(list)
	for docname, changes in frappe.db.sql(
		"""select docname, data from `tabVersion`
		where ref_doctype = 'CRM Opportunity' and creation >= %s and owner in %s
		order by creation asc, name asc""",
		(since, users),
	):
		for fieldname, _old, new in frappe.parse_json(changes).get("changed") or []:
			if fieldname == "stage":
				history[docname].append(new)
	return dict(history)


def stage_log(users: list[str], since: str) -> dict[str, list[str]] | None:
	"""The same from the stage-change log (CRM Stage Change), when the app keeps one."""
	if not frappe.db.table_exists("CRM Stage Change"):
		return None
	history = defaultdict(list)
	for opportunity, stage in frappe.db.sql(
		"""select opportunity, to_stage from `tabCRM Stage Change`
		where creation >= %s and user in %s order by creation asc, name asc""",
		(since, users),
	):
		history[opportunity].append(stage)
	return dict(history)


def verify(plan: str, records: str, output: str, workers: int = 4, load_before: float | None = None) -> None:
	with open(plan) as f:
		plan_data = json.load(f)
	with open(records) as f:
		recorded = json.load(f)
	users, since = plan_data["users"], plan_data["started"]
	found = dict(
		frappe.db.sql(
			"""select subject, count(*) from `tabCRM Action`
			where owner in %s and creation >= %s and subject like 'Load %%' group by subject""",
			(users, since),
		)
	)
	moved = sorted({m["opportunity"] for m in recorded["moves"]})
	history = stage_history(users, since)
	final = (
		dict(frappe.db.sql("select name, stage from `tabCRM Opportunity` where name in %s", (moved,)))
		if moved
		else {}
	)
	result = {
		"run": {
			"users": len({r["user"] for r in recorded["logins"]}) if "logins" in recorded else len(users),
			"seconds": recorded["seconds"],
			"workers": int(workers),
			"opportunities": plan_data["opportunities"],
			"cpus": os.cpu_count(),
			"load_before": load_before,
			"load_after": round(os.getloadavg()[0], 2),
			"measured_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
			"site": frappe.local.site,
		},
		"requests": reconcile.request_stats(recorded["requests"], recorded["seconds"]),
		"actions": reconcile.reconcile_actions(recorded["actions"], found),
		"moves": reconcile.reconcile_moves(recorded["moves"], history, final),
	}
	log = stage_log(users, since)
	if log is not None:
		result["moves_log"] = reconcile.reconcile_moves(recorded["moves"], log, final)
	result["problems"] = reconcile.problems(result)
	with open(output, "w") as f:
		json.dump(result, f, indent=1, default=str)
	print(reconcile.markdown(result))
