# Two commands do all the set-up (see README):
#   make demo   installs jatac and runs it on the example partnership in cases/
#   make test   installs jatac with its test tools and runs lint, types and tests
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint look bench clean browser

# the site's browser tests drive Debian's chromium through Playwright (no browser download)
CHROMIUM ?= /usr/bin/chromium

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/jatac demo build/jatac-demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check jatac tests benchmarks scripts
	$(BIN)/ruff format --check jatac tests benchmarks scripts
	$(BIN)/mypy

test: lint browser
	JATAC_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest

# installs chromium where it can (as root on Debian); where it cannot, the browser tests fail
# and say why: they never pass without a browser
browser:
	@test -x $(CHROMIUM) || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
		|| echo "chromium could not be installed: the site's browser tests will fail"

# every paper of the example (minutes, agendas) as PNG pages in build/look/png: look at each
# after changing a template
look: $(VENV)/.installed-dev
	$(BIN)/python scripts/look.py build/look

# hyperfine times the runs where it can be installed (Debian's package); else Python's clock does
bench: $(VENV)/.installed-dev
	@command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null 2>&1 \
		|| echo "hyperfine could not be installed: the runs are timed with Python's clock"
	$(BIN)/python benchmarks/run.py --sizes 1000,5000,10000,20000 --commits 5000

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
