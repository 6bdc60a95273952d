#!/usr/bin/env bash
# `make loadtest`: 20 salespeople over HTTP against gunicorn (4 workers, as a production bench) for 60 s,
# on a site with 100 000 generated opportunities (crm_portal/benchmarks/data.py); then checks that no
# move or action was lost or applied twice. Writes bench-results/loadtest.json and loadtest.md.
# Exits non-zero on request errors or lost/doubled writes (latency misses are reported, not fatal).
#   LOAD_SITE=<site>      default: the site BENCH_KEEP=1 make bench keeps 100 000 on (bench-100k.crm.localhost),
#                         created when missing; the generated data stays there for the next run
#   LOAD_USERS=20 LOAD_SECONDS=60 LOAD_WORKERS=4 LOAD_SIZE=100000
#   LOAD_WAIT_MIN=1 LOAD_WAIT_MAX=4   each salesperson's think time between two clicks, in seconds
set -euo pipefail
CHECKOUT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib.sh
. "$CHECKOUT/scripts/lib.sh"
bench_present || die "No bench at $CRM_PORTAL_BENCH: run 'make bootstrap' first."

SITE="${LOAD_SITE:-${BENCH_SITE_100000:-bench-100k.crm.localhost}}"
USERS="${LOAD_USERS:-20}"
SECONDS_="${LOAD_SECONDS:-60}"
WORKERS="${LOAD_WORKERS:-4}"
SIZE="${LOAD_SIZE:-100000}"
results="$CHECKOUT/bench-results"
mkdir -p "$results"

# locust from PyPI, in the checkout's tools venv (pinned in requirements-dev.txt), not in the bench's env
make -C "$CHECKOUT" -s .venv/.ready
if ! "$CHECKOUT/.venv/bin/python" -c "import locust" 2>/dev/null; then
	"$CHECKOUT/.venv/bin/pip" install -q "$(grep -m1 '^locust' "$CHECKOUT/requirements-dev.txt")"
fi

start_services
link_app "$CHECKOUT"
log=$(mktemp)
if [ ! -f "$CRM_PORTAL_BENCH/sites/$SITE/site_config.json" ]; then
	step "Creating the load-test site $SITE"
	ensure_site "$SITE" >"$log" 2>&1 || { tr '\r' '\n' <"$log" | tail -40; die "could not create $SITE"; }
fi
step "Migrating $SITE"
bench_cmd --site "$SITE" migrate --skip-search-index >"$log" 2>&1 \
	|| { tr '\r' '\n' <"$log" | grep -v '^Updating DocTypes' | tail -40; die "bench migrate failed on $SITE"; }
bench_cmd --site "$SITE" execute crm_portal.tests.utils.before_tests >/dev/null

work="$CRM_PORTAL_BENCH/sites/$SITE/private/loadtest"
as_bench_user mkdir -p "$work"
plan="$work/plan.json"
records="$work/records.json"
password="Load-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
step "Preparing $SIZE opportunities and $USERS salespeople on $SITE"
bench_cmd --site "$SITE" execute crm_portal.benchmarks.loadtest.prepare \
	--kwargs "{'size': $SIZE, 'password': '$password', 'plan': '$plan'}"

