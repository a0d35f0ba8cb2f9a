# One entry point. `make run` runs the system, `make test` runs the tests; both set up what they
# need first (scripts/setup.sh is quick when nothing changed).
SHELL := /bin/bash
PY := .venv/bin/python
PROFILE ?= embedded

.PHONY: setup run test lint typecheck pytest test-bot bench load eval lock lock-rasa clean

setup:
	@scripts/setup.sh

# make run PROFILE=production WORKERS=2: PostgreSQL, Redis, RabbitMQ and several workers of each kind
WORKERS ?= 2
run: setup
	@STACK_PROFILE=$(PROFILE) STACK_WORKERS=$(WORKERS) $(PY) -m devstack run

test: setup lint typecheck test-bot pytest

lint:
	@echo "[test] ruff"
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .

typecheck:
	@echo "[test] mypy"
	@.venv/bin/mypy

pytest:
	@echo "[test] pytest"
	@.venv/bin/pytest -q -rs

test-bot:
	@if [ -x scripts/test_bot.sh ]; then scripts/test_bot.sh; fi

bench: setup
	@$(PY) -m devstack bench

# embedded against production (1 and 2 of each worker) under the same load, then the fraud queue
load: setup
	@$(PY) -m devstack.loadtest

eval: setup
	@$(PY) -m devstack eval

lock:
	.venv/bin/pip install -q pip-tools
	.venv/bin/pip-compile -q --no-header --allow-unsafe --strip-extras --extra dev -o requirements.lock pyproject.toml
	sed -i -E '/^--(extra-index-url|find-links)/d' requirements.lock

lock-rasa:
	.venv-rasa/bin/pip freeze --exclude-editable > requirements-rasa.lock

clean:
	rm -rf var .venv .venv-rasa
