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
	--kwargs "{'sizes': [${sizes}], 'repeats': ${BENCH_REPEATS:-15}, 'output': '$out_dir/crm_portal_benchmark.json'}"
mkdir -p "$CHECKOUT/bench-results"
cp "$out_dir/crm_portal_benchmark.json" "$CHECKOUT/bench-results/benchmark.json"
echo "Copied to $CHECKOUT/bench-results/benchmark.json"
