# The two commands of the README:  `make run`  and  `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install schema clean web audit bench load

# The browser app (web/): `npm ci` when the lockfile changes, `npm run build` (codegen from
# api/schema.graphql, type check, Vite) when its sources or the schema change. Needs Node.js 20+ and npm.
WEB_SRC := $(shell find web/src web/index.html web/package.json web/codegen.ts web/vite.config.ts web/tsconfig.json \
	-type f -not -path 'web/src/gql/*' 2>/dev/null) api/schema.graphql
WEB_DEPS := web/node_modules/.installed
WEB_BUILT := web/dist/index.html

$(WEB_DEPS): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

$(WEB_BUILT): $(WEB_DEPS) $(WEB_SRC)
	cd web && npm run build
	touch $@

web: $(WEB_BUILT)

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Start Advocase on http://127.0.0.1:8000 (embedded SQLite under var/, migrated, demo data on first start)
run: $(STAMP)
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory web; \
	else echo "make run: npm not found, serving without the web app (install Node.js 20+ and npm)" >&2; fi
	$(BIN)/advocase serve

## The whole test suite, on SQLite and on PostgreSQL (a throwaway cluster unless ADVOCASE_TEST_DATABASE_URL is set)
test: $(STAMP) $(WEB_BUILT)
	cd web && npm test
	$(BIN)/python -m pytest tests

## Security audit (README "Security"): bandit on our code (fails on medium/high findings; the low ones are
## listed and explained in the README) and pip-audit on the installed dependencies (needs network access)
audit: $(STAMP)
	$(BIN)/bandit -c pyproject.toml -r api domain policies migrations --severity-level medium
	@# Fails on any known vulnerability. Where the package index has no vulnerability data (as on this project's
	@# CI machines, which reach a registry mirror only) pip-audit lists every package as "could not be audited"
	@# instead of failing; that list is printed, and README "Security" explains it.
	$(BIN)/pip-audit --local --skip-editable --progress-spinner off

## Rewrite api/schema.graphql from the code
schema: $(STAMP)
	$(BIN)/advocase export-schema

## Benchmark on a throwaway PostgreSQL: 10k and 100k cases (BENCH_ARGS="--cases 1000000" for 1M); writes bench/RESULTS.md
bench: $(STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## Load test (CI): 32 clients, 60 s of mixed reads and writes against a real server on a throwaway PostgreSQL
## as the restricted app role; fails on any error; writes bench/LOAD.md (LOAD_ARGS="--clients 8 --seconds 10")
load: $(STAMP)
	$(BIN)/python -m bench.load $(LOAD_ARGS)

clean:
	rm -rf $(VENV) var build *.egg-info web/node_modules web/dist web/src/gql
