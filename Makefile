# The two quick-start commands (README): `make map` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: map test lint fuzz screenshot clean

map: $(VENV)/.installed
	$(BIN)/controlmap build seeds --out build

test: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks geo
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks geo
	$(BIN)/mypy

# Long fuzzing run: 10,000 examples per target (FUZZ_EXAMPLES=... to change); `make test`
# runs the same suite with a small fixed budget.
FUZZ_EXAMPLES ?= 10000
fuzz: $(VENV)/.installed-test
	CONTROLMAP_FUZZ=long CONTROLMAP_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q \
		--hypothesis-show-statistics tests/test_fuzz.py

screenshot: $(VENV)/.installed-test map
	$(BIN)/python docs/screenshot.py build/index.html docs/map.png

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

clean:
	rm -rf build $(VENV)
