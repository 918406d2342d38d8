# caremarket: `make demo` serves the demo on http://127.0.0.1:8000; `make test` runs everything.
# Everything comes from PyPI (requirements/lock.txt), npm (package-lock.json) and Debian
# (chromium, for the browser tests). Nothing is downloaded at run time.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM ?= /usr/bin/chromium
PYTEST_ARGS ?=

.PHONY: demo serve install static chromium lint test test-sqlite test-postgresql bench clean

$(BIN)/.installed: requirements/lock.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/lock.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/.installed node_modules/.installed

static: install
	$(BIN)/python scripts/vendor_frontend.py

demo: static
	$(BIN)/caremarket demo
	$(BIN)/caremarket serve --host 127.0.0.1 --port 8000

serve: static
	$(BIN)/caremarket serve

# Debian's Chromium for the browser tests; installed when missing, never downloaded by a tool.
chromium:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get install -y -qq chromium >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }; }
	@test -x $(CHROMIUM) || { echo "chromium could not be installed: the browser tests cannot run"; exit 1; }

lint: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/caremarket makemigrations --check --dry-run > /dev/null

# The two runs go side by side (make -j2): each is mostly one busy process, so on two cores
# they finish in about the time of the longer one. Each keeps its own coverage file, combined
# into one report at the end; --output-sync prints each run whole, not interleaved.
test-sqlite: static chromium
	@echo "=== test suite on SQLite ==="
	COVERAGE_FILE=.coverage.sqlite $(BIN)/pytest -p no:cacheprovider --cov --cov-report= $(PYTEST_ARGS)

test-postgresql: static chromium
	@echo "=== test suite on PostgreSQL (throwaway cluster from /usr/lib/postgresql/15/bin) ==="
	COVERAGE_FILE=.coverage.postgresql $(BIN)/pytest -p no:cacheprovider --postgresql --cov --cov-report= $(PYTEST_ARGS)

test: lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgresql
	$(BIN)/coverage combine --quiet .coverage.sqlite .coverage.postgresql
	$(BIN)/coverage report --skip-covered

bench: static
	BENCH_ONLY="$(ONLY)" $(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) node_modules staticfiles var .coverage .coverage.* src/caremarket/static/vendor
