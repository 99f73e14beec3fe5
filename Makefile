# Two commands for a newcomer on a fresh machine:
#   make run    set up, create the database with demo data, serve on http://127.0.0.1:$(PORT)
#   make test   set up and run the whole test suite (SQLite; PostgreSQL when TEST_DATABASE_URL is set)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
STAMP := $(VENV)/.installed-stamp
# Compiled catalogs, remade only when a .po file changes (two test runs side by side never rewrite them).
CATALOGS := $(VENV)/.catalogs-stamp
PO_FILES := $(shell find translations plugins -name '*.po' 2>/dev/null)
PYTEST_ARGS ?=

.PHONY: setup run test test-postgres translations browser-deps bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

$(CATALOGS): $(STAMP) $(PO_FILES)
	FLASK_PORTAL_PLUGINS='[]' $(BIN)/flask --app portal i18n compile
	touch $(CATALOGS)

translations: $(STAMP)
	FLASK_PORTAL_PLUGINS='[]' $(BIN)/flask --app portal i18n compile
	touch $(CATALOGS)

setup: $(STAMP) $(CATALOGS)

run: setup
	$(BIN)/flask --app portal portal init
	$(BIN)/flask --app portal portal seed-demo
	@echo "Portal: http://127.0.0.1:$(PORT)/"
	$(BIN)/flask --app portal run --host 127.0.0.1 --port $(PORT)

# Browser tests drive Debian's Chromium (never a downloaded browser); install it when we can.
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
	  else echo "Install chromium (sudo apt-get install chromium poppler-utils) for the browser tests."; fi; \
	fi

test: setup browser-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The same suite on a private, throw-away PostgreSQL cluster (Debian's postgresql package).
test-postgres: setup browser-deps
	bash .ci/postgres.sh start
	TEST_DATABASE_URL=$$(bash .ci/postgres.sh url) $(BIN)/python -m pytest $(PYTEST_ARGS); \
	  status=$$?; bash .ci/postgres.sh stop; exit $$status

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache
