# Shared settings and helpers for the crm_portal scripts (sourced, not run).
# Every value can be overridden from the environment.

CRM_PORTAL_USER="${CRM_PORTAL_USER:-frappe}"
if [ "$(id -u)" = "0" ]; then
	_bench_home="/home/${CRM_PORTAL_USER}"
else
	CRM_PORTAL_USER="$(id -un)"
	_bench_home="${HOME}"
fi
CRM_PORTAL_BENCH="${CRM_PORTAL_BENCH:-${_bench_home}/crm-portal-bench}"
BENCH_CLI_VENV="${BENCH_CLI_VENV:-${_bench_home}/.crm-portal-bench-cli}"
FRAPPE_REPO="${FRAPPE_REPO:-https://github.com/frappe/frappe}"
FRAPPE_BRANCH="${FRAPPE_BRANCH:-version-15}"
ERPNEXT_REPO="${ERPNEXT_REPO:-https://github.com/frappe/erpnext}"
ERPNEXT_BRANCH="${ERPNEXT_BRANCH:-version-15}"
DEV_SITE="${DEV_SITE:-crm.localhost}"
TEST_SITE="${TEST_SITE:-test.crm.localhost}"
DB_ROOT_USER="${DB_ROOT_USER:-root}"
DB_ROOT_PASSWORD="${DB_ROOT_PASSWORD:-crm_portal_root}"
ADMIN_PASSWORD="${ADMIN_PASSWORD:-admin}"
BENCH_PYTHON="${BENCH_PYTHON:-/usr/bin/python3}"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

# Run a command as the bench user (bench refuses to run as root).
as_bench_user() {
	if [ "$(id -u)" = "0" ]; then
		runuser -u "$CRM_PORTAL_USER" -- env HOME="$_bench_home" PATH="$BENCH_CLI_VENV/bin:$PATH" "$@"
	else
		env PATH="$BENCH_CLI_VENV/bin:$PATH" "$@"
	fi
}

# Run a bench command inside the bench directory, as the bench user.
bench_cmd() {
	(cd "$CRM_PORTAL_BENCH" && as_bench_user bench "$@")
}

bench_present() {
	[ -x "$CRM_PORTAL_BENCH/env/bin/python" ] && [ -d "$CRM_PORTAL_BENCH/apps/frappe" ] \
		&& [ -d "$CRM_PORTAL_BENCH/apps/erpnext" ]
}

mariadb_up() {
	mysqladmin --protocol=socket ping >/dev/null 2>&1 \
		|| mysqladmin -u"$DB_ROOT_USER" -p"$DB_ROOT_PASSWORD" ping >/dev/null 2>&1
}

# Start MariaDB and the bench's Redis servers when they are down (containers have no systemd).
start_services() {
	if ! mariadb_up; then
		step "Starting MariaDB"
		if command -v service >/dev/null 2>&1; then
			service mariadb start >/dev/null 2>&1 || service mysql start >/dev/null 2>&1 || true
		fi
		if ! mariadb_up; then
			[ "$(id -u)" = "0" ] || die "MariaDB is down and only root can start it (sudo service mariadb start)."
			mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
			(mysqld_safe >/dev/null 2>&1 &)
		fi
		for _ in $(seq 1 60); do mariadb_up && break; sleep 1; done
		mariadb_up || die "MariaDB did not start (see /var/log/mysql/error.log)."
	fi
	if bench_present; then
		local conf port
		for conf in redis_cache redis_queue; do
			[ -f "$CRM_PORTAL_BENCH/config/$conf.conf" ] || continue
			port=$(awk '/^port/ {print $2}' "$CRM_PORTAL_BENCH/config/$conf.conf")
			if ! redis-cli -p "$port" ping >/dev/null 2>&1; then
				step "Starting Redis ($conf on port $port)"
				(cd "$CRM_PORTAL_BENCH/config" && as_bench_user redis-server "$conf.conf" --daemonize yes >/dev/null)
				for _ in $(seq 1 20); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.5; done
			fi
		done
	fi
}

# Point the bench's crm_portal app at a checkout (a symlink keeps edits live) and install it editable.
link_app() {
	local checkout="$1"
	as_bench_user test -r "$checkout/crm_portal/hooks.py" \
		|| die "The bench user '$CRM_PORTAL_USER' cannot read $checkout: clone it somewhere readable (not under /root)."
	local target="$CRM_PORTAL_BENCH/apps/crm_portal"
	if [ "$(readlink -f "$target" 2>/dev/null)" != "$(readlink -f "$checkout")" ]; then
		step "Pointing the bench's crm_portal at $checkout"
		rm -rf "$target"
		as_bench_user ln -sfn "$checkout" "$target"
	fi
	# A .pth in the bench env makes the app importable from the symlink without writing into the checkout.
	local site_packages
	site_packages=$(as_bench_user "$CRM_PORTAL_BENCH/env/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
	echo "$target" | as_bench_user tee "$site_packages/crm_portal.pth" >/dev/null
	as_bench_user "$CRM_PORTAL_BENCH/env/bin/pip" install -q -r "$checkout/requirements.txt"
	local apps_txt="$CRM_PORTAL_BENCH/sites/apps.txt"
	if ! grep -qx crm_portal "$apps_txt"; then
		# apps.txt may lack its final newline
		printf '%s\ncrm_portal\n' "$(cat "$apps_txt")" | as_bench_user tee "$apps_txt" >/dev/null
	fi
	# Frappe reads translations from compiled .mo files: build them from crm_portal/locale/*.po.
	bench_cmd compile-po-to-mo --app crm_portal >/dev/null 2>&1 || echo "WARNING: translations not compiled" >&2
}

# Create a site with erpnext and crm_portal installed (idempotent: installs what is missing).
ensure_site() {
	local site="$1"
	if [ ! -f "$CRM_PORTAL_BENCH/sites/$site/site_config.json" ]; then
		step "Creating site $site"
		bench_cmd new-site "$site" --db-root-username "$DB_ROOT_USER" --db-root-password "$DB_ROOT_PASSWORD" \
			--admin-password "$ADMIN_PASSWORD"
	fi
	local installed
	installed=$(bench_cmd --site "$site" list-apps 2>/dev/null || true)
	for app in erpnext crm_portal; do
		if ! grep -q "^$app" <<<"$installed"; then
			step "Installing $app on $site"
			bench_cmd --site "$site" install-app "$app"
		fi
	done
}

# A test site from scratch (CI: no data left by earlier runs can make a test pass or fail).
recreate_test_site() {
	step "Recreating $TEST_SITE from scratch"
	bench_cmd drop-site "$TEST_SITE" --force --no-backup --db-root-username "$DB_ROOT_USER" \
		--db-root-password "$DB_ROOT_PASSWORD" >/dev/null 2>&1 || true
	rm -rf "$CRM_PORTAL_BENCH/sites/$TEST_SITE"
	local log
	log=$(mktemp)
	if ! ensure_site "$TEST_SITE" >"$log" 2>&1; then
		tr '\r' '\n' <"$log" | grep -v '^Updating DocTypes' | tail -40
		die "could not create the test site $TEST_SITE"
	fi
	rm -f "$log"
	bench_cmd --site "$TEST_SITE" set-config allow_tests true >/dev/null
}
