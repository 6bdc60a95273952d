"""The pure part of `make bench`: percentiles, the issue's targets, pass/miss marks and the markdown
tables. No frappe import: tested by tests/test_bench_report.py, and runnable on its own
(`python3 -m crm_portal.benchmarks.report bench-results/benchmark.json bench-results/benchmark.md`)."""

from __future__ import annotations

import json
import math
import sys

SMALL, LARGE = 100_000, 1_000_000

# endpoint key: (label, p50 target in ms at 100 000, at 1 000 000) — None: no target, measured only.
ENDPOINTS = {
	"board": ("board, one portfolio", 25, 40),
	"board_generic": ("board, generic per-stage get_list + count", None, None),
	"grouping": ("grouping of 5 portfolios", 50, 80),
	"board_search": ("board search", 40, 60),
	"calendar": ("calendar, 12 months", 40, 60),
	"actions_feed": ("actions feed + bucket counts", 30, 30),
	"account_search": ("account search, starts-with", 30, 30),
	"archives": ("archives (won), first page", None, None),
	"signed": ("signed-proposals panel", None, None),
}
# Personas whose board must be at least this many times faster than the generic per-stage way.
SPEEDUP = 2.0
SPEEDUP_PERSONAS = ("sales_user", "team_lead")
P95_FACTOR = 2.0  # "p95 within 2x of p50"

PASS, MISS, NONE = "pass", "miss", "-"


def percentile(values: list[float], q: float) -> float:
	"""The q-th percentile (0-100) by linear interpolation between closest ranks (numpy's default)."""
	if not values:
		raise ValueError("percentile of no values")
	if not 0 <= q <= 100:
		raise ValueError(f"percentile {q} outside 0-100")
	ordered = sorted(values)
	rank = (len(ordered) - 1) * q / 100
	low, high = math.floor(rank), math.ceil(rank)
	return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(values: list[float]) -> dict:
	"""p50/p95/p99 (ms, one decimal) and the number of samples."""
	return {
		"p50_ms": round(percentile(values, 50), 1),
		"p95_ms": round(percentile(values, 95), 1),
		"p99_ms": round(percentile(values, 99), 1),
		"n": len(values),
	}


def target_for(endpoint: str, size: int) -> float | None:
	"""The p50 target of an endpoint at a data size: the 100 000 one up to 100 000, the 1 000 000 one
	above (the issue gives both)."""
	_, small, large = ENDPOINTS.get(endpoint, (endpoint, None, None))
	return small if size <= SMALL else large


def check(p50: float, p95: float, target: float | None) -> tuple[str, str]:
	"""(mark, reason): pass when p50 is within the target and p95 within P95_FACTOR x p50."""
	if target is None:
		return NONE, ""
	reasons = []
	if p50 > target:
		reasons.append(f"p50 {p50:g} > {target:g} ms ({p50 / target:.1f}x)")
	if p95 > P95_FACTOR * p50:
		reasons.append(f"p95 {p95:g} > {P95_FACTOR:g}x p50")
	return (MISS, "; ".join(reasons)) if reasons else (PASS, "")


def check_speedup(ours_p50: float, generic_p50: float) -> tuple[str, float]:
	"""(mark, ratio) of our board against the generic per-stage way (ratio = generic / ours)."""
	ratio = generic_p50 / ours_p50 if ours_p50 > 0 else math.inf
	return (PASS if ratio >= SPEEDUP else MISS), round(ratio, 2)


def evaluate(size: int, personas: dict) -> dict:
	"""Adds a `mark` and `reason` to each measured endpoint of each persona at `size`, and a
	`speedup` entry (board vs per-stage) to the personas that have both. Returns the counts of
	pass/miss."""
	counts = {PASS: 0, MISS: 0}
	for key, rows in personas.items():
		for endpoint, row in rows.get("endpoints", {}).items():
			mark, reason = check(row["p50_ms"], row["p95_ms"], target_for(endpoint, size))
			row["target_ms"] = target_for(endpoint, size)
			row["mark"], row["reason"] = mark, reason
			if mark in counts:
				counts[mark] += 1
		ours, generic = rows.get("endpoints", {}).get("board"), rows.get("endpoints", {}).get("board_generic")
		if ours and generic:
			mark, ratio = check_speedup(ours["p50_ms"], generic["p50_ms"])
			rows["speedup"] = {"ratio": ratio, "mark": mark if key in SPEEDUP_PERSONAS else NONE}
			if key in SPEEDUP_PERSONAS:
				counts[mark] += 1
	return counts


