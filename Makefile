# workflowviz: `make run` sets everything up and starts the system; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
NODE_BIN := node_modules/.bin
# Our own JavaScript: the browser modules and their node unit tests.
JS := static/js tests/js

.PHONY: run test test-fast bench bench-scale lint lint-js test-js setup setup-run clean

# Running needs requirements.txt and the front-end packages; developing (tests, linters, bench) needs
# requirements-dev.txt on top.
setup: setup-run $(VENV)/.installed-dev

setup-run: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# devDependencies too (eslint, prettier), which `make test` runs.
node_modules/.installed: package.json package-lock.json
	npm ci --include=dev --no-audit --no-fund --loglevel=error
	mkdir -p node_modules
	touch $@

run: setup-run
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py ensure_admin
	$(PY) manage.py run_system --port $(PORT)

test: setup lint-js test-js
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest

# Without the slow end-to-end tests (real processes, browser).
test-fast: setup
	$(PY) -m pytest -m "not system and not browser"

bench: setup
	$(PY) -m bench $(BENCH_ARGS)

# The runs explorer, run pages, metrics and retention at scale (issue 13): 1,000,000 seeded runs on
# PostgreSQL (DATABASE_URL, by default a scratch database wfv_scale on 127.0.0.1:5432), SCALE_RUNS to choose;
# DATABASE_URL=sqlite:///… for SQLite (100,000 runs). Never part of `make test`. See bench/README.md.
bench-scale: setup
	$(PY) -m bench.scale $(SCALE_ARGS)

lint: setup lint-js
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

lint-js: node_modules/.installed
	$(NODE_BIN)/eslint $(JS)
	$(NODE_BIN)/prettier --check $(JS)

test-js: node_modules/.installed
	node --test tests/js/*.test.js

clean:
	rm -rf $(VENV) node_modules var staticfiles
