#!/usr/bin/env bash
# Browser test of the opportunities board (/app/crm-board): headless Chromium driven by playwright-core
# against `bench serve` on a free local port, as the demo salesperson.
#   scripts/browser.sh            (make browser; BROWSER_SITE=<site> to choose the site, default the dev site;
#                                  BROWSER_TESTS="board.test.mjs" to run only some of tests/browser/*.test.mjs)
# Screenshots: bench-results/screenshots/. Exits non-zero when the test fails.
set -euo pipefail
CHECKOUT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib.sh
. "$CHECKOUT/scripts/lib.sh"
SITE="${BROWSER_SITE:-$DEV_SITE}"
SCREENSHOTS="${SCREENSHOTS:-$CHECKOUT/bench-results/screenshots}"

if ! bench_present; then
	echo "SKIPPED browser test: no bench at $CRM_PORTAL_BENCH (run 'make bootstrap')"
	exit 0
fi
if [ ! -f "$CRM_PORTAL_BENCH/sites/$SITE/site_config.json" ]; then
	echo "SKIPPED browser test: no site $SITE on the bench (run 'make bootstrap')"
	exit 0
fi
command -v node >/dev/null 2>&1 || die "node is required for the browser test"

if ! command -v chromium >/dev/null 2>&1; then
	[ "$(id -u)" = "0" ] || die "Chromium is missing: sudo apt-get install -y chromium"
	step "Installing Chromium (Debian package)"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ ! -f "$CHECKOUT/tests/browser/node_modules/playwright-core/package.json" ]; then
	step "Installing playwright-core (tests/browser)"
	(cd "$CHECKOUT/tests/browser" && npm install --no-audit --no-fund --silent)
fi

start_services
link_app "$CHECKOUT"
if [ ! -d "$CRM_PORTAL_BENCH/sites/assets/frappe/dist" ]; then
	step "Building desk assets"
	bench_cmd build --app frappe
fi
step "Compiling translations (crm_portal/locale/*.po → sites/assets/locale)"
step "Migrating $SITE"
bench_cmd --site "$SITE" migrate --skip-search-index >/dev/null
step "Loading the demo data on $SITE"
bench_cmd --site "$SITE" execute crm_portal.demo.load >/dev/null
# what the tests open from now on is closed at the end, so runs do not pile cards on the demo board
run_start=$(bench_cmd --site "$SITE" execute frappe.utils.now | tail -1)

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
serve_log=$(mktemp)
step "bench --site $SITE serve --port $port"
# A session of its own, so the whole server (runuser → bench → werkzeug) stops with one signal.
setsid bash -c "cd '$CRM_PORTAL_BENCH' && exec runuser -u '$CRM_PORTAL_USER' -- env HOME='/home/$CRM_PORTAL_USER' PATH='$BENCH_CLI_VENV/bin:$PATH' bench --site '$SITE' serve --port '$port' --noreload" \
	>"$serve_log" 2>&1 &
server=$!
stop_server() {
	kill -TERM -- "-$server" 2>/dev/null || true
	for _ in $(seq 1 20); do
		kill -0 -- "-$server" 2>/dev/null || break
		sleep 0.5
	done
	kill -KILL -- "-$server" 2>/dev/null || true
	wait "$server" 2>/dev/null || true
	rm -f "$serve_log"
	bench_cmd --site "$SITE" execute crm_portal.demo.close_leftovers --kwargs "{'since': $run_start}" || true
}
trap stop_server EXIT
for _ in $(seq 1 60); do
	curl -fsS "http://127.0.0.1:$port/api/method/ping" >/dev/null 2>&1 && break
	sleep 1
done
curl -fsS "http://127.0.0.1:$port/api/method/ping" >/dev/null 2>&1 || {
	tail -30 "$serve_log"
	die "bench serve did not answer on port $port"
}

step "Browser test (headless Chromium) on http://127.0.0.1:$port"
set +e
# Every tests/browser/*.test.mjs, or those named in BROWSER_TESTS (file names, space-separated).
status=0
failed=()
flaky=()
outputs=$(mktemp -d)
run_browser_test() { # $1: test file, $2: where its output goes (also shown)
	(cd "$CHECKOUT/tests/browser" && BASE_URL="http://127.0.0.1:$port" SCREENSHOTS="$SCREENSHOTS" node "$1") 2>&1 | tee "$2"
	return "${PIPESTATUS[0]}"
}
for test in ${BROWSER_TESTS:-$(cd "$CHECKOUT/tests/browser" && ls *.test.mjs)}; do
	step "node $test"
	if ! run_browser_test "$test" "$outputs/$test.1"; then
		# A headless browser against a one-process dev server can time out once under load: one more run
		# tells a slow machine from a broken test. A test that passes only the second time is reported.
		step "node $test (second run, after a failure)"
		if run_browser_test "$test" "$outputs/$test.2"; then
			flaky+=("$test")
		else
			failed+=("$test")
			status=1
		fi
	fi
done
set -e
if [ "$status" -ne 0 ]; then
	echo "--- bench serve log (last lines) ---"
	tail -40 "$serve_log"
fi
# The summary comes last, so the end of a CI log says which test failed and why.
for test in "${flaky[@]}"; do
	echo "FLAKY browser test $test: failed once, passed on its second run; its first failure:"
	grep -v "console error" "$outputs/$test.1" | tail -15
done
for test in "${failed[@]}"; do
	echo "=== FAILED browser test $test (second run, without console errors) ==="
	grep -v "console error" "$outputs/$test.2" | tail -25
done
rm -rf "$outputs"
if [ "$status" -ne 0 ]; then
	echo "FAILED browser test(s): ${failed[*]} (screenshots in $SCREENSHOTS)"
fi
exit "$status"
