"""``app/`` works with Qt absent: imports are blocked in a child interpreter."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = textwrap.dedent('''
    import importlib, pkgutil, sys
    from datetime import timedelta

    class NoQt:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {"PySide6", "shiboken6", "pyqtgraph", "pytestqt"}:
                raise ImportError("Qt is blocked in this test: " + name)
            return None

    sys.meta_path.insert(0, NoQt())
    import app
    for module in pkgutil.walk_packages(app.__path__, "app."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)

    from app.core import open_core
    from app.demo import DEMO_REGION, demo_scenario, play
    from app.analytics.hourly import hourly_counts, last_hours_window
    from app.briefing.figures import compute_figures, render_html
    from app.common.timeutil import utcnow

    core = open_core("sqlite:///" + sys.argv[1], region=DEMO_REGION)
    store = core.store
    scenario = demo_scenario(utcnow(), hours_before=6)
    stored = play(store, scenario, scenario.start, scenario.start + timedelta(hours=6), core.pipeline).imported
    counts = hourly_counts(store, *last_hours_window(scenario.start + timedelta(hours=5)))
    figures = compute_figures(store, scenario.start + timedelta(hours=6), "Краснодарский край")
    html = render_html(figures, None, None, font_base="app://assets/")
    assert stored > 500 and sum(counts.total()) > 0 and "Краснодарский край" in html
    assert not any(name.split(".")[0] in {"PySide6", "shiboken6", "pyqtgraph"} for name in sys.modules)
    print("OK", stored)
''')


def test_app_package_runs_without_qt(tmp_path):
    result = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "noqt.sqlite3")], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("OK")
