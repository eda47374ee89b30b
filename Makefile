# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint check perf package screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,server]'
	touch $(STAMP)

## Set everything up and open the app on its embedded default (demo territory).
run: $(STAMP)
	$(BIN)/fieldrep --demo

## Lint, types, import contracts, then every test (benchmarks excluded).
test: $(STAMP) check
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n 2 --dist loadgroup -q

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

## Every benchmark in tests/perf/, each printing its figures (several minutes).
perf: $(STAMP)
	for bench in tests/perf/bench_*.py; do \
		echo "== $$bench"; QT_QPA_PLATFORM=offscreen $(BIN)/python $$bench || exit 1; \
	done

## The desktop bundle (dist/fieldrep/) and its download, dist/fieldrep-<version>-linux-x86_64.tar.gz.
package: $(STAMP)
	$(BIN)/python packaging/build.py

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache
