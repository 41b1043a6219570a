# The README's two commands: `make run` (demo on SQLite) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install demo i18n migration bench clean lint wheel-test screenshots

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Compiled catalogues: the editable install compiles them (setup.py); this recompiles a .po
# changed since (`make i18n`, tools/i18n_merge.py), so `make run` always serves the newest.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard quizapp/translations/*/LC_MESSAGES/messages.po))

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel -q compile -i $< -o $@

install: $(VENV)/.installed $(CATALOGUES)

## Set up, migrate, load the demo province when the database is empty, and serve it.
run: install
	$(BIN)/quizapp db upgrade
	$(BIN)/quizapp demo --if-empty
	$(BIN)/quizapp run --host $(HOST) --port $(PORT)

## Set up and run the whole test suite (SQLite unless QUIZAPP_TEST_DATABASE_URL is set).
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## The guides' screenshots, from the demo province through the real pages (Debian's chromium),
## saved as WebP into quizapp/static/help/. The suite runs the same test into a temporary folder.
screenshots: install
	QUIZAPP_SCREENSHOTS_DIR=$(CURDIR)/quizapp/static/help QUIZAPP_TEST_CHROMIUM=$${QUIZAPP_TEST_CHROMIUM:-/usr/bin/chromium} \
	  $(BIN)/python -m pytest tests/browser/test_help_screenshots.py -q -p no:cacheprovider

## The linter CI runs (ruff, settings in pyproject.toml).
lint: install
	$(BIN)/pip install --quiet 'ruff==0.17.6'
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Extract translatable strings and update both catalogues.
i18n: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o quizapp/translations/messages.pot .
	$(BIN)/pybabel update -i quizapp/translations/messages.pot -d quizapp/translations --no-fuzzy-matching --width 0
	$(BIN)/pybabel -q compile -d quizapp/translations

## A new Alembic migration from the models: make migration m="what changed"
migration: install
	$(BIN)/quizapp db migrate -m "$(m)"

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
