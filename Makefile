# The README's two commands: `make run` and `make test`. Both set up .venv on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench openapi clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/engineering-api serve --data-dir ./var

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

bench: $(STAMP)
	$(BIN)/python bench/servers.py
	$(BIN)/python bench/overhead.py
	$(BIN)/python bench/simaticml.py
	$(BIN)/python bench/scl_check.py
	@echo "bench/tags_xlsx.py (100k-row XLSX import, several minutes) runs on its own: $(BIN)/python bench/tags_xlsx.py"

openapi: $(STAMP)
	$(BIN)/engineering-api openapi --pretty

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
