"""The pure part of `make loadtest`: latency figures per request type, the targets, and the check that
no write was lost or applied twice (what the clients recorded against what the site holds). No frappe
import: tested by tests/test_bench_reconcile.py, run on its own to write the markdown
(`python3 -m crm_portal.benchmarks.reconcile bench-results/loadtest.json bench-results/loadtest.md`)."""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict

from crm_portal.benchmarks.report import percentile

READ_P95_MS, WRITE_P95_MS = 150, 300
# request name: kind ("read" → READ_P95_MS, "write" → WRITE_P95_MS)
REQUEST_KINDS = {
	"board": "read",
	"column page": "read",
	"account search": "read",
	"move": "write",
	"create action": "write",
}


def request_stats(requests: list[dict], seconds: float) -> dict:
	"""Per request name: count, errors, requests/s, p50/p95/p99 (ms) and the target check.
	`requests`: [{"name", "ms", "ok"}] as the locustfile records them."""
	by_name = defaultdict(list)
	errors = Counter()
	for r in requests:
		by_name[r["name"]].append(r["ms"])
		if not r["ok"]:
			errors[r["name"]] += 1
	stats = {}
	for name, times in sorted(by_name.items()):
		kind = REQUEST_KINDS.get(name)
		target = READ_P95_MS if kind == "read" else WRITE_P95_MS if kind == "write" else None
		p95 = round(percentile(times, 95), 1)
		stats[name] = {
			"count": len(times),
			"errors": errors[name],
			"rps": round(len(times) / seconds, 2) if seconds else None,
			"p50_ms": round(percentile(times, 50), 1),
			"p95_ms": p95,
			"p99_ms": round(percentile(times, 99), 1),
			"target_p95_ms": target,
			"mark": "-" if target is None else ("pass" if p95 <= target else "miss"),
		}
	return stats


def reconcile_actions(recorded: list[dict], found: dict[str, int]) -> dict:
	"""Actions the clients created against the site. `recorded`: [{"token", "ok"}] (the token is in
	the subject, unique per request); `found`: token -> number of actions with it on the site.
	Lost: acknowledged but absent; twice: present more than once; unacknowledged: present although the
	client saw an error (a write the user would retry, so a duplicate in the making)."""
	acknowledged = {r["token"] for r in recorded if r["ok"]}
	failed = {r["token"] for r in recorded if not r["ok"]} - acknowledged
	lost = sorted(t for t in acknowledged if not found.get(t))
	twice = sorted(t for t, n in found.items() if n > 1)
	unacknowledged = sorted(t for t in failed if found.get(t))
	unknown = sorted(t for t in found if t not in acknowledged and t not in failed)
	return {
		"acknowledged": len(acknowledged),
		"on_site": sum(found.values()),
		"lost": lost,
		"twice": twice,
		"unacknowledged": unacknowledged,
		"unknown": unknown,
	}


def reconcile_moves(recorded: list[dict], history: dict[str, list[str]], final: dict[str, str]) -> dict:
	"""Stage moves the clients made against the site's stage history. `recorded`: [{"opportunity",
	"to", "ok"}] in the order each client sent them (one client per opportunity); `history`:
	opportunity -> the stages it entered during the run, oldest first (Versions); `final`: opportunity
	-> its stage now. Each opportunity's acknowledged moves must be its history exactly: fewer entries
	= lost moves, more = moves applied twice or not acknowledged; its stage now = its last move."""
	moves = defaultdict(list)
	failed = defaultdict(list)
	for r in recorded:
		(moves if r["ok"] else failed)[r["opportunity"]].append(r["to"])
	lost, twice, mismatched, wrong_final = {}, {}, {}, {}
	for opportunity in sorted(set(moves) | set(history)):
		sent, seen = moves.get(opportunity, []), history.get(opportunity, [])
		if sent == seen:
			pass
		elif len(seen) < len(sent):
			lost[opportunity] = {"sent": sent, "history": seen}
		elif len(seen) > len(sent):
			twice[opportunity] = {"sent": sent, "history": seen, "failed": failed.get(opportunity, [])}
		else:
			mismatched[opportunity] = {"sent": sent, "history": seen}
		if sent and final.get(opportunity) != sent[-1]:
			wrong_final[opportunity] = {"last_sent": sent[-1], "now": final.get(opportunity)}
	return {
		"acknowledged": sum(len(v) for v in moves.values()),
		"in_history": sum(len(v) for v in history.values()),
		"opportunities": len(moves),
		"lost": lost,
		"twice": twice,
		"mismatched": mismatched,
		"wrong_final": wrong_final,
	}


