#!/usr/bin/env bash
# One-command set-up of a Frappe v15 + ERPNext v15 bench with crm_portal (this checkout, live).
# Safe to re-run: each step checks what is already there and only updates.
set -euo pipefail
CHECKOUT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib.sh
. "$CHECKOUT/scripts/lib.sh"

install_system_packages() {
	local missing=()
	command -v mysqld >/dev/null 2>&1 || missing+=(mariadb-server mariadb-client)
	dpkg -s libmariadb-dev >/dev/null 2>&1 || missing+=(libmariadb-dev)
	command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
	command -v crontab >/dev/null 2>&1 || missing+=(cron)
	dpkg -s python3-venv >/dev/null 2>&1 || missing+=(python3-venv)
	dpkg -s python3-dev >/dev/null 2>&1 || missing+=(python3-dev)
	command -v git >/dev/null 2>&1 || missing+=(git)
	command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
	command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
	command -v wkhtmltopdf >/dev/null 2>&1 || missing+=(wkhtmltopdf)
	if [ ${#missing[@]} -gt 0 ]; then
		step "Installing system packages: ${missing[*]}"
		[ "$(id -u)" = "0" ] || die "Missing system packages (${missing[*]}): run 'sudo make bootstrap' or install them."
		command -v apt-get >/dev/null 2>&1 || die "No apt-get: install ${missing[*]} by hand (Debian/Ubuntu expected)."
		apt-get update -q
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
	fi
	if ! command -v yarn >/dev/null 2>&1; then
		step "Installing yarn"
		[ "$(id -u)" = "0" ] || die "yarn is missing: run 'sudo npm install -g yarn'."
		npm install -g yarn >/dev/null
	fi
}

configure_mariadb() {
	local conf=/etc/mysql/mariadb.conf.d/99-crm-portal.cnf
	if [ "$(id -u)" = "0" ] && [ ! -f "$conf" ]; then
		step "Configuring MariaDB for Frappe (utf8mb4 / utf8mb4_unicode_ci)"
		cat >"$conf" <<-CNF
		[mysqld]
		character-set-client-handshake = FALSE
		character-set-server = utf8mb4
		collation-server = utf8mb4_unicode_ci
		innodb_buffer_pool_size = 1G

		[mysql]
		default-character-set = utf8mb4
		CNF
		if mariadb_up; then
			mysqladmin --protocol=socket shutdown 2>/dev/null || true
			sleep 2
		fi
	fi
	start_services
	if ! mysql --protocol=tcp -h127.0.0.1 -u"$DB_ROOT_USER" -p"$DB_ROOT_PASSWORD" -e 'select 1' >/dev/null 2>&1; then
		step "Setting the MariaDB password of '$DB_ROOT_USER' (DB_ROOT_PASSWORD)"
		[ "$(id -u)" = "0" ] || die "Cannot log into MariaDB as $DB_ROOT_USER: set DB_ROOT_USER/DB_ROOT_PASSWORD."
		mysql --protocol=socket -e "ALTER USER '${DB_ROOT_USER}'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('${DB_ROOT_PASSWORD}'); FLUSH PRIVILEGES;"
	fi
}

create_bench_user() {
	if [ "$(id -u)" = "0" ] && ! id "$CRM_PORTAL_USER" >/dev/null 2>&1; then
		step "Creating the unprivileged user '$CRM_PORTAL_USER' that runs the bench"
		useradd --create-home --shell /bin/bash "$CRM_PORTAL_USER"
	fi
	mkdir -p "$(dirname "$CRM_PORTAL_BENCH")"
}

install_bench_cli() {
	if [ ! -x "$BENCH_CLI_VENV/bin/bench" ]; then
		step "Installing frappe-bench from PyPI into $BENCH_CLI_VENV"
		as_bench_user "$BENCH_PYTHON" -m venv "$BENCH_CLI_VENV"
		as_bench_user "$BENCH_CLI_VENV/bin/pip" install -q --upgrade pip frappe-bench
	fi
}

init_bench() {
	# Local clones owned by another user: git (run by the bench user) refuses them as "dubious ownership".
	local repo
	for repo in "$FRAPPE_REPO" "$ERPNEXT_REPO"; do
		if [ -d "$repo" ]; then
			as_bench_user git config --global --get-all safe.directory 2>/dev/null | grep -qx "$repo/.git" \
				|| as_bench_user git config --global --add safe.directory "$repo/.git"
		fi
	done
	if [ ! -d "$CRM_PORTAL_BENCH/apps/frappe" ]; then
		step "bench init: Frappe $FRAPPE_BRANCH from $FRAPPE_REPO into $CRM_PORTAL_BENCH"
		rm -rf "$CRM_PORTAL_BENCH"
		(cd "$(dirname "$CRM_PORTAL_BENCH")" && as_bench_user bench init "$(basename "$CRM_PORTAL_BENCH")" \
			--frappe-path "$FRAPPE_REPO" --frappe-branch "$FRAPPE_BRANCH" \
			--python "$BENCH_PYTHON" --skip-assets --no-backups --skip-redis-config-generation) \
			|| die "bench init failed (is $FRAPPE_REPO reachable?)"
		bench_cmd setup redis
	fi
	# Frappe 15's Google Drive integration imports pkg_resources, gone from setuptools 70.
	as_bench_user "$CRM_PORTAL_BENCH/env/bin/pip" install -q "setuptools<70"
	if [ ! -d "$CRM_PORTAL_BENCH/apps/erpnext" ]; then
		step "bench get-app: ERPNext $ERPNEXT_BRANCH from $ERPNEXT_REPO"
		bench_cmd get-app --branch "$ERPNEXT_BRANCH" --skip-assets erpnext "$ERPNEXT_REPO" \
			|| die "bench get-app erpnext failed (is $ERPNEXT_REPO reachable?)"
	fi
	link_app "$CHECKOUT"
}

build_assets() {
	[ "${CRM_PORTAL_SKIP_ASSETS:-0}" = "1" ] && return 0
	step "Building desk assets (set CRM_PORTAL_SKIP_ASSETS=1 to skip; server tests do not need them)"
	if ! bench_cmd setup requirements --node >/dev/null 2>&1 || ! bench_cmd build; then
		echo "WARNING: asset build failed; the server and its tests work, the desk UI will not." >&2
	fi
}

main() {
	install_system_packages
	create_bench_user
	configure_mariadb
	install_bench_cli
	init_bench
	start_services
	build_assets
	ensure_site "$DEV_SITE"
	bench_cmd --site "$DEV_SITE" set-config developer_mode 1 >/dev/null
	ensure_site "$TEST_SITE"
	bench_cmd --site "$TEST_SITE" set-config allow_tests true >/dev/null
	bench_cmd use "$DEV_SITE"
	step "Migrating both sites"
	bench_cmd --site "$DEV_SITE" migrate
	bench_cmd --site "$TEST_SITE" migrate
	step "Bench ready at $CRM_PORTAL_BENCH (sites: $DEV_SITE, $TEST_SITE)"
}

main "$@"
