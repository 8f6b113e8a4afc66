# Userpools: `make serve` starts the server on the embedded SQLite store; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The real client libraries (amazon-cognito-identity-js, aws-amplify, aws-jwt-verify) that tests/clients
# drives; pinned by package-lock.json. Without Node the tests skip locally and fail in CI.
JS_DIR := tests/clients/js
JS_STAMP := $(JS_DIR)/node_modules/.installed
# Debian's chromium for the browser tests (tests/oauth2/test_hosted_browser.py, driven by Playwright):
# installed with apt-get when missing, never by `playwright install`. Without it (and without apt-get
# as root) the browser tests skip locally; in CI they fail.
CHROMIUM := /usr/bin/chromium

.PHONY: install serve test lint format docs clean browser

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

$(JS_STAMP): $(JS_DIR)/package.json $(JS_DIR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd $(JS_DIR) && npm ci --no-audit --no-fund && touch node_modules/.installed; \
	elif [ "$$CI" = "true" ]; then \
		echo "npm not found: Node.js 20+ is needed for the client-library tests" >&2; exit 1; \
	else \
		echo "npm not found: the client-library tests (tests/clients, Node.js 20+) will be skipped"; \
	fi

browser:
	@if [ -x $(CHROMIUM) ]; then \
		:; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	elif [ "$$CI" = "true" ]; then \
		echo "$(CHROMIUM) not found and apt-get unavailable: Debian's chromium is needed for the browser tests" >&2; exit 1; \
	else \
		echo "$(CHROMIUM) not found and apt-get unavailable (or not root): the browser tests will be skipped"; \
	fi

install: $(STAMP) $(JS_STAMP) browser

serve: $(STAMP)
	$(BIN)/userpools serve $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests tools
	$(BIN)/ruff format --check src tests tools
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests tools
	$(BIN)/ruff check --fix src tests tools

# Everything on the embedded SQLite store, then the live-server tests again on PostgreSQL (the store
# tests run on both stores in the first pass).
test: $(STAMP) $(JS_STAMP) browser lint
	$(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)
	USERPOOLS_TEST_STORE=postgresql $(BIN)/pytest -n 2 --dist loadfile tests/api tests/cli tests/oauth2 tests/observability tests/security $(PYTEST_ARGS)

docs: $(STAMP)
	$(BIN)/python tools/gen_operations_doc.py

clean:
	rm -rf $(VENV) .userpools $(JS_DIR)/node_modules
