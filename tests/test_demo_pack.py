"""`python main.py --demo --region-pack ../shared/data`: municipalities filled on the map, rates in the briefing.

The real window on the demo's in-process feed (60×), with the five regions' boundaries and
the population table of ``../shared/data``; skipped with a reason when that folder is absent.
"""

from __future__ import annotations

import argparse
import re

from app.core import open_core
from app.demo import DEMO_REGION
from tests.qt_helpers import page_value


def test_demo_with_the_shared_pack_fills_the_choropleth_and_the_rates(qtbot, shared_data, web_context, tmp_path):
    from pypdf import PdfReader

    from widgets.shell.main_window import MainWindow
    from widgets.tasks.live_sources import open_live
    from widgets.tasks.worker import DbWorker

    core = open_core(f"sqlite:///{tmp_path / 'demo.sqlite3'}", region=DEMO_REGION, region_pack=str(shared_data))
    assert core.pack is not None and core.pack_error is None
    worker = DbWorker()
    live = open_live(core, worker, argparse.Namespace(demo=True, scenario=None, speed=60.0, seed=2023, feed_url=None))
    window = MainWindow(core, web_context, worker, briefing_dir=tmp_path / "briefings")
    window.open_files = False
    qtbot.addWidget(window, before_close_func=lambda w: (live.stop(), w.briefing.shutdown(), core.close()))
    window.show()
    window.load_initial()
    window.attach_live(live)
    qtbot.waitUntil(lambda: window.table_model.rowCount() > 100, timeout=60000)  # the feed's first hours arrived
    with_population = sum(1 for m in core.pack.municipalities if m.population)
    assert with_population > 50

    def painted() -> bool:
        stats = page_value(qtbot, window.map_view, "opershtab.stats()")
        return (stats.get("choropleth") == len(core.pack.municipalities)
                and stats.get("choropleth_painted") == with_population and stats.get("choropleth_max", 0) > 0)
    qtbot.waitUntil(painted, timeout=60000)  # every municipality drawn, rates where the population is known
    window.make_briefing()
    qtbot.waitUntil(lambda: window.last_briefing is not None, timeout=120000)
    result = window.last_briefing
    assert result.ok, result.errors
    rates = [p.per_thousand for p in result.figures.top_places if p.per_thousand is not None]
    assert rates and all(rate > 0 for rate in rates)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(result.files["pdf"]).pages).split())
    table = text[text.index("Территория Сообщений На 1 000 жит"):]
    assert re.search(r"\d+ 0,\d+", table), table[:300]  # a count followed by its rate per 1,000
