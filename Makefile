# Two commands do all set-up on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
HOST   ?= 127.0.0.1
export FLASK_APP := wsgi.py

.PHONY: run test test-e2e lint format e2e-browser redis kernel check-migrations install install-dev translations extract-messages db demo clean

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.dev-installed

translations: install                    ## compile the .po catalogues into .mo files
	$(BIN)/pybabel compile -d matchmaker/translations

extract-messages: install                ## refresh messages.pot and merge new strings into the catalogues
	PYTHONPATH=. $(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o matchmaker/translations/messages.pot .
	$(BIN)/pybabel update -i matchmaker/translations/messages.pot -d matchmaker/translations

db: install                              ## apply the migrations
	$(BIN)/flask db upgrade

demo: db                                 ## load the demo data into an empty database
	$(BIN)/flask seed demo --if-empty

run: install translations demo          ## set up everything and serve http://$(HOST):$(PORT)
	@echo ""
	@echo "  京津冀科技成果供需库 is running at http://$(HOST):$(PORT)"
	@echo "  Demo accounts (demo only), password demo-2026-pool:"
	@echo "    admin@example.com    administrator (regional tech-transfer centre)"
	@echo "    bj-inst@example.com  member of a Beijing university"
	@echo "    tj-inst@example.com  member of a Tianjin institute"
	@echo "    hb-firm@example.com  member of a Hebei firm"
	@echo ""
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# The e2e tests drive Debian's Chromium (never `playwright install`); CJK text needs a CJK font.
# Installed only when missing, and only as root (CI); without them the e2e tests skip with a reason.
e2e-browser:                             ## install chromium and fonts-wqy-microhei for the e2e tests
	@.ci/apt-tool.sh --skip "the e2e tests will be skipped" chromium fonts-wqy-microhei

# redis-server backs the rate limits across gunicorn workers (tests/test_multiworker.py); root only.
redis:                                   ## install redis-server for the multi-worker test when missing
	@.ci/apt-tool.sh --skip "the multi-worker test will be skipped" redis-server

# The matcher's numba kernel compiles once per install into numba's cache (matchmaker/matching/__pycache__):
# done here, so that no test pays the JIT (a few seconds) inside its own timing.
kernel: install                          ## compile (or load from cache) the matcher's query kernel
	$(BIN)/python -c "from matchmaker.matching.matcher import _load_kernel; print('query kernel:', 'numba' if _load_kernel() else 'numpy')"

lint: install-dev                        ## ruff: lint and check the formatting (config in pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev                      ## ruff: fix what it can and format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install-dev translations kernel lint e2e-browser redis  ## lint, then the whole test suite (unit, web and e2e)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-e2e: install-dev translations kernel e2e-browser  ## only the browser tests (tests/e2e), screenshots in tests/e2e/screenshots/
	$(BIN)/python -m pytest -q tests/e2e $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache

MIGRATION_DB ?= sqlite:///$(CURDIR)/instance/migration-check.db
check-migrations: install               ## upgrade → downgrade base → upgrade → flask db check (MIGRATION_DB=url)
	rm -f $(CURDIR)/instance/migration-check.db*
	DATABASE_URL=$(MIGRATION_DB) $(BIN)/flask db upgrade
	DATABASE_URL=$(MIGRATION_DB) $(BIN)/flask db downgrade base
	DATABASE_URL=$(MIGRATION_DB) $(BIN)/flask db upgrade
	DATABASE_URL=$(MIGRATION_DB) $(BIN)/flask db check
	rm -f $(CURDIR)/instance/migration-check.db*

# Load and fault benchmark (bench/README.md, "Load and faults"): gunicorn -w 2 on 127.0.0.1 driven by wrk and a
# threaded client, SQLite then a throw-away PostgreSQL (.ci/pg.sh); ~3.5 min, table in bench/out/load-latest.md.
# wrk is installed with apt when missing, only as root (CI; .ci/apt-tool.sh); otherwise the target stops and says so.
.PHONY: bench-load
bench-load: install translations          ## load and fault benchmark; BENCH_ARGS="--duration 10" for a quick run
	@.ci/apt-tool.sh wrk
	$(BIN)/python bench/load.py $(BENCH_ARGS)

# SQ-4 (optional): sqlmap --level 2 --risk 1 on the browse filters, the API list and a signed-in form post
# (bench/sqlmap_scan.py, ~2 min); sqlmap is installed with apt when missing, only as root.
.PHONY: scan-sql
scan-sql: install translations            ## sqlmap scan of the search and filter endpoints (optional, ~2 min)
	@.ci/apt-tool.sh sqlmap
	$(BIN)/python bench/sqlmap_scan.py $(SCAN_ARGS)
