# The two commands of the README:  `make run`  and  `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install schema clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Start Advocase on http://127.0.0.1:8000 (embedded SQLite under var/, migrated, demo data on first start)
run: $(STAMP)
	$(BIN)/advocase serve

## The whole test suite, on SQLite and on PostgreSQL (a throwaway cluster unless ADVOCASE_TEST_DATABASE_URL is set)
test: $(STAMP)
	$(BIN)/python -m pytest tests

## Rewrite api/schema.graphql from the code
schema: $(STAMP)
	$(BIN)/advocase export-schema

clean:
	rm -rf $(VENV) var build *.egg-info
