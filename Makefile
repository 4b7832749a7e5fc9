# Two entry points do all set-up: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
REPORT_DIR ?= reports

.PHONY: setup demo lab test bench lint clean

setup: $(STAMP)

# Rebuilt only when the lock or the project metadata change, so repeat runs are instant.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/credits-analysis demo --out $(REPORT_DIR)

# JupyterLab on git-ignored copies of the notebooks in lab/ (see README); e.g. LAB_ARGS=--no-browser
lab: $(STAMP)
	$(BIN)/credits-analysis lab $(LAB_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m pytest tests/benchmarks tests/test_cache_concurrency.py -m "benchmark or stress" -s

lint: $(STAMP)
	$(BIN)/ruff check credits_analysis tests

clean:
	rm -rf $(VENV) $(REPORT_DIR) data/cache
