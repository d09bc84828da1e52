# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
# Both build .venv from the pinned versions in requirements.lock first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

export YIBAO_DATA ?= $(CURDIR)/data

.PHONY: demo test lint spark-test bench venv clean gx-suites docs

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

## demo: generate a small synthetic city, ingest it, build the warehouse and serve the dashboard
demo: $(STAMP)
	$(BIN)/yibao demo

## lint: ruff (check and format) on the Python, configured in pyproject.toml; sqlfluff (dbt templater, DuckDB
## dialect) on models/ and tests/, configured in .sqlfluff, compiling against a scratch folder; zero findings
LINTED := yibao dashboards tests bench
lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	@scratch=$$(mktemp -d) && export YIBAO_DATA=$$scratch YIBAO_DB=$$scratch/lint.duckdb \
		DBT_TARGET_PATH=$$scratch/target DBT_LOG_PATH=$$scratch/logs && \
		$(BIN)/sqlfluff lint models tests; rc=$$?; rm -rf $$scratch; exit $$rc

## test: lint, then the whole test suite on small generated data, a test file per worker on each core (pytest-xdist:
## a small build's time is dbt's own Python, one core each)
TEST_WORKERS ?= 2
test: lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=10

## spark-test: the same dbt project on a local Spark (dbt-spark session; needs Java 17) against DuckDB, on two small cities
SPARK_STAMP := $(VENV)/.spark-installed

$(SPARK_STAMP): $(STAMP) requirements-spark.lock
	$(BIN)/pip install --quiet -r requirements-spark.lock
	touch $(SPARK_STAMP)

spark-test: $(SPARK_STAMP)
	$(BIN)/python -m pytest tests/spark -s

## bench: time every stage on a full-size city (2 M persons, three nightlies; about seven minutes) and update docs/PERFORMANCE.md
bench: $(STAMP)
	$(BIN)/yibao bench --write-doc

clean:
	rm -rf $(VENV) target logs data

## gx-suites: regenerate the Great Expectations suites in gx/expectations from yibao/rules.py and the seeds
gx-suites: $(STAMP)
	$(BIN)/python -c "from yibao.validate import write_suites; [print(p) for p in write_suites()]"

## docs: generate the dbt docs site (catalog with the Chinese descriptions) and say how to open it
docs: $(STAMP)
	$(BIN)/yibao docs
