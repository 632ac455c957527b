# telefonspor: the two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
FUZZ_MINUTES ?= 20

.PHONY: demo test fuzz lint format bench docs system-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/telefonspor demo --out demo-output

system-deps:
	@bash scripts/install-system-deps.sh

test: $(STAMP) system-deps lint
	$(PY) -m pytest $(PYTEST_ARGS)

# Property and mutation tests, randomized (Hypothesis profile "fuzz"), round after round
# until FUZZ_MINUTES have passed; stops at the first failure. `make test` runs them derandomized.
fuzz: $(STAMP)
	FUZZ_MINUTES=$(FUZZ_MINUTES) $(PY) scripts/fuzz.py

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/ruff format --check src tests
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff format src tests
	$(VENV)/bin/ruff check --fix src tests

bench: $(STAMP)
	$(PY) -m telefonspor.edge.bench

# The documentation site (mkdocs.yml): strict, so a broken link fails; open build/site/index.html.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --quiet

clean:
	rm -rf $(VENV) demo-output bench/cache .pytest_cache .mypy_cache .ruff_cache .hypothesis
