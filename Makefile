# theodoi: `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SYSTEM_STAMP := $(VENV)/.system

.PHONY: demo test test-sqlite test-postgres test-infra services serve-production worker lint \
	bench bench-scale setup clean

# System packages (Tesseract with Vietnamese, poppler, Chromium for browser tests).
$(SYSTEM_STAMP): scripts/setup-system.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	sh scripts/setup-system.sh
	touch $(SYSTEM_STAMP)

$(STAMP): pyproject.toml $(SYSTEM_STAMP)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/theodoi demo && $(BIN)/theodoi demo-web

# The production shape on this machine (DEPLOY.md): gunicorn workers, and a job worker in
# another terminal; both read DATABASE_URL, CELERY_BROKER_URL, REDIS_URL... from the
# environment (e.g. CELERY_BROKER_URL=redis://127.0.0.1:6379/2 for both).
serve-production: $(STAMP)
	DJANGO_SETTINGS_MODULE=theodoi.settings $(BIN)/python -m django migrate --noinput -v 0
	DJANGO_SETTINGS_MODULE=theodoi.settings $(BIN)/python -m django collectstatic --noinput -v 0
	$(BIN)/gunicorn -c python:theodoi.gunicorn_conf

worker: $(STAMP)
	$(BIN)/theodoi jobs worker

lint: $(STAMP)
	$(BIN)/ruff check theodoi tests bench

# Redis, RabbitMQ (and nginx) for tests/infra, started only when stopped.
services:
	bash scripts/start-services.sh

# SQLite by default; PostgreSQL too when THEODOI_TEST_DATABASE_URL is set (CI sets it).
# tests/infra use the real Redis, RabbitMQ, nginx and a local S3 server (`make services`).
# One test process per core (pytest-xdist; a file's tests stay in one process, where its
# module fixtures live); TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= auto
XDIST = -n $(TEST_WORKERS) --dist loadfile

test: $(STAMP) lint services
	$(BIN)/pytest $(XDIST)
	@if [ -n "$$THEODOI_TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; fi

test-postgres: $(STAMP)
	DATABASE_URL="$${THEODOI_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}" \
		$(BIN)/pytest $(XDIST) tests/tracking tests/web tests/api tests/outputs tests/bench \
		tests/infra/test_replica.py tests/infra/test_jobs_broker.py $(PYTEST_ARGS)
# (tests/infra/test_jobs_embedded.py: the in-process worker is the embedded SQLite default;
# after the page tests of this run its thread outlives their databases, so it runs in the
# SQLite pass only.)

# Only the infrastructure tests (queue, cache, storage, replicas, server), on both databases.
test-infra: $(STAMP) services
	$(BIN)/pytest tests/infra $(PYTEST_ARGS)
	@if [ -n "$$THEODOI_TEST_DATABASE_URL" ]; then \
		DATABASE_URL="$$THEODOI_TEST_DATABASE_URL" $(BIN)/pytest tests/infra/test_replica.py \
		tests/infra/test_jobs_broker.py tests/infra/test_jobs_embedded.py $(PYTEST_ARGS); fi

bench: $(STAMP)
	$(BIN)/python -m bench.extract_speed

# The national benchmark (BENCHMARKS.md, "National scale"): a synthetic country of 20k and
# then 200k tasks, each size in a database of its own, BENCH_DATABASE_URL with the size
# appended (theodoi_bench_20000, theodoi_bench_200000: created when missing, never the tests'
# `test`), so that both countries stay for comparing (the goal of 200k within 1.5x of 20k).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/theodoi_bench
BENCH_SCALE_TASKS ?= 20000 200000
# Seconds after which the rebuild stops and estimates the rest (0: judge the whole country;
# BENCHMARKS.md, "Full rebuild of the 200k country").
BENCH_REBUILD_BUDGET ?= 0
bench-scale: $(STAMP)
	mkdir -p var
	for n in $(BENCH_SCALE_TASKS); do \
		DATABASE_URL=$(BENCH_DATABASE_URL)_$$n $(BIN)/python -m bench.scale generate --tasks $$n \
			--create-database --workers 2 --rebuild-budget $(BENCH_REBUILD_BUDGET) \
			--json var/bench-scale-$$n-generate.json && \
		DATABASE_URL=$(BENCH_DATABASE_URL)_$$n $(BIN)/python -m bench.scale measure \
			--json var/bench-scale-$$n.json || exit 1; \
	done
	# The ratio goal: each operation on the smallest and the largest country back to back.
	set -- $(BENCH_SCALE_TASKS); [ $$# -lt 2 ] || { eval last=\$${$$#}; \
		$(BIN)/python -m bench.scale_ratio $(BENCH_DATABASE_URL)_$$1 \
			$(BENCH_DATABASE_URL)_$$last --json var/bench-scale-ratio.json; }

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
