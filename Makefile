# One obvious command per chore. CI runs `bash .ci/run`, which runs `make lint test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_MEMBERS ?= 2000

.PHONY: install install-dev browser nginx run serve test fuzz lint bench loadtest image vendor clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e '.[dev]'
	touch $(VENV)/.installed $@

$(VENV)/.installed-loadtest: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e '.[dev,loadtest]'
	touch $(VENV)/.installed $(VENV)/.installed-dev $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## The browser tests drive Debian's Chromium (never a downloaded browser build).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## The deployment test puts Debian's nginx in front of two replicas.
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  echo "Installing Debian's nginx for the deployment test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; }

## Migrate the embedded SQLite database, load demo data once, and serve.
run: install
	$(PY) -m kith db upgrade
	$(PY) -m kith demo --members $(DEMO_MEMBERS) --seed 1 --if-empty
	$(PY) -m kith serve

serve: install
	$(PY) -m kith serve

## Two processes (pytest-xdist): each has its own SQLite files, PostgreSQL schema,
## server ports and Chromium; advisory locks are keyed by schema.
TEST_WORKERS ?= 2
test: install-dev browser nginx
	$(PY) -m pytest -n $(TEST_WORKERS)

## Schemathesis at length against a live server, on SQLite and PostgreSQL
## (`make test` runs the same with a few cases per operation and a fixed seed).
FUZZ_EXAMPLES ?= 100
fuzz: install-dev
	KITH_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) KITH_FUZZ_SEED=$${KITH_FUZZ_SEED:-$$RANDOM} \
	  $(PY) -m pytest tests/web/test_fuzz.py -p no:cacheprovider

lint: install-dev
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy src
	$(VENV)/bin/lint-imports
	$(PY) -m kith db check --url sqlite:///$$(mktemp -d)/check.db

bench: install-dev
	$(PY) -m bench

## Locust against two replicas behind nginx on PostgreSQL (bench/loadtest): 100,000
## members, 5 minutes; `make loadtest LOADTEST_ARGS=--quick` is a one-minute smoke run.
LOADTEST_ARGS ?=
loadtest: $(VENV)/.installed-loadtest nginx
	$(PY) -m bench.loadtest $(LOADTEST_ARGS)

## The container image from Debian's packages and PyPI alone (debootstrap base, docker
## import, the Dockerfile), then a smoke run; not part of `make test`.
image:
	bash scripts/image.sh

## Refresh the vendored front-end files from the npm registry.
vendor:
	bash scripts/vendor.sh

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
