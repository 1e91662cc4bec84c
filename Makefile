# The README's two commands: `make run` and `make test`. Both set up .venv on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Python writes bytecode by default; an environment that turns it off (PYTHONDONTWRITEBYTECODE, as some images do)
# makes every test worker and every child process the suite starts compile the project again: about a second of
# CPU per process that imports the app.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-busy lint docs system-deps realclient vsix bench openapi clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[server,test,bench,lint]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/engineering-api serve --data-dir ./var

# Debian packages some suites need (Mono for the Openness bridge stand-in, the git CLI, redis-server for the
# farm, postgresql for --db, Chromium and its driver for the browser tests): .ci/system-deps.sh installs the missing ones in one apt-get run on a fresh machine
# (as root), or says why not; those suites then skip with the reason (with CI=true they fail instead).
system-deps:
	@bash .ci/system-deps.sh

# Static checks (ruff's rule set and mypy's settings in pyproject.toml), alone or as the first step of make test.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# Pages generated from the code and data (the architecture diagram, the CLI reference, the route table, the diagnostic
# codes, the Openness member table); tests fail when they differ.
docs: $(STAMP)
	$(BIN)/python -m tools.architecture
	$(BIN)/python -m tools.reference_pages

# --dist loadgroup: the tests of each xdist_group share one worker; the farm's two groups (farm-1, farm-2) each have
# their own broker and agents. Four workers on two cores: the farm's two mostly wait (on agents, leases and
# restarts; one group of them took the whole run, 13-14 minutes), and two keep both cores busy meanwhile; the
# farm's workers take other tests once their group is done. compileall first: the workers then share one compiled copy instead of each compiling it;
# likewise tests/lib/rewrite_cache.py writes pytest's cache of rewritten test modules, which each worker of a fresh
# clone would otherwise write for itself (~13 s of CPU per worker).
# ruff first (seconds); mypy runs beside pytest, since from a cold cache (a fresh clone) it takes about a minute of
# one core, which the suite's waits (subprocesses, events) mostly absorb. Its report is printed after pytest's, and
# either failing fails the target.
# Bytecode is written even where the environment says not to (PYTHONDONTWRITEBYTECODE, set on this project's
# machines): without it every process compiled the test modules and tools it imported and each worker rewrote every
# test module's asserts, and the suite starts hundreds of Python processes. The files go to __pycache__ (ignored).
test: export PYTHONDONTWRITEBYTECODE =
test: $(STAMP) system-deps
	$(BIN)/ruff check .
	@report=$$(mktemp); $(BIN)/mypy >"$$report" 2>&1 & mypy=$$!; \
	$(BIN)/python -m compileall -q -j 0 engineering_api fakes simatic_xml openness_bridge >/dev/null; \
	$(BIN)/python -m tests.lib.rewrite_cache >/dev/null; \
	$(BIN)/python -m pytest -n 4 --dist loadgroup -q; tests=$$?; \
	wait $$mypy; typed=$$?; echo "mypy:"; cat "$$report"; rm -f "$$report"; \
	[ $$tests -eq 0 ] && [ $$typed -eq 0 ]

# The suite on a loaded machine: `make test` with BUSY (default 6) CPU-bound loops beside it (.ci/busy), as on a
# busy CI runner. Tests wait for events, never for time; tools/bounds.py holds the one hang guard.
BUSY ?= 6
test-busy: $(STAMP)
	BUSY=$(BUSY) bash .ci/busy $(MAKE) test

# T-IA Connect's VS Code client, unmodified, against a served engineering-api (tests/realclient/README.md). It is
# part of make test too; this runs it alone and prints the report. Needs Node.js 18+ (skips without it).
realclient: $(STAMP)
	$(BIN)/python -m pytest -q -s -p no:cacheprovider tests/realclient

# The VS Code extension's package, dist/siemens-scl-<version>.vsix (docs/editors.md): needs Node.js 20+ and npm,
# which install the pinned build tools into ~/.cache/engineering-api/vsix on first use.
vsix:
	node editors/vscode/build.mjs --out dist

bench: $(STAMP)
	$(BIN)/python bench/servers.py
	$(BIN)/python bench/overhead.py
	$(BIN)/python bench/simaticml.py
	$(BIN)/python bench/scl_check.py
	$(BIN)/python bench/scl_scale.py
	$(BIN)/python bench/plc_check.py
	$(BIN)/python bench/mcp_overhead.py
	$(BIN)/python bench/runtime_bulk.py
	$(BIN)/python bench/runtime_history.py
	$(BIN)/python bench/scan.py
	$(BIN)/python bench/pipeline.py
	@echo "bench/tags_xlsx.py (100k-row XLSX import, several minutes) runs on its own: $(BIN)/python bench/tags_xlsx.py"

openapi: $(STAMP)
	$(BIN)/engineering-api openapi --pretty

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
