# crm_portal developer commands. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv

.PHONY: bootstrap dev demo test lint pytest jstest integration browser format bench loadtest

bootstrap: ## Install system packages, a Frappe v15 + ERPNext v15 bench and both sites
	bash scripts/bootstrap.sh

dev: ## Bootstrap if needed, migrate, load demo data, start the bench on :8000
	bash scripts/dev.sh

test: lint pytest jstest integration browser ## Everything CI runs

$(VENV)/.ready: requirements-dev.txt requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

lint: $(VENV)/.ready
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.ready
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

pytest: $(VENV)/.ready ## Pure logic and static checks (no Frappe needed)
	$(VENV)/bin/pytest

jstest: ## JS modules tested with node's own runner
	bash scripts/jstest.sh

integration: ## Frappe integration suite on the test site (skipped, with a notice, when no bench exists)
	bash scripts/integration.sh $(if $(TEST),--test $(TEST),) $(if $(MODULE),--module $(MODULE),)

browser: ## Headless Chromium test of the board on the dev site (skipped, with a notice, when no bench exists)
	bash scripts/browser.sh

bench: ## Endpoints as each persona at 100 000 and 1 000 000 opportunities (BENCH_KEEP=1: data kept on bench sites)
	bash scripts/benchmark.sh

loadtest: ## 20 salespeople over HTTP (gunicorn, 4 workers) for 60 s at 100 000 opportunities; lost-write check
	bash scripts/loadtest.sh
