# 信用本溪 — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: install run test test-pg lint browser-deps migrate clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

install: $(UV)
	$(UV) sync --frozen --all-groups --quiet

# Debian's Chromium drives the browser tests; install it when it is missing.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing chromium and CJK fonts (Debian packages)"; \
	  (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk) >/dev/null; }

migrate: install
	CREDIT_DEBUG=1 $(UV) run --frozen credit migrate --noinput

run: install
	./scripts/run-dev.sh $(HOST) $(PORT)

test: install browser-deps
	$(UV) run --frozen pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(UV) run --frozen ruff check src tests bench
	$(UV) run --frozen ruff format --check src tests bench
	CREDIT_DEBUG=1 $(UV) run --frozen credit makemigrations --check --dry-run
	$(UV) run --frozen lint-imports --no-logo

clean:
	rm -rf var .venv $(TOOLS)
