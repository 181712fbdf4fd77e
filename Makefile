# The interface: make run | test | bench | lint | i18n | i18n-update | i18n-check | run-due | check-campaigns | package | lock
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Two install stamps, each named after the content of the files it installs from: `make run`
# installs what running the local stack needs; test, lint, bench and the rest add the dev tools.
RUN_STAMP := $(VENV)/.run-$(shell cat requirements.txt requirements-run.txt pyproject.toml | cksum | cut -d' ' -f1)
DEV_STAMP := $(VENV)/.dev-$(shell cat requirements.txt requirements-run.txt requirements-dev.txt pyproject.toml | cksum | cut -d' ' -f1)
# --no-compile: byte-compiling every installed module took half of the install; Python compiles
# what it imports on first use.
PIP := $(BIN)/python -m pip install --disable-pip-version-check -q --no-compile
LOCALES := $(patsubst locales/%/LC_MESSAGES/messages.po,%,$(wildcard locales/*/LC_MESSAGES/messages.po))
CATALOGS := $(foreach l,$(LOCALES),chalicelib/i18n/catalogs/$(l)/LC_MESSAGES/messages.mo)

.PHONY: FORCE install run test test-clock bench package lock deploy infra-check lint format i18n i18n-update i18n-check run-due check-campaigns clean
.DEFAULT_GOAL := test

install: $(DEV_STAMP)

$(RUN_STAMP): requirements.txt requirements-run.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements-run.txt
	$(PIP) --no-deps -e .
	rm -f $(VENV)/.run-* $(VENV)/.installed-*
	touch $@

$(DEV_STAMP): $(RUN_STAMP) requirements-dev.txt
	$(PIP) -r requirements-dev.txt
	rm -f $(VENV)/.dev-*
	touch $@

# Compiled catalogs live in chalicelib/ because Chalice packages nothing else. When a .po
# changes or a .mo is missing, one process compiles them all: starting `samvad` costs seconds,
# a catalog milliseconds (samvad_cli/i18n.py: samvad i18n --help).
CATALOG_STAMP := $(VENV)/.catalogs
$(CATALOG_STAMP): $(wildcard locales/*/LC_MESSAGES/*.po) $(RUN_STAMP) \
  $(if $(filter-out $(wildcard $(CATALOGS)),$(CATALOGS)),FORCE)
	$(BIN)/samvad i18n compile
	touch $@

FORCE:

i18n: $(RUN_STAMP) $(CATALOG_STAMP)

# Sources -> locales/messages.pot -> every locales/<l>/LC_MESSAGES/messages.po.
i18n-update: $(RUN_STAMP)
	$(BIN)/samvad i18n extract
	$(BIN)/samvad i18n update

# Every translated locale complete, nothing fuzzy, in step with the .pot, placeholders kept.
i18n-check: $(RUN_STAMP)
	$(BIN)/samvad i18n check

run: $(RUN_STAMP) i18n
	$(BIN)/python -m chalicelib.local.stack

# One scheduler pass against the running local stack; NOW=2026-11-27T10:00+05:30 makes time pass.
run-due: $(RUN_STAMP) i18n
	$(BIN)/python -m samvad_cli followups run-due $(if $(NOW),--now $(NOW))

check-campaigns: $(RUN_STAMP)
	$(BIN)/python -m samvad_cli validate

STAGE ?= dev

# The Lambda package's dependencies (Linux arm64, Python 3.12): every version and hash, from
# requirements.txt. `make package` installs exactly these, hash-checked.
lock: $(DEV_STAMP)
	$(BIN)/uv pip compile requirements.txt --python-platform aarch64-manylinux2014 \
	  --python-version 3.12 --generate-hashes --custom-compile-command "make lock" \
	  -o requirements.lock

# The deployable artefact of a stage: build/$(STAGE)/template.json and samvad.zip (arm64); it
# prints the zip's size.
package: $(DEV_STAMP) i18n
	$(BIN)/samvad package --stage $(STAGE)
	$(BIN)/cfn-lint --include-checks I -- build/$(STAGE)/template.json

# Needs AWS credentials, SAMVAD_DEPLOY_BUCKET and SAMVAD_PUBLIC_URL (README, Deploying).
deploy: package
	$(BIN)/samvad deploy-stack --stage $(STAGE)

# The packaged template of every stage, checked offline with cfn-lint, informational checks too.
infra-check: $(DEV_STAMP)
	for stage in dev prod; do \
	  $(BIN)/samvad package --stage $$stage --template-only && \
	  $(BIN)/cfn-lint --include-checks I -- build/$$stage/template.json || exit 1; \
	done

# Figures, not assertions: 10,000 due follow-ups against an in-process emulator, then the
# bytes of every sample page (HTML, CSS, optional JavaScript) from an in-process local stack;
# then 20 customers for 60 s under locust (bench/load.py: fails on any error or lost answer).
bench: $(DEV_STAMP) i18n
	$(BIN)/python -m bench.lambda_figures
	$(BIN)/python -m bench.followups $(JOBS)
	$(BIN)/python -m bench.pages
	$(BIN)/python -m bench.load --duration 60 --users 20
	$(BIN)/python -m pytest -q -s -p no:cacheprovider tests/integration/test_faults.py

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(DEV_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# pytest-xdist: a worker per core, each taking whole files (a module's fixtures stay in one
# process); then the files marked serial (tests/conftest.py: SERIAL) alone.
WORKERS ?= auto
PARALLEL = -n $(WORKERS) --dist loadfile

test: $(DEV_STAMP) i18n lint i18n-check infra-check
	$(BIN)/python -m pytest $(PARALLEL) -m "not serial"
	$(BIN)/python -m pytest -m serial

# The time-dependent tests (marker "clock", tests/conftest.py) once more with the wall clock
# of pytest and of every Python process it starts at 03:00 IST (21:30 UTC) on a fixed date
# (tests/clock/sitecustomize.py).
CLOCK_AT = 2026-12-01T21:30:00+00:00
CLOCK_PYTEST = PYTHONPATH=tests/clock SAMVAD_TEST_CLOCK_AT=$(CLOCK_AT) \
  $(BIN)/python -m pytest -p no:cacheprovider -W ignore::pytest.PytestAssertRewriteWarning
# pytest exits 5 when its marker selects nothing (no clock test is serial today).
test-clock: $(DEV_STAMP) i18n
	$(CLOCK_PYTEST) $(PARALLEL) -m "clock and not serial"
	$(CLOCK_PYTEST) -m "clock and serial" || [ $$? -eq 5 ]

clean:
	rm -rf $(VENV) chalicelib/i18n/catalogs .pytest_cache .mypy_cache .ruff_cache
