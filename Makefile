# Two entry points for a fresh machine:  `make run`  and  `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
RAW_DIR ?= data/raw
PYTEST_ARGS ?=
# pytest-xdist workers: one per core (docs/testing.md)
PYTEST_WORKERS ?= 2

export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export PYTHONUNBUFFERED := 1

.PHONY: run test test-fast install manifest system-deps sample build app dev figures clean

## run: set up, generate the synthetic sample if data/raw is empty, build, serve the front end
run: install manifest
	@if [ -z "$$(find $(RAW_DIR) -type f \( -name '*.csv' -o -name '*.csv.gz' \) 2>/dev/null | head -n 1)" ]; then \
		echo "data/raw is empty: generating the synthetic sample (scale 1)"; \
		$(VENV)/bin/smartcounty sample --out $(RAW_DIR); \
	fi
	$(VENV)/bin/smartcounty build --raw $(RAW_DIR)
	$(VENV)/bin/smartcounty app

## test: set up (packages, dbt manifest, Chromium + CJK fonts) and run every test, dbt tests included
test: install manifest system-deps
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## test-fast: the inner loop: pure functions, dbt unit tests and every page (AppTest) on one shared small
## build, which is kept in .pytest_cache and reused while the code that makes it is unchanged (docs/testing.md)
test-fast: install manifest
	$(PY) -m pytest -n $(PYTEST_WORKERS) -m "not slow and not browser" --reuse-small-build $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@mkdir -p $(DAGSTER_HOME) && printf 'telemetry:\n  enabled: false\n' > $(DAGSTER_HOME)/dagster.yaml
	touch $(STAMP)

## manifest: dagster-dbt reads dbt's manifest when the definitions are imported
manifest: install
	$(PY) -c "from dagster_pipeline.project import ensure_manifest; print(ensure_manifest())"

## system-deps: headless Chromium and CJK fonts for the browser test, poppler-utils for the bulletin's PDF tests (Debian packages)
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then \
		echo "installing chromium, fonts-noto-cjk and poppler-utils (Debian)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk poppler-utils >/dev/null; \
	fi

sample: install
	$(VENV)/bin/smartcounty sample --out $(RAW_DIR)

build: install manifest
	$(VENV)/bin/smartcounty build --raw $(RAW_DIR)

figures: install
	$(VENV)/bin/smartcounty figures

app: install
	$(VENV)/bin/smartcounty app

## dev: the Dagster UI over the same definitions (http://127.0.0.1:3000)
dev: install manifest
	$(VENV)/bin/dagster dev -m dagster_pipeline.definitions -h 127.0.0.1 -p 3000

clean:
	rm -rf dbt_project/target dbt_project/logs .pytest_cache artifacts
