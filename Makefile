# 质量品牌工作平台 (the county comes from the policy pack) — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
WEB_PORT ?= 8000
export WEB_PORT
# test processes (pytest-xdist): one per core; PYTEST_WORKERS=0 runs the suite in one process
PYTEST_WORKERS ?= auto

.PHONY: help setup data run test test-fast lint format bench backup restore-drill clean

help:
	@echo "make run    — set up everything and run web + Celery worker + beat (http://127.0.0.1:$(WEB_PORT)/)"
	@echo "make test   — set up and run the whole test suite (browser journeys included)"
	@echo "make lint   — ruff, ruff format --check, djlint (templates), mypy (strict for services, selectors, permissions), makemigrations --check"
	@echo "make bench  — seed a large data set and measure the main pages (writes bench/RESULTS.md)"
	@echo "make backup / make restore-drill — pg_dump backup of DATABASE_URL and a restore drill (see docs/deployment.md)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (found %s)" % sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

data: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_policy
	@if $(BIN)/python manage.py help setup_schedules >/dev/null 2>&1; then $(BIN)/python manage.py setup_schedules; fi
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py seed_demo

run: data
	@echo "打开 http://127.0.0.1:$(WEB_PORT)/ （Ctrl-C 停止 web、worker 与 beat）"
	$(BIN)/honcho -f Procfile start

test: setup
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

test-fast: setup
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup -m "not browser and not slow" $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint --check --quiet . && $(BIN)/djlint --lint --quiet .
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint --reformat --quiet . || true  # exits 1 when it changed a file

bench: setup
	@command -v wrk >/dev/null 2>&1 || { echo "installing Debian's wrk for the load part of the benchmark"; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python bench/run.py

backup: setup
	scripts/backup.sh

restore-drill: setup
	scripts/restore_drill.sh

clean:
	rm -rf $(VENV) var/*.sqlite3* var/broker var/cache var/staticfiles
