# The index of commands. `make help` lists them.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
PORT ?= 8000

.PHONY: help setup demo serve worker test lint format messages bench proof-short

help: ## show this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## install uv (if missing) and the locked Python dependencies
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen
	$(UV) run python manage.py compilemessages --ignore=.venv -v 0

demo: setup ## set everything up and start the app with the demo region (SQLite) and a worker
	$(UV) run python manage.py migrate --no-input -v 0
	$(UV) run python manage.py load_editions
	$(UV) run python manage.py load_demo
	@# The worker makes generated files and sends mail in the background, and runs the periodic
	@# jobs itself (reminders and digests at 06:00, cleanup; docs/workers.md); it stops with the
	@# server (Ctrl+C).
	trap 'kill 0' EXIT; \
	$(UV) run python manage.py run_worker & \
	$(UV) run python manage.py runserver $(PORT)

serve: setup ## run it for real on this machine: production settings, PostgreSQL, granian + worker (docs/deploy.md)
	UV="$(UV)" PORT=$(PORT) tools/serve.sh

worker: ## run a background worker on its own (files, mail, periodic jobs; docs/workers.md)
	$(UV) run python manage.py run_worker

test: setup ## lint + the full test suite (DATABASE_URL selects PostgreSQL)
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run python manage.py makemigrations --check --dry-run -v 0
	$(UV) run lint-imports --no-cache
	$(UV) run pytest

lint: ## ruff lint + format check
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run lint-imports --no-cache

format: ## apply ruff's fixes and formatting
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

messages: ## refresh the translation catalogues (Indonesian source, English translation)
	$(UV) run python manage.py makemessages -l en --ignore=.venv --no-obsolete

bench: ## run the benchmarks (numbers and ratios, not pass/fail)
	$(UV) run python bench/engine.py
	$(UV) run python bench/web.py
	$(UV) run python bench/outputs.py

proof-short: ## the short load + fault proof: 2 nodes behind nginx, 1 minute, 10 users, each fault once (docs/deploy.md)
	@# Both run, whatever the first one says; either failing fails the target. CI passes
	@# LOAD_FLAGS=--no-latency-targets: on a shared 2-core runner latency is reported, not judged.
	$(UV) run python bench/load.py --short --generate 0.3 $(LOAD_FLAGS); load=$$?; \
	$(UV) run python bench/faults.py --short; faults=$$?; \
	test $$load -eq 0 -a $$faults -eq 0
