# 信用本溪 — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: install run test test-pg lint browser-deps system-deps migrate clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

install: $(UV)
	$(UV) sync --frozen --all-groups --quiet

# Debian's Chromium drives the browser tests; WeasyPrint renders credit reports with Pango
# and a CJK font (embedded in every PDF); pdftoppm lets the tests look at the pages.
# Each is installed when it is missing.
SYSTEM_PACKAGES := chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils
browser-deps system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  (apt-get update -qq && apt-get install -y -qq $$missing) >/dev/null; fi

migrate: install
	CREDIT_DEBUG=1 $(UV) run --frozen credit migrate --noinput

run: install system-deps
	./scripts/run-dev.sh $(HOST) $(PORT)

test: install system-deps
	$(UV) run --frozen pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(UV) run --frozen ruff check src tests bench
	$(UV) run --frozen ruff format --check src tests bench
	CREDIT_DEBUG=1 $(UV) run --frozen credit makemigrations --check --dry-run
	$(UV) run --frozen lint-imports --no-logo

clean:
	rm -rf var .venv $(TOOLS)