# Byte-code, as a production bench has it: with PYTHONDONTWRITEBYTECODE set (as in this machine's
# environment) no .pyc is ever written, and every gunicorn worker compiled each module it imported on its
# first requests (~0.8 s of a first move's 1.3–1.5 s): the moves' p95 above a second in the first seconds.
# The cache lives in the bench (PYTHONPYCACHEPREFIX), compiled once (apps and the bench's site-packages);
# later runs only check timestamps.
pycache="$CRM_PORTAL_BENCH/.pycache"
step "Byte-compiling the apps into $pycache"
as_bench_user env -u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX="$pycache" "$CRM_PORTAL_BENCH/env/bin/python" \
	-m compileall -q -j 2 -x '/(node_modules|tests?|patches)/' "$CRM_PORTAL_BENCH/apps/frappe/frappe" \
	"$CRM_PORTAL_BENCH/apps/erpnext/erpnext" "$CRM_PORTAL_BENCH/apps/crm_portal/crm_portal" \
	"$(as_bench_user "$CRM_PORTAL_BENCH/env/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
	>/dev/null || true

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
step "gunicorn -w $WORKERS on 127.0.0.1:$port"
# A session of its own, so the whole server (runuser → gunicorn master → workers) stops with one signal.
setsid bash -c "cd '$CRM_PORTAL_BENCH/sites' && exec runuser -u '$CRM_PORTAL_USER' -- env -u PYTHONDONTWRITEBYTECODE \
	HOME='/home/$CRM_PORTAL_USER' PYTHONPYCACHEPREFIX='$pycache' \
	'$CRM_PORTAL_BENCH/env/bin/gunicorn' -w '$WORKERS' -b '127.0.0.1:$port' --timeout 120 --preload frappe.app:application" \
	>"$log" 2>&1 &
server=$!
stop_server() {
	kill -TERM -- "-$server" 2>/dev/null || true
	for _ in $(seq 1 20); do
		kill -0 -- "-$server" 2>/dev/null || break
		sleep 0.5
	done
	kill -KILL -- "-$server" 2>/dev/null || true
	wait "$server" 2>/dev/null || true
	rm -f "$log"
}
trap stop_server EXIT
for _ in $(seq 1 60); do
	curl -fsS -H "X-Frappe-Site-Name: $SITE" "http://127.0.0.1:$port/api/method/ping" >/dev/null 2>&1 && break
	sleep 1
done
curl -fsS -H "X-Frappe-Site-Name: $SITE" "http://127.0.0.1:$port/api/method/ping" >/dev/null \
	|| { tail -30 "$log"; die "gunicorn did not answer on port $port"; }

load_before=$(cut -d' ' -f1 /proc/loadavg)
step "locust: $USERS salespeople for ${SECONDS_} s (load average before: $load_before)"
local_plan=$(mktemp)
local_records=$(mktemp)
cp "$plan" "$local_plan"
set +e
# The salespeople stop themselves LOAD_SECONDS after the last one has logged in; -t is only a cap.
(cd "$CHECKOUT" && LOAD_PLAN="$local_plan" LOAD_RECORDS="$local_records" LOAD_SITE="$SITE" LOAD_USERS="$USERS" \
	LOAD_SECONDS="$SECONDS_" .venv/bin/locust -f crm_portal/benchmarks/locustfile.py --headless --only-summary \
	-u "$USERS" -r "$USERS" -t "$((SECONDS_ + 180))s" --stop-timeout 30 --host "http://127.0.0.1:$port" --exit-code-on-error 0)
locust_status=$?
set -e
[ "$locust_status" -eq 0 ] || { tail -30 "$log"; die "locust failed ($locust_status)"; }
chmod 644 "$local_records"
as_bench_user cp "$local_records" "$records"
rm -f "$local_plan" "$local_records"

step "Checking the writes on $SITE"
bench_cmd --site "$SITE" execute crm_portal.benchmarks.loadtest.verify \
	--kwargs "{'plan': '$plan', 'records': '$records', 'output': '$work/loadtest.json', 'workers': $WORKERS, 'load_before': $load_before}"
cp "$work/loadtest.json" "$results/loadtest.json"
set +e
(cd "$CHECKOUT" && python3 -m crm_portal.benchmarks.reconcile "$results/loadtest.json" "$results/loadtest.md" >/dev/null)
status=$?
set -e
echo "Results: $results/loadtest.json and $results/loadtest.md"
[ "$status" -eq 0 ] || echo "FAILED: request errors or lost/doubled writes (see $results/loadtest.md)"
exit "$status"
