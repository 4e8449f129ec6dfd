# theodoi: `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/theodoi demo

test: $(STAMP)
	$(BIN)/ruff check theodoi tests bench
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check theodoi tests bench

bench: $(STAMP)
	$(BIN)/python -m bench.extract_speed

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
