# Two commands do all set-up on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
HOST   ?= 127.0.0.1
export FLASK_APP := wsgi.py

.PHONY: run test install install-dev translations extract-messages db demo clean

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
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o matchmaker/translations/messages.pot .
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

test: install-dev translations           ## run the whole test suite
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
