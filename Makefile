# The two commands of the README: `make demo` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test setup lint clean

setup: $(STAMP)

# torch first, pinned to the CPU build that lies on this machine: otherwise sentence-transformers
# pulls the registry's newest torch with several GB of CUDA packages.
$(STAMP): setup.cfg pyproject.toml setup.py dedupe/scan/_native.c
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test,bench,dev,spark]'
	touch $@

# The seed corpus in one report: a self-contained HTML page (opens from disk, no network).
demo: $(STAMP)
	$(BIN)/dedupe info data/
	$(BIN)/dedupe report data/ -o out/report.html

# The HTML report's browser tests drive Debian's headless Chromium (CI runs as root).
test: $(STAMP)
	(command -v chromium && command -v chromedriver) >/dev/null || (apt-get update && apt-get install -y chromium chromium-driver)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check dedupe tests benchmarks
	$(BIN)/mypy dedupe

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .hypothesis
