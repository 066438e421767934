# Simpul: `make demo` serves a demo regency, `make test` runs the whole suite. Both set up
# everything first: virtualenv, packages, PostgreSQL and Redis (started or installed), migrations.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

export DEBUG ?= 1
export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/simpul
export REDIS_URL ?= redis://127.0.0.1:6379/0
export PORT ?= 8000
export SIMPUL_PUBLIC_PORT ?= $(PORT)
export DEMO_PASSWORD ?= simpul-demo
# Tests use their own Redis database so a running demo worker never takes a test's task.
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=

.PHONY: demo test install services migrate provision-demo serve lint format bench soak clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The admin's Indonesian: Wagtail's id_ID catalogues merged with locale/id/wagtail_additions/
# (the .mo files are committed; rebuilt here when the additions or Wagtail change).
LOCALE_MO := locale/id/LC_MESSAGES/django.mo locale/id/LC_MESSAGES/djangojs.mo

$(LOCALE_MO) &: $(VENV)/.installed $(wildcard locale/id/wagtail_additions/*.po) deploy/local/merge_wagtail_indonesian.py
	$(BIN)/python deploy/local/merge_wagtail_indonesian.py

install: $(VENV)/.installed $(LOCALE_MO)

services:
	$(PYTHON) deploy/local/ensure_services.py

migrate: install services
	$(MANAGE) migrate_schemas --noinput --executor=multiprocessing

provision-demo: migrate
	$(MANAGE) provision_demo

# Served as in production: gunicorn (deploy/gunicorn.conf.py), static files collected for
# WhiteNoise, the Celery worker and beat.
demo: provision-demo
	$(MANAGE) collectstatic --noinput --verbosity 0
	bash deploy/local/serve.sh

lint: install
	$(BIN)/ruff check .
	PYTHONPATH=platform:. $(BIN)/lint-imports
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/python deploy/local/merge_wagtail_indonesian.py --check

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install
	$(PYTHON) deploy/local/ensure_services.py --browser --tools
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory provision-demo
	REDIS_URL=$(TEST_REDIS_URL) SIMPUL_CACHE_PREFIX=test $(BIN)/pytest --create-db $(PYTEST_ARGS)

bench: migrate
	$(PYTHON) deploy/local/ensure_services.py --tools
	REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python benchmarks/run.py

soak: migrate
	REDIS_URL=$(TEST_REDIS_URL) SIMPUL_CACHE_PREFIX=test $(BIN)/pytest -m soak --run-soak $(if $(SOAK_SECONDS),--soak-seconds=$(SOAK_SECONDS)) tests/faults

clean:
	rm -rf $(VENV) var
