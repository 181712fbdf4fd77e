# The interface: make run | test | lint | i18n | i18n-update
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
LOCALES := $(patsubst locales/%/LC_MESSAGES/messages.po,%,$(wildcard locales/*/LC_MESSAGES/messages.po))
CATALOGS := $(foreach l,$(LOCALES),chalicelib/i18n/catalogs/$(l)/LC_MESSAGES/messages.mo)

.PHONY: install run test lint format i18n i18n-update clean
.DEFAULT_GOAL := test

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

# Compiled catalogs live in chalicelib/ because Chalice packages nothing else.
chalicelib/i18n/catalogs/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(STAMP)
	mkdir -p $(dir $@)
	$(BIN)/pybabel compile --statistics -l $* -i $< -o $@

i18n: $(CATALOGS)

i18n-update: $(STAMP)
	$(BIN)/pybabel extract -F locales/babel.cfg -k N_ --no-location --sort-output \
	  --project=Samvad --copyright-holder=Samvad -o locales/messages.pot .
	$(BIN)/pybabel update -i locales/messages.pot -d locales --no-fuzzy-matching

run: $(STAMP) i18n
	$(BIN)/python -m chalicelib.local.stack

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: $(STAMP) i18n lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) chalicelib/i18n/catalogs .pytest_cache .mypy_cache .ruff_cache