def cell(row: dict | None) -> str:
	if not row:
		return "n/a"
	mark = {PASS: " ✅", MISS: " ❌"}.get(row.get("mark"), "")
	return f"{row['p50_ms']:g} / {row['p95_ms']:g} ({row['queries']}){mark}"


def markdown(results: dict) -> str:
	"""One table per size: endpoints as rows, personas as columns, "p50 / p95 ms (SQL statements)",
	the target beside and a pass/miss mark; then the board's speed-up against the per-stage way."""
	lines = []
	machine = results.get("machine", {})
	for size in sorted(results.get("sizes", {}), key=int):
		data = results["sizes"][size]
		personas = data["personas"]
		labels = [p["label"] for p in personas.values()]
		lines.append(f"### {int(size):,} opportunities".replace(",", " "))
		lines.append("")
		lines.append(describe(data, machine))
		lines.append("")
		lines.append("| endpoint | target p50 | " + " | ".join(labels) + " |")
		lines.append("|---|---|" + "---|" * len(labels))
		measured = [e for p in personas.values() for e in p.get("endpoints", {})]
		for endpoint in [*ENDPOINTS, *sorted(set(measured) - set(ENDPOINTS))]:
			if endpoint not in measured:
				continue
			label = ENDPOINTS.get(endpoint, (endpoint.replace("_", " "),))[0]
			target = target_for(endpoint, int(size))
			cells = [cell(p.get("endpoints", {}).get(endpoint)) for p in personas.values()]
			lines.append(f"| {label} | {'≤ %g ms' % target if target else '-'} | " + " | ".join(cells) + " |")
		ratios = []
		for p in personas.values():
			speedup = p.get("speedup")
			if not speedup:
				ratios.append("n/a")
				continue
			mark = {PASS: " ✅", MISS: " ❌"}.get(speedup["mark"], "")
			ratios.append(f"{speedup['ratio']:g}x{mark}")
		lines.append(
			f"| board vs per-stage (speed-up) | ≥ {SPEEDUP:g}x (Sales User, team lead) | "
			+ " | ".join(ratios)
			+ " |"
		)
		lines.append("")
	return "\n".join(lines)


def explain_markdown(results: dict) -> str:
	"""The EXPLAIN of each missed endpoint (stored by personas.explain_misses): per statement, each table
	read with its index (key), access type, estimated rows and Extra."""
	lines = []
	for size in sorted(results.get("sizes", {}), key=int):
		for persona in results["sizes"][size]["personas"].values():
			for endpoint, row in persona.get("endpoints", {}).items():
				if not row.get("explain"):
					continue
				label = ENDPOINTS.get(endpoint, (endpoint,))[0]
				lines.append(f"- {int(size):,} opportunities, {label}, {persona['label']} ({row['reason']}):")
				for statement in row["explain"]:
					if "error" in statement:
						lines.append(f"  - EXPLAIN failed: {statement['error']}")
						continue
					reads = "; ".join(
						f"{p['table']} {p['type']} key={p['key'] or 'none'} rows={p['rows']}"
						+ (f" ({p['Extra']})" if p.get("Extra") else "")
						for p in statement["plan"]
					)
					lines.append(f"  - `{statement['query'][:160]}…` → {reads}")
	return "\n".join(lines)


def describe(data: dict, machine: dict) -> str:
	parts = [
		f"{machine.get('cpus', '?')} cores",
		f"Python {machine.get('python', '?')}",
		f"MariaDB {machine.get('mariadb', '?')}",
	]
	if data.get("load_before") is not None:
		parts.append(f"load average {data['load_before']} before, {data.get('load_after')} after")
	parts.append(f"{data.get('repeats', '?')} repeats")
	if data.get("generate_s") is not None:
		parts.append(
			f"data generated in {data['generate_s']} s"
			if data["generate_s"]
			else "data kept from an earlier run"
		)
	if data.get("measured_at"):
		parts.append(f"measured {data['measured_at']}")
	return (
		"p50 / p95 ms (SQL statements), in-process, each persona calling as itself; " + ", ".join(parts) + "."
	)


def main(argv: list[str]) -> int:
	source, target = argv[1], argv[2]
	with open(source) as f:
		results = json.load(f)
	explained = explain_markdown(results)
	with open(target, "w") as f:
		f.write(markdown(results) + "\n")
		if explained:
			f.write("\n#### EXPLAIN of the misses\n\n" + explained + "\n")
	print(f"Markdown written to {target}")
	return 0


if __name__ == "__main__":
	sys.exit(main(sys.argv))
