# One set-up for every machine: a local .venv, torch pinned to the CPU wheel before anything
# that could pull an unpinned (CUDA) torch.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-fast check bench eval docs clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[st,dev,ray]'
	touch $(STAMP)

install: $(STAMP)

# LibreTranslate's npm client, for its compatibility test (skipped where npm is absent).
JS := tests/js/node_modules/.installed
$(JS): tests/js/package.json tests/js/package-lock.json
	if command -v npm >/dev/null 2>&1; then cd tests/js && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else echo "npm not found: the npm LibreTranslate client test will be skipped"; fi

demo: $(STAMP)
	$(BIN)/align demo --corpus corpora/demo --index-dir indexes/demo --quiet

test: $(STAMP) $(JS)
	$(BIN)/python -m pytest -q

# For development: everything but the slow, browser and soak tests (CI runs `make test`: all of them).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not browser and not soak"

check: $(STAMP)
	$(BIN)/ruff check align tests benchmarks
	$(BIN)/mypy align

$(VENV)/.bench: $(STAMP)
	$(BIN)/pip install -q -e '.[st,dev,ray,argos]'
	touch $@

bench: $(VENV)/.bench
	$(BIN)/python -m benchmarks.bench

# The README's settings table, generated from align/settings.py (a test checks it).
docs: $(STAMP)
	$(BIN)/python -c "from pathlib import Path; from align.settings import write_readme; write_readme(Path('README.md'))"

eval: $(STAMP)
	$(BIN)/align eval

clean:
	rm -rf indexes/demo $(VENV)