def problems(result: dict) -> list[str]:
	"""What makes the load test fail: request errors, lost or doubled writes."""
	found = []
	errors = sum(s["errors"] for s in result["requests"].values())
	if errors:
		found.append(f"{errors} request errors")
	actions = result["actions"]
	for key in ("lost", "twice", "unacknowledged", "unknown"):
		if actions[key]:
			found.append(f"actions {key}: {len(actions[key])}")
	for source, label in (("moves", "moves"), ("moves_log", "moves (stage-change log)")):
		for key in ("lost", "twice", "mismatched", "wrong_final"):
			if result.get(source) and result[source][key]:
				found.append(f"{label} {key}: {len(result[source][key])}")
	return found


def markdown(result: dict) -> str:
	run = result["run"]
	lines = [
		f"{run['users']} salespeople, {run['seconds']} s from the moment all were logged in (logins and one "
		f"warm-up board each not counted), {run['workers']} gunicorn workers, "
		f"{run['opportunities']:,} opportunities; {run.get('cpus', '?')} cores, load average "
		f"{run.get('load_before')} before, {run.get('load_after')} after; {run.get('measured_at', '')}.",
		"",
		"| request | count | req/s | errors | p50 ms | p95 ms | p99 ms | target p95 |",
		"|---|---|---|---|---|---|---|---|",
	]
	for name, s in result["requests"].items():
		mark = {"pass": " ✅", "miss": " ❌"}.get(s["mark"], "")
		target = f"≤ {s['target_p95_ms']} ms{mark}" if s["target_p95_ms"] else "-"
		lines.append(
			f"| {name} | {s['count']} | {s['rps']} | {s['errors']} | {s['p50_ms']} | {s['p95_ms']} | "
			f"{s['p99_ms']} | {target} |"
		)
	total = sum(s["count"] for s in result["requests"].values())
	lines.append(f"| **all** | {total} | {round(total / run['seconds'], 2)} | "
		f"{sum(s['errors'] for s in result['requests'].values())} | | | | |")  # fmt: skip
	a, m = result["actions"], result["moves"]
	lines += [
		"",
		f"Writes: {a['acknowledged']} actions acknowledged, {a['on_site']} on the site (lost {len(a['lost'])}, "
		f"twice {len(a['twice'])}, unacknowledged {len(a['unacknowledged'])}); {m['acknowledged']} moves "
		f"acknowledged on {m['opportunities']} opportunities, {m['in_history']} in the stage history (lost "
		f"{len(m['lost'])}, twice {len(m['twice'])}, out of order {len(m['mismatched'])}, wrong final "
		f"stage {len(m['wrong_final'])})"
		+ (
			f"; stage-change log: {result['moves_log']['in_history']} rows (lost {len(result['moves_log']['lost'])}, "
			f"twice {len(result['moves_log']['twice'])})."
			if result.get("moves_log")
			else "."
		),
		"",
		"Result: " + ("; ".join(result["problems"]) if result["problems"] else "0 errors, 0 lost writes."),
	]
	return "\n".join(lines)


def main(argv: list[str]) -> int:
	with open(argv[1]) as f:
		result = json.load(f)
	with open(argv[2], "w") as f:
		f.write(markdown(result) + "\n")
	print(markdown(result))
	return 1 if result["problems"] else 0


if __name__ == "__main__":
	sys.exit(main(sys.argv))
