#!/usr/bin/env bash
# `make bench`: crm_portal.benchmarks at each size of BENCH_SIZES (default 100000,1000000), every persona
# calling as itself; writes bench-results/benchmark.json and bench-results/benchmark.md.
#   BENCH_SIZES=100000 BENCH_REPEATS=7 make bench      a quicker run
#   BENCH_KEEP=1 make bench      keep the generated data between runs, each size on a dedicated site
#                                (created when missing: bench-100k.crm.localhost, bench-1m.crm.localhost;
#                                BENCH_SITE_<size>=<site> chooses another), so 1 000 000 is generated once
#   BENCH_FORECAST=0 make bench  without the forecast endpoints (and the ~5 stage-change rows per
#                                opportunity they need generated first)
# Without BENCH_KEEP the data goes on the test site (BENCH_SITE to choose another) and is deleted at the
# end of each size, even on failure.
set -euo pipefail
CHECKOUT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib.sh
. "$CHECKOUT/scripts/lib.sh"
bench_present || die "No bench at $CRM_PORTAL_BENCH: run 'make bootstrap' first."
start_services
link_app "$CHECKOUT"

sizes="${BENCH_SIZES:-100000,1000000}"
keep="${BENCH_KEEP:-0}"
results="$CHECKOUT/bench-results"
mkdir -p "$results"

label_of() {
	case "$1" in
	*000000) echo "$(($1 / 1000000))m" ;;
	*000) echo "$(($1 / 1000))k" ;;
	*) echo "$1" ;;
	esac
}

site_for() {
	local size="$1" var="BENCH_SITE_$1"
	if [ -n "${!var:-}" ]; then
		echo "${!var}"
	elif [ -n "${BENCH_SITE:-}" ]; then
		echo "$BENCH_SITE"
	elif [ "$keep" = "1" ]; then
		echo "bench-$(label_of "$size").crm.localhost"
	else
		echo "$TEST_SITE"
	fi
}

prepare_site() {
	local site="$1" log
	log=$(mktemp)
	if [ ! -f "$CRM_PORTAL_BENCH/sites/$site/site_config.json" ]; then
		step "Creating the benchmark site $site"
		if ! ensure_site "$site" >"$log" 2>&1; then
			tr '\r' '\n' <"$log" | grep -v '^Updating DocTypes' | tail -40
			die "could not create $site"
		fi
	fi
	step "Migrating $site"
	if ! bench_cmd --site "$site" migrate --skip-search-index >"$log" 2>&1; then
		tr '\r' '\n' <"$log" | grep -v '^Updating DocTypes' | tail -40
		die "bench migrate failed on $site"
	fi
	# the company, fiscal years and action types the generated records need
	bench_cmd --site "$site" execute crm_portal.tests.utils.before_tests >/dev/null
	rm -f "$log"
}

for size in ${sizes//,/ }; do
	site=$(site_for "$size")
	prepare_site "$site"
	out="$CRM_PORTAL_BENCH/sites/$site/private/crm_portal_benchmark.json"
	# the JSON gathers every size: start from the checkout's copy
	if [ -f "$results/benchmark.json" ]; then
		as_bench_user cp "$results/benchmark.json" "$out"
	else
		as_bench_user rm -f "$out"
	fi
	step "Benchmark: $size opportunities on $site (keep data: $keep; uptime: $(uptime | sed 's/.*load/load/'))"
	bench_cmd --site "$site" execute crm_portal.benchmarks.personas.run \
		--kwargs "{'size': $size, 'repeats': ${BENCH_REPEATS:-11}, 'output': '$out', 'keep': $([ "$keep" = "1" ] && echo True || echo False), 'forecast': $([ "${BENCH_FORECAST:-1}" = "1" ] && echo True || echo False)}"
	cp "$out" "$results/benchmark.json"
done
(cd "$CHECKOUT" && python3 -m crm_portal.benchmarks.report "$results/benchmark.json" "$results/benchmark.md")
echo "Results: $results/benchmark.json and $results/benchmark.md"
