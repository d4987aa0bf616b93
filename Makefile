# FullFill's local workflow. Every target installs what it needs first and is safe to repeat.
SHELL := /bin/bash
PYTHON := .venv/bin/python
SAMPLE := .fullfill/sample-500k.csv
export NEXT_TELEMETRY_DISABLED := 1

.PHONY: install up down demo test test-unit bench bench-products bench-sse sample

install:
	@bash infra/local/install.sh

up: install
	@bash infra/local/up.sh

down:
	@bash infra/local/down.sh

sample: install
	@[[ -f $(SAMPLE) ]] || $(PYTHON) -m chalicelib.imports.sample $(SAMPLE) --rows 500000 --seed 1

demo: up sample
	@.venv/bin/fullfill import $(SAMPLE)

test: up
	@bash infra/local/install_frontend.sh
	@cd frontend && npm test
	@cd frontend && npm run e2e
	@$(PYTHON) -m pytest -q

test-unit: install
	@bash infra/local/postgres.sh start >/dev/null
	@$(PYTHON) -m pytest -q -m "not localstack"

bench: up sample
	@$(PYTHON) bench/import_bench.py $(SAMPLE)

bench-products: install
	@bash infra/local/postgres.sh start >/dev/null
	@$(PYTHON) bench/products_bench.py

bench-sse: install
	@bash infra/local/postgres.sh start >/dev/null
	@$(PYTHON) bench/sse_bench.py
