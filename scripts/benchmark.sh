#!/usr/bin/env bash
# `make bench`: runs crm_portal.benchmarks on the test site; prints a table, writes JSON to bench-results/.
set -euo pipefail
CHECKOUT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib.sh
. "$CHECKOUT/scripts/lib.sh"
bench_present || die "No bench at $CRM_PORTAL_BENCH: run 'make bootstrap' first."
start_services
link_app "$CHECKOUT"
out_dir="$CRM_PORTAL_BENCH/sites/$TEST_SITE/private"
sizes="${BENCH_SIZES:-10000,100000}"
bench_cmd --site "$TEST_SITE" execute crm_portal.benchmarks.run \
	--kwargs "{'sizes': [${sizes}], 'repeats': ${BENCH_REPEATS:-15}, 'output': '$out_dir/crm_portal_benchmark.json'}" >/dev/null
mkdir -p "$CHECKOUT/bench-results"
cp "$out_dir/crm_portal_benchmark.json" "$CHECKOUT/bench-results/benchmark.json"
python3 - "$CHECKOUT/bench-results/benchmark.json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
print(f"machine: {data['machine']}")
for size, rows in data["sizes"].items():
	print(f"\n{int(size):,} opportunities (generated in {rows.pop('generate_s')} s)")
	print(f"{'endpoint':48} {'p50 ms':>9} {'p95 ms':>9} {'queries':>8}")
	for name, r in rows.items():
		print(f"{name:48} {r['p50_ms']:>9} {r['p95_ms']:>9} {r['queries']:>8}")
print(f"\nJSON: {sys.argv[1]}")
PY
