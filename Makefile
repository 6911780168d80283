# netcrm — `make run` starts everything, `make test` runs the whole suite.
# The interpreter: $(PYTHON) if given, else python3.13 / python3.12 on the PATH,
# else the newest pyenv-installed 3.12+.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
PY_OK := import sys; sys.exit(sys.version_info < (3, 12))

PYTHON ?= $(shell \
  for c in python3.13 python3.12; do \
    p=$$(command -v $$c) && $$p -c '$(PY_OK)' 2>/dev/null && { echo $$p; exit 0; }; \
  done; \
  if command -v pyenv >/dev/null 2>&1; then \
    for v in $$(pyenv versions --bare 2>/dev/null | grep -E '^3\.[0-9]+\.[0-9]+$$' | sort -rV); do \
      p="$$(pyenv root)/versions/$$v/bin/python"; \
      [ -x "$$p" ] && "$$p" -c '$(PY_OK)' 2>/dev/null && { echo $$p; exit 0; }; \
    done; \
  fi)

.PHONY: run dev test install lock migrate clean-data bench bench-picture bench-load bench-sweep

$(BIN)/.installed: requirements.lock
	@[ -n "$(PYTHON)" ] || { echo "netcrm needs Python >= 3.12: set PYTHON=/path/to/python3.12" >&2; exit 1; }
	@[ -x $(BIN)/python ] || { echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	@touch $@

install: $(BIN)/.installed

# Served as in production: gunicorn, static files collected, compressed and
# fingerprinted, DEBUG off; cookies without the Secure flag, for plain http on
# this machine (DEBUG=true / SECURE_COOKIES=true to change).
run: install
	DEBUG=$${DEBUG:-false} SECURE_COOKIES=$${SECURE_COOKIES:-false} $(BIN)/python manage.py runstack

# Development: Django's autoreloading runserver instead of gunicorn, DEBUG on.
dev: install
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runstack --dev

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Re-pin requirements.lock after editing pyproject.toml.
lock: install
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.12 \
	  --generate-hashes -o requirements.lock

bench: install
	$(BIN)/python bench/run.py

# Issue 11's picture on a throwaway PostgreSQL database (see bench/README.md), e.g.
# DATABASE_URL=postgres://postgres@127.0.0.1:5432/netcrm_bench make bench-picture bench-load
bench-picture: install
	$(BIN)/python bench/run.py --picture --keep

bench-load: install
	$(BIN)/python bench/load.py

bench-sweep: install
	$(BIN)/python bench/sweep.py
