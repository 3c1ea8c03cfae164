# Zhengwu — the two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
HOST ?= 127.0.0.1
PYTEST_ARGS ?=

# uv: use the one on PATH if it works, otherwise install it from PyPI into .tools/.
UV := $(shell uv --version >/dev/null 2>&1 && echo uv || echo $(CURDIR)/.tools/bin/uv)
PY := .venv/bin/python

.PHONY: help run test test-browser ensure-browser lint format bench sync migrate demo worker clean

help:
	@echo "make run    — set up and serve the portal on http://$(HOST):$(PORT) (SQLite, sandboxes)"
	@echo "make test   — run the test suite (SQLite; DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make lint   — ruff and mypy"
	@echo "make bench  — the benchmarks in bench/ (needs PostgreSQL for registry_import)"

$(CURDIR)/.tools/bin/uv:
	@echo "uv not found: installing it from PyPI into .tools/"
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(if $(filter uv,$(UV)),,$(CURDIR)/.tools/bin/uv)
	$(UV) sync --frozen
	@touch $@

sync: .venv/.synced

migrate: sync
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo_data --if-empty

run: demo
	@bash scripts/run.sh $(HOST) $(PORT)

worker: sync
	$(PY) manage.py db_worker

# The browser tests need a Chromium: ensure-browser.sh finds one or fetches one (Debian's
# package as root, else Playwright's download) and says what it did.
ensure-browser: sync
	@bash scripts/ensure-browser.sh

test: sync ensure-browser
	$(PY) -m pytest $(PYTEST_ARGS)

test-browser: sync ensure-browser
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

lint: sync
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

format: sync
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

bench: sync
	@bash scripts/bench.sh

clean:
	rm -rf var .venv .tools
