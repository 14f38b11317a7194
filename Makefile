# Оперштаб: `make run` (set up and start the demo), `make test` (set up and run the suite).
# Works from a fresh clone with only the machine's Python 3.11+, Node/npm and make.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
WEB := resources/web
STAMPS := .stamps
QT_ENV := QT_QPA_PLATFORM=offscreen QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox" PYTHONUNBUFFERED=1
PYTEST_ARGS ?=

# Debian packages the packaging build and its test need (Qt's xcb plugin dependencies for
# PyInstaller's analysis, dpkg-deb/xz for the .deb, iproute2 to bring loopback up under unshare -n;
# gdal-bin's ogrinfo: Debian's own GDAL reads the exported GeoPackage/KML/Shapefile files in the tests).
SYSTEM_PACKAGES := libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 binutils dpkg xz-utils iproute2 gdal-bin

NOQT_VENV := .venv-noqt
QT_PACKAGES := PySide6 pyqtgraph folium pytest-qt pyinstaller

.PHONY: setup run test test-sqlite test-pg test-noqt lint selftest package bench drills clean distclean

setup: $(STAMPS)/system $(STAMPS)/python $(STAMPS)/web $(STAMPS)/geodata $(STAMPS)/gazetteer

$(STAMPS)/system:
	@mkdir -p $(STAMPS)
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing system packages: $$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else echo "note: missing system packages (needed for make package): $$missing"; fi; \
	fi
	touch $@

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

$(STAMPS)/geodata: $(STAMPS)/python $(STAMPS)/web app/region/build.py app/region/subjects.py
	$(PY) -m app.region.build
	touch $@

GAZETTEER_SOURCES := $(wildcard app/gazetteer/build/*.py) app/demo/settlements.py app/text/place_forms.py \
                     app/region/subjects.py

$(STAMPS)/gazetteer: $(STAMPS)/geodata $(GAZETTEER_SOURCES)
	$(PY) -m app.gazetteer.build
	touch $@

run: setup
	$(PY) main.py --demo

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

# The whole suite on SQLite, then again on PostgreSQL (DB=postgresql; skipped with a reason
# when no server answers at 127.0.0.1:5432), then the Qt-free tests in a virtualenv without Qt
# (PySide6, pyqtgraph, folium and pytest-qt absent: app/ must work without them).
# The packaging build runs once, in the first pass.
test: setup lint test-sqlite test-pg test-noqt

test-sqlite: setup
	$(QT_ENV) $(PY) -m pytest $(PYTEST_ARGS)

test-pg: setup
	DB=postgresql $(QT_ENV) $(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

$(STAMPS)/noqt: pyproject.toml constraints.txt $(STAMPS)/python
	test -x $(NOQT_VENV)/bin/python || $(PYTHON) -m venv $(NOQT_VENV)
	$(NOQT_VENV)/bin/python -m pip install --quiet --upgrade "pip>=24,<27"
	$(PY) -c 'import sys, tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
	  skip = tuple(sys.argv[1:]); deps = p["dependencies"] + p["optional-dependencies"]["dev"]; \
	  print("\n".join(d for d in deps if not d.startswith(skip)))' $(QT_PACKAGES) > $(STAMPS)/noqt-requirements.txt
	$(NOQT_VENV)/bin/python -m pip install --quiet -c constraints.txt -r $(STAMPS)/noqt-requirements.txt
	$(NOQT_VENV)/bin/python -m pip install --quiet --no-deps -e .
	! $(NOQT_VENV)/bin/python -c "import PySide6" 2>/dev/null
	touch $@

test-noqt: setup $(STAMPS)/noqt
	$(NOQT_VENV)/bin/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

package: setup
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build packaging/opershtab.spec
	packaging/build_deb.sh
	du -sh dist/opershtab dist/opershtab_*_amd64.deb

selftest: setup
	$(QT_ENV) $(PY) main.py selftest

# Benchmarks (medians of 5 runs with same-run baselines) → bench/results.md and the README table.
# BENCH_ARGS=--quick for a ~5 minute run; the 24-hour wall soak: BENCH_ARGS="--only soak --soak-hours 24".
BENCH_ARGS ?=
bench: setup
	$(QT_ENV) $(PY) bench/run_all.py $(BENCH_ARGS)

# Fault drills (feed faults, kill -9, disk full, locked file, PostgreSQL, hostile input, clock jumps).
drills: setup
	$(QT_ENV) $(PY) drills/run_drills.py

clean:
	rm -rf $(STAMPS) resources/generated .pytest_cache

distclean: clean
	rm -rf $(VENV) $(NOQT_VENV) $(WEB)/node_modules
