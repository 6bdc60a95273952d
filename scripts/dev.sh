#!/usr/bin/env bash
# `make dev`: bootstrap if needed, migrate, load the demo data, then start the bench on :8000.
set -euo pipefail
CHECKOUT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib.sh
. "$CHECKOUT/scripts/lib.sh"

if ! bench_present || [ ! -f "$CRM_PORTAL_BENCH/sites/$DEV_SITE/site_config.json" ]; then
	bash "$CHECKOUT/scripts/bootstrap.sh"
fi
start_services
link_app "$CHECKOUT"
step "Migrating $DEV_SITE"
bench_cmd --site "$DEV_SITE" migrate
if [ -f "$CHECKOUT/crm_portal/demo/__init__.py" ]; then
	step "Loading demo data (idempotent)"
	bench_cmd --site "$DEV_SITE" execute crm_portal.demo.load
fi
cat <<MSG

  crm_portal is starting at http://$DEV_SITE:8000 (or http://localhost:8000)
  Login: Administrator / $ADMIN_PASSWORD
MSG
[ -f "$CHECKOUT/crm_portal/demo/__init__.py" ] && bench_cmd --site "$DEV_SITE" execute crm_portal.demo.print_logins
# Serve the dev site on plain localhost too.
bench_cmd use "$DEV_SITE" >/dev/null
cd "$CRM_PORTAL_BENCH"
as_bench_user bench start
