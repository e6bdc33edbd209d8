# Two commands on a fresh machine: `make run` and `make test`. See README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs against PostgreSQL and Redis on this machine unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/factcheck
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# What WeasyPrint draws PDF reports with (Pango, HarfBuzz, fonts); then what only the tests need: the browser,
# compose, wrk (the API benchmark's load tool) and poppler-utils (the PDF tests read pages with pdftotext).
APT_RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation
APT_TEST_PACKAGES := $(APT_RUN_PACKAGES) chromium docker-compose wrk poppler-utils
# Installs the Debian packages named in $(1) that are missing, when we are root; otherwise says which.
apt_install = missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else echo "Missing Debian packages:$$missing (install them, or run as root)"; fi; \
	fi

.PHONY: run serve worker migrate demo test test-deps screenshots bench lint check-deploy clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@$(call apt_install,$(APT_RUN_PACKAGES))
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

migrate: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

run: demo
	@echo "Serving the workbench at http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# A worker with an embedded beat, which runs the job sweeper every JOB_SWEEP_SECONDS. Without a broker
# `make run` needs no worker: jobs run in a thread of the web process (JOB_RUNNER=thread).
worker: $(VENV)/.installed
	@test -n "$$CELERY_BROKER_URL" || (echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) first." && exit 1)
	$(BIN)/celery -A factcheck worker --beat --schedule $(VENV)/celerybeat-schedule --loglevel=info

# The Debian packages the tests need (APT_TEST_PACKAGES), installed when we are root and they are missing.
test-deps: $(VENV)/.installed-test
	@$(call apt_install,$(APT_TEST_PACKAGES))

test: test-deps
	DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" TEST_REDIS_URL="$(TEST_REDIS_URL)" \
	FAST_PASSWORD_HASHER=1 CELERY_BROKER_URL= \
	$(BIN)/pytest -m "not bench" $(PYTEST_ARGS)

# Retake the README's screenshots (docs/screenshots) with the browser tests.
screenshots: test-deps
	DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" FAST_PASSWORD_HASHER=1 CELERY_BROKER_URL= \
	UPDATE_SCREENSHOTS=1 $(BIN)/pytest tests/browser $(PYTEST_ARGS)

bench: test-deps
	$(BIN)/python bench/run.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

check-deploy: $(VENV)/.installed
	DEBUG=false SECRET_KEY=check-deploy-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	ALLOWED_HOSTS=factcheck.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
