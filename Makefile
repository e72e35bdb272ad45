# cloudcost — common tasks. `make demo` sets everything up and runs the pipeline on DuckDB;
# `make test` runs the whole test suite (lint, pytest; pytest runs every dbt test and unit test once per engine).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ROWS ?= 1000000
# SQL folders that exist (git keeps no empty folders)
SQL_DIRS := $(wildcard models macros analyses snapshots data-tests)

.PHONY: setup demo test lint pytest pytest-spark build check docs bench dashboard diff clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,models]"
	@touch $(STAMP)

setup: $(STAMP) ## create .venv and install pinned dependencies

demo: setup ## generate sample data, load it into DuckDB, build and test everything
	$(BIN)/cloudcost demo --no-serve

test: setup lint pytest pytest-spark ## the whole test suite

lint: setup ## ruff for Python, sqlfluff (dbt templater) for SQL
	$(BIN)/ruff check cloudcost tests streamlit_app
	@mkdir -p target
	@# the dbt templater compiles the project: place the company seeds (CLOUDCOST_COMPANY_DIR or the starter)
	$(BIN)/python -c "from cloudcost.company import place_company_seeds; from cloudcost.settings import PROJECT_ROOT, load_settings; place_company_seeds(load_settings().company_dir, PROJECT_ROOT)"
	DBT_PROFILES_DIR=$$($(BIN)/python -c "from cloudcost.dbt_runner import profiles_dir; print(profiles_dir())") \
	CLOUDCOST_TARGET=duckdb CLOUDCOST_DUCKDB_PATH=target/lint.duckdb \
	$(BIN)/sqlfluff lint --processes 2 $(SQL_DIRS)

# two workers by default (PYTEST_WORKERS=0 runs in one process); a module's tests, and the modules that read
# the demo warehouses, stay on one worker (tests/conftest.py)
PYTEST_WORKERS ?= 2
pytest: setup
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadscope

pytest-spark: setup ## the real samples on Spark equal to DuckDB (Java 17; installs the spark extra; skipped without Java)
	$(BIN)/python -m pip install --quiet -e ".[spark]"
	$(BIN)/pytest -m spark tests/test_spark.py

build: setup ## one dbt build (seeds, models, snapshots, money checks) on $$CLOUDCOST_TARGET
	$(BIN)/cloudcost build

check: setup ## every dbt test and unit test on the current build (cloudcost check)
	$(BIN)/cloudcost check

docs: setup ## static dbt docs site
	$(BIN)/cloudcost docs

bench: setup ## load and build benchmark (ROWS=1000000 by default)
	$(BIN)/cloudcost bench --rows $(ROWS)

dashboard: setup ## serve the Streamlit dashboard
	$(BIN)/cloudcost dashboard

BASE ?= main
diff: setup ## what the working tree changes in the marts' numbers vs $$BASE (default main), on the loaded data
	@mkdir -p test-output
	$(BIN)/cloudcost diff --base $(BASE) --out test-output/diff-report.md

.PHONY: guard
guard: setup ## fail when mapping rows are edited in place or a public contract breaks unversioned vs $$BASE
	$(BIN)/cloudcost guard --base $(BASE)

clean: ## remove generated data, warehouse and dbt artifacts (keeps .venv)
	rm -rf target logs warehouse sample-data bench-data test-output .cloudcost
