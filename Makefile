# The README's two commands: `make run` and `make test`. Both set up .venv on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test mono gitcli redis postgres realclient bench openapi clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/engineering-api serve --data-dir ./var

# The Openness bridge tests compile a C# stand-in with Mono's mcs and load it through pythonnet's Mono
# runtime. On a fresh Debian (CI) this installs Mono (~50 s measured); elsewhere it says why it does not, and
# the bridge tests then skip with that reason (with CI=true they fail instead, see tests/bridge/conftest.py).
mono:
	@if command -v mcs >/dev/null 2>&1; then \
		:; \
	elif [ "$$(id -u)" != 0 ]; then \
		echo "make: not installing Mono (not root); the bridge tests need: sudo apt-get install -y mono-devel libmono-2.0-1"; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
		echo "make: not installing Mono (no apt-get); the bridge tests need Mono's mcs and libmono-2.0"; \
	else \
		echo "make: installing Mono (mono-devel, libmono-2.0-1) for the Openness bridge tests"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mono-devel libmono-2.0-1 >/dev/null; \
	fi

# The source-control tests check the repository the API makes from the outside, with the git CLI (the server itself
# needs no git binary: pygit2 bundles libgit2). Installed like Mono when missing; without it those tests skip (CI=true: fail).
gitcli:
	@if command -v git >/dev/null 2>&1; then \
		:; \
	elif [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then \
		echo "make: not installing git (not root or no apt-get); the source-control CLI checks need the git CLI"; \
	else \
		echo "make: installing git for the source-control tests"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends git >/dev/null; \
	fi

# The farm tests (tests/farm) run a real Redis broker and agent processes. Installed like Mono when missing (Debian's
# redis-server; the tests start their own server on a free port, never the system service); without it those tests
# skip with the reason (CI=true: fail).
redis:
	@if command -v redis-server >/dev/null 2>&1; then \
		:; \
	elif [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then \
		echo "make: not installing redis-server (not root or no apt-get); the farm tests need: sudo apt-get install -y redis-server"; \
	else \
		echo "make: installing redis-server for the farm tests"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null; \
	fi

# The --db postgresql:// tests start their own PostgreSQL cluster (initdb on a free port); Debian's postgresql is
# installed like Mono when missing, without it those tests skip with the reason (CI=true: fail).
postgres:
	@if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		:; \
	elif [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then \
		echo "make: not installing postgresql (not root or no apt-get); the --db tests need: sudo apt-get install -y postgresql"; \
	else \
		echo "make: installing postgresql for the --db tests"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null; \
	fi

# --dist loadgroup: tests marked xdist_group("farm") share one worker (one broker and one set of agents).
test: $(STAMP) mono gitcli redis postgres
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

# T-IA Connect's VS Code client, unmodified, against a served engineering-api (tests/realclient/README.md). It is
# part of make test too; this runs it alone and prints the report. Needs Node.js 18+ (skips without it).
realclient: $(STAMP)
	$(BIN)/python -m pytest -q -s -p no:cacheprovider tests/realclient

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
	@echo "bench/tags_xlsx.py (100k-row XLSX import, several minutes) runs on its own: $(BIN)/python bench/tags_xlsx.py"

openapi: $(STAMP)
	$(BIN)/engineering-api openapi --pretty

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
