# cpconf: `make demo` runs the product with demo data; `make test` runs the whole test suite.
.DEFAULT_GOAL := help
SHELL := /bin/sh

VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
export CPCONF_DATA_DIR ?= $(CURDIR)/var

.PHONY: help demo test lint assets clean

help:
	@echo "make demo     install, load the demo data and serve at http://127.0.0.1:$(PORT) (PORT=... to change)"
	@echo "make test     install the development extras and run ruff, mypy and the whole test suite"
	@echo "make assets   rebuild the GOV.UK Frontend CSS and JavaScript (needs Node.js and npm)"
	@echo "make clean    remove the virtual environment and the demo database"

$(BIN)/python:
	@python=$$(scripts/find-python) || exit 1; \
	echo "Creating a virtual environment in $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(VENV)/.installed $@

demo: export CPCONF_SITE_URL ?= http://127.0.0.1:$(PORT)
demo: $(VENV)/.installed
	@mkdir -p "$(CPCONF_DATA_DIR)"
	CPCONF_DEMO=1 $(BIN)/cpconf migrate --noinput
	CPCONF_DEMO=1 $(BIN)/cpconf demo
	@echo "The background worker sends the demo's email; it is written to $(CPCONF_DATA_DIR)/demo-email.log"
	@CPCONF_DEMO=1 $(BIN)/cpconf db_worker >>"$(CPCONF_DATA_DIR)/demo-email.log" 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	CPCONF_DEMO=1 $(BIN)/cpconf runserver --noreload 127.0.0.1:$(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	CPCONF_DEMO=1 $(BIN)/mypy

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

assets:
	scripts/build-assets

clean:
	rm -rf $(VENV) var
