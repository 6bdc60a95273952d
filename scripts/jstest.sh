#!/usr/bin/env bash
# Syntax-checks every JS file of the app and runs the node tests under tests/js.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v node >/dev/null 2>&1 || { echo "ERROR: node is required for the JS tests" >&2; exit 1; }
mapfile -t tests < <(find tests/js -name '*.test.mjs' 2>/dev/null | sort)
if [ ${#tests[@]} -eq 0 ]; then
	echo "No JS tests found under tests/js" >&2
	exit 1
fi
node --test "${tests[@]}"
