# Relais — two commands: `make run` (try it) and `make test` (check it).
PYTHON ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard crm/translations/*/LC_MESSAGES/messages.po))
export FLASK_APP := wsgi

.PHONY: run test lint bench translations messages clean axe lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
LOCK := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links

# Dependencies come from the hash-pinned lock files (requirements/*.lock), made from the
# ranges in pyproject.toml by `make lock`; Relais itself is installed on top, without deps.
$(VENV)/.installed: pyproject.toml requirements/base.lock | $(BIN)/python
	$(PIP) --require-hashes -r requirements/base.lock
	$(PIP) --no-deps -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml requirements/dev.lock $(VENV)/.installed
	$(PIP) --require-hashes -r requirements/dev.lock
	touch $@

## lock: pin every dependency (with hashes) after changing a range in pyproject.toml
lock: | $(BIN)/python
	$(PIP) 'pip-tools>=7.4,<8'
	$(LOCK) -o requirements/base.lock pyproject.toml
	$(LOCK) --extra dev -o requirements/dev.lock pyproject.toml

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
	$(BIN)/mypy
	$(BIN)/python -m pytest

## lint: ruff, then the type checker (mypy, configured in pyproject.toml)
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/mypy

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
