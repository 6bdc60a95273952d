#!/usr/bin/env bash
# Runs the Frappe integration suite of THIS checkout on the bench's test site.
#   scripts/integration.sh [--module crm_portal.tests.test_install] [--test test_name]
set -euo pipefail
CHECKOUT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib.sh
. "$CHECKOUT/scripts/lib.sh"

if ! bench_present; then
	echo "SKIPPED Frappe integration suite: no bench at $CRM_PORTAL_BENCH (run 'make bootstrap')"
	exit 0
fi

# Our tests build their records with factories (crm_portal/tests/utils.py); Frappe's automatic test
# records would walk every Link of ERPNext and stop on DocTypes of apps not installed (Payment Gateway).
target=(--app crm_portal)
tests=()
while [ $# -gt 0 ]; do
	case "$1" in
	--module) target=(--module "$2"); shift 2 ;;
	--test) tests+=(--test "$2"); shift 2 ;;
	*) die "unknown argument $1" ;;
	esac
done
args=("${target[@]}" "${tests[@]}")

start_services
link_app "$CHECKOUT"
# The hostile-input suite uses hypothesis, a test-only dependency (pinned in requirements-dev.txt).
if ! as_bench_user "$CRM_PORTAL_BENCH/env/bin/python" -c "import hypothesis" 2>/dev/null; then
	as_bench_user "$CRM_PORTAL_BENCH/env/bin/pip" install -q "$(grep -m1 '^hypothesis' "$CHECKOUT/requirements-dev.txt")"
fi
if [ "${CRM_PORTAL_FRESH_TEST_SITE:-0}" = "1" ]; then
	recreate_test_site
fi
[ -f "$CRM_PORTAL_BENCH/sites/$TEST_SITE/site_config.json" ] || die "No test site $TEST_SITE: run 'make bootstrap'."
step "Migrating $TEST_SITE"
migrate_log=$(mktemp)
if ! bench_cmd --site "$TEST_SITE" migrate --skip-search-index >"$migrate_log" 2>&1; then
	tr '\r' '\n' <"$migrate_log" | grep -v '^Updating DocTypes' | tail -40
	die "bench migrate failed on $TEST_SITE"
fi
rm -f "$migrate_log"
step "bench --site $TEST_SITE run-tests ${args[*]}"
# Without CI set, bench run-tests exits 0 even when tests fail.
log=$(mktemp)
set +e
(cd "$CRM_PORTAL_BENCH" && as_bench_user env CI=1 bench --site "$TEST_SITE" run-tests --skip-test-records "${args[@]}") 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -eq 0 ] && ! grep -Eq '^Ran [1-9][0-9]* tests?' "$log"; then
	echo "ERROR: the integration suite ran no test" >&2
	status=1
fi
rm -f "$log"
exit "$status"
