# Appeals CRM (CRM обращений) on Tryton 8.0 — developer entry points.
#
#   make run    build what is missing (venv, web client, demo database) and serve
#               http://127.0.0.1:8000/
#   make test   the whole test suite on SQLite
#
# Other targets: venv web db demo test-pg bench conf clean help

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ROOT     := $(CURDIR)
PYTHON   ?= python3.11
VENV     := $(ROOT)/.venv
VPY      := $(VENV)/bin/python
VBIN     := $(VENV)/bin
VAR      := $(ROOT)/var
CONF     := $(VAR)/trytond.conf
DB_DIR   := $(VAR)/db
DB       ?= crm
# Modules activated in the demo database (their dependencies come along)
MODULES  ?= crm_dispatch crm_portal crm_billing crm_analytics
DEMO_PASSWORD := demo1234
PYTEST_ARGS ?=

# Every addon that can be pip-installed (pyproject.toml declares its entry point)
ADDONS   := $(patsubst %/pyproject.toml,%,$(wildcard addons/*/pyproject.toml))
VENV_STAMP := $(VENV)/.crm-installed
WEB_STAMP  := web/node_modules/.crm-installed
SAO        := web/node_modules/tryton-sao
# The portal's style sheet (Pico CSS from npm), served from the addon's folder
PICO       := addons/crm_portal/static/vendor/pico.min.css

export PATH := $(VBIN):$(PATH)
# No interactive prompts from trytond-admin (admin password) anywhere
export TRYTONPASSFILE := $(VAR)/adminpass

.PHONY: help venv web conf db demo run test test-pg bench bench-demo clean

help:
	@echo "make run      - start the CRM with demo data on http://127.0.0.1:8000/"
	@echo "make test     - run the whole test suite on SQLite"
	@echo "make test-pg  - run the whole test suite on a throw-away PostgreSQL cluster"
	@echo "make bench    - run tools/bench.py on a throw-away PostgreSQL cluster"
	@echo "make bench-demo - the demo's operator queue via JSON-RPC (needs make run)"
	@echo "make demo     - rebuild the demo database var/db/$(DB).sqlite"
	@echo "make venv web conf db clean"

# --- Python environment --------------------------------------------------------
# Re-installs when requirements.txt, an addon's pyproject.toml or the set of
# addons (mtime of addons/) changes; otherwise instant.
venv: $(VENV_STAMP)

$(VENV_STAMP): requirements.txt $(wildcard addons/*/pyproject.toml) $(wildcard addons)
	@test -x $(VPY) || { echo ">> creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	$(VPY) -m pip install --disable-pip-version-check -q -r requirements.txt
	@set -e; for addon in $(ADDONS); do \
	    echo ">> pip install -e $$addon"; \
	    $(VPY) -m pip install --disable-pip-version-check -q -e $$addon; \
	done
	@touch $@

# --- Web client (sao) ----------------------------------------------------------
web: $(WEB_STAMP) $(SAO)/node_modules $(SAO)/locale/ru.json $(SAO)/custom.js $(SAO)/custom.css $(PICO)

$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --legacy-peer-deps --omit=dev --no-audit --no-fund
	@touch $@

# sao's index.html loads node_modules/<dep>/... relative to its own folder
$(SAO)/node_modules: $(WEB_STAMP)
	ln -sfn .. $@

# sao's own Russian translation is nearly empty: ours replaces it (also after
# every npm ci).  Edit web/locale/ru.po, then
# python3 scripts/po2json.py web/locale/ru.po web/locale/ru.json
$(SAO)/locale/ru.json: web/locale/ru.json $(WEB_STAMP) | $(SAO)/node_modules
	cp $< $@

# Our additions to sao (web/custom.js and custom.css say what they do):
# index.html loads them from sao's folder
$(SAO)/custom.js: web/custom.js $(WEB_STAMP)
	cp $< $@

$(SAO)/custom.css: web/custom.css $(WEB_STAMP)
	cp $< $@

$(PICO): $(WEB_STAMP)
	@mkdir -p $(@D)
	cp web/node_modules/@picocss/pico/css/pico.min.css $@

# --- Configuration -------------------------------------------------------------
# trytond resolves relative paths against its working directory: render
# config/trytond.conf with absolute paths into var/trytond.conf.
conf: $(CONF) $(TRYTONPASSFILE)

$(CONF): config/trytond.conf
	@mkdir -p $(DB_DIR)
	sed -e 's#^path = var/db#path = $(DB_DIR)#' \
	    -e 's#^root = web/#root = $(ROOT)/web/#' $< > $@.tmp
	@mv $@.tmp $@

$(TRYTONPASSFILE):
	@mkdir -p $(VAR)
	@umask 077; echo '$(DEMO_PASSWORD)' > $@

# --- Demo database -------------------------------------------------------------
# An existing database is reused; when an addon changed since it was last
# updated (stamp var/db/<db>.updated), its modules are updated first.
db: venv conf
	@if [ -f $(DB_DIR)/$(DB).sqlite ]; then \
	    echo ">> using existing database $(DB_DIR)/$(DB).sqlite (make demo rebuilds it)"; \
	    if [ -n "$$(find addons -newer $(DB_DIR)/$(DB).updated -print -quit 2>/dev/null || echo new)" ]; then \
	        echo ">> addons changed: updating $(MODULES) in $(DB)"; \
	        $(VBIN)/trytond-admin -c $(CONF) -d $(DB) -u $(MODULES) --activate-dependencies -l ru; \
	    fi; \
	else \
	    scripts/build-db.sh $(CONF) $(DB) $(MODULES); \
	fi
	@touch $(DB_DIR)/$(DB).updated

demo: venv conf
	scripts/build-db.sh $(CONF) $(DB) $(MODULES)

# --- Run -----------------------------------------------------------------------
run: venv web db
	@echo
	@echo "  CRM обращений / Appeals CRM:  http://127.0.0.1:8000/   (database: $(DB))"
	@echo "  Logins (password $(DEMO_PASSWORD) for all):"
	@echo "    admin       - administrator"
	@echo "    supervisor  - supervisor of the operators"
	@echo "    operator1   - operator"
	@echo "    operator2   - operator"
	@echo "    executor1   - executor (work orders; also on the portal: «Мои заявки»)"
	@echo "    accountant1 - accountant: charges, payments, registries, debtors («Расчёты»)"
	@echo "    manager     - manager of the first organisation: reads, changes nothing («Панель руководителя»)"
	@echo
	@echo "  Личный кабинет жителя / residents' portal:  http://127.0.0.1:8000/$(DB)/portal/"
	@echo "    resident1@example.com  - resident: two accounts, appeals in every stage"
	@echo "    resident2@example.com  - resident: one account"
	@echo "    executor1              - the executor's phone pages (same password)"
	@echo "  Scheduled tasks (report mailings, deadlines, analytics) run beside it (trytond-cron)."
	@echo "  Stop with Ctrl+C."
	@echo
	exec env VBIN=$(VBIN) scripts/serve.sh $(CONF) $(DB)

# --- Tests ---------------------------------------------------------------------
# DB_CACHE keeps one copy of each activated module set for the run (Tryton's
# test_tryton restores it instead of activating again); it is emptied first so
# that changed modules are never served from an old cache.
#
# TRYTOND_CACHE__CLEAN_TIMEOUT: an in-memory SQLite database has one
# connection; trytond's periodic cache sync (every 5 min by default) takes it
# in autocommit mode, which COMMITS the open test transaction when the sync
# falls inside one (a nested transaction after an integrity error does
# that), and the next test finds the previous one's rows.  One process
# alone uses the database: nothing to sync.
test: venv web
	@rm -rf $(VAR)/test-cache/sqlite && mkdir -p $(VAR)/test-cache/sqlite test-output
	env DB_NAME=:memory: TRYTOND_DATABASE_URI=sqlite:// TEST_NETWORK=0 \
	    TRYTOND_CACHE__CLEAN_TIMEOUT=31536000 \
	    DB_CACHE=$(VAR)/test-cache/sqlite \
	    $(VBIN)/pytest addons tests -q -rfEs --durations=20 $(PYTEST_ARGS)

# The same suite on PostgreSQL; the cluster is created and removed by pg.sh.
# Browser tests: those whose server side differs by database (conftest.py
# PG_BROWSER); BROWSER_ALL=1 runs them all.
# DB_CACHE=postgresql:// keeps the activated databases as templates in that cluster.
# The manager's panel is materialized as a PostgreSQL deployment should
# have it (README, «PostgreSQL»).
MATERIALIZED := TRYTOND_TABLE_QUERY_MATERIALIZED__crm.analytics.board.source=300 \
    TRYTOND_TABLE_QUERY_MATERIALIZED__crm.analytics.board.period=300
test-pg: venv web
	@mkdir -p test-output
	scripts/pg.sh run -- env DB_NAME=test_crm DB_CACHE=postgresql:// TEST_NETWORK=0 \
	    $(MATERIALIZED) $(VBIN)/pytest addons tests -q -rfEs --durations=20 $(PYTEST_ARGS)

# Benchmarks run on PostgreSQL with durable settings (fsync on).
bench: venv
	PG_DURABLE=1 scripts/pg.sh run -- env BENCH_DB=bench $(MATERIALIZED) \
	    $(VPY) tools/bench.py

# The operator queue of the demo through JSON-RPC against `make run`'s
# server (start it first), with a SQL baseline read from the SQLite file.
bench-demo: venv
	$(VPY) tools/bench_demo.py --url http://127.0.0.1:8000/ --database $(DB) \
	    --sqlite $(DB_DIR)/$(DB).sqlite

# Keeps var/pg*.env: the state of PostgreSQL clusters that may still run
# (scripts/pg.sh stop removes them).
clean:
	rm -rf $(DB_DIR) $(VAR)/test-cache $(CONF) $(TRYTONPASSFILE) test-output \
	    .pytest_cache $(WEB_STAMP) $(SAO)/node_modules
	find . -path ./.venv -prune -o -path ./web/node_modules -prune -o \
	    -name __pycache__ -type d -print0 | xargs -0 rm -rf
