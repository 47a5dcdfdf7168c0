# Relais — two commands: `make run` (try it) and `make test` (check it).
PYTHON ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard crm/translations/*/LC_MESSAGES/messages.po))
export FLASK_APP := wsgi

.PHONY: run test lint bench translations messages clean axe

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

translations: $(CATALOGUES)

# axe-core (the accessibility engine the browser tests inject), pinned in tests/e2e/package.json
AXE := tests/e2e/node_modules/axe-core/axe.min.js
$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	npm install --prefix tests/e2e --no-audit --no-fund
	touch $@

axe: $(AXE)

## run: set everything up (venv, dependencies, database, demo data) and serve on :$(PORT)
run: $(VENV)/.installed translations
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	$(BIN)/flask dev --port $(PORT)

## test: the whole suite, on SQLite and (when reachable) PostgreSQL, with a real browser
test: $(VENV)/.installed-dev translations $(AXE)
	$(BIN)/ruff check --quiet .
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

## bench: every benchmark under bench/, each beside its baseline
bench: $(VENV)/.installed-dev translations
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	@for module in $$(ls bench/[a-z]*.py | sed 's|/|.|; s|\.py$$||'); do \
		echo "== $$module"; $(BIN)/python -m $$module || exit 1; done

## messages: refresh the message template and the catalogues after changing texts
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location \
		--ignore-dirs ".* .venv static" \
		--sort-output --project Relais -o crm/messages.pot .
	$(BIN)/pybabel update -i crm/messages.pot -d crm/translations --no-fuzzy-matching --width 100

clean:
	rm -rf $(VENV) instance .pytest_cache tests/e2e/node_modules
