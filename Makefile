# Оперштаб: `make run` (set up and start the demo), `make test` (set up and run the suite).
# Works from a fresh clone with only the machine's Python 3.11+, Node/npm and make.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
WEB := resources/web
STAMPS := .stamps
QT_ENV := QT_QPA_PLATFORM=offscreen QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox" PYTHONUNBUFFERED=1
PYTEST_ARGS ?=

.PHONY: setup run test lint selftest clean distclean

setup: $(STAMPS)/python $(STAMPS)/web $(STAMPS)/geodata

$(STAMPS)/python: pyproject.toml constraints.txt
	@mkdir -p $(STAMPS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24,<27"
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

$(STAMPS)/web: $(WEB)/package.json $(WEB)/package-lock.json
	@mkdir -p $(STAMPS)
	cd $(WEB) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(STAMPS)/geodata: $(STAMPS)/python $(STAMPS)/web app/geobuild.py
	$(PY) -m app.geobuild
	touch $@

run: setup
	$(PY) main.py --demo

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

test: setup lint
	$(QT_ENV) $(PY) -m pytest $(PYTEST_ARGS)

selftest: setup
	$(QT_ENV) $(PY) main.py selftest

clean:
	rm -rf $(STAMPS) resources/generated .pytest_cache

distclean: clean
	rm -rf $(VENV) $(WEB)/node_modules
