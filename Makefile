# The index of commands. `make help` lists them.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
PORT ?= 8000

.PHONY: help setup demo worker test lint format messages bench

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
	@# Reminders, digests and the e-mail outbox run daily on the worker (docs/notifications.md).
	$(UV) run python manage.py send_reminders --schedule -v 0
	@# The worker makes generated files (reports, packs, certificates) in the background; it stops
	@# with the server (Ctrl+C).
	trap 'kill 0' EXIT; \
	$(UV) run python manage.py db_worker --no-reload & \
	$(UV) run python manage.py runserver $(PORT)

worker: ## run the background worker (generated files) on its own
	$(UV) run python manage.py db_worker

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
