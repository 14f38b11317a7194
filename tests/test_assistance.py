"""Points of assistance: the operator dialog, «add here» from the map, the press map, the CLI export."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QUrl
from PySide6.QtTest import QTest
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile, QWebEngineUrlRequestInterceptor
from PySide6.QtWebEngineWidgets import QWebEngineView

from app.core import Core
from app.ops.assistance import AssistanceRow, list_points, save_point
from maps.press.html import CSP, json_block, press_html, write_press_html
from tests.fixtures import FIXTURE_START
from tests.qt_helpers import page_value, ready_map

ROOT = Path(__file__).resolve().parents[1]
GENERATED = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)  # 18:30 Moscow time
POINTS = [
    AssistanceRow(1, "water", "Подвоз питьевой воды", 44.5622, 38.0768, "Геленджик, ул. Луначарского, 150",
                  "open", "08:00–20:00", "Цистерна 5 м³, приносите свою тару"),
    AssistanceRow(2, "warming", "Пункт обогрева в СОШ №3", 44.5705, 38.0521, "Геленджик, ул. Горького, 11",
                  "open", "круглосуточно", "Горячее питание"),
    AssistanceRow(3, "water", "Подвоз воды", 44.7235, 37.7686, "Новороссийск, ул. Советов, 40", "open"),
    AssistanceRow(4, "aid", "Пункт выдачи помощи", 44.6970, 37.7900, "Новороссийск, пр. Ленина, 45", "planned",
                  "с 10:00 25.11", "Откроется после доставки наборов"),
    AssistanceRow(5, "charging", "Пункт зарядки телефонов", 45.0355, 38.9753, "Краснодар, ул. Красная, 122"),
    AssistanceRow(6, "warming", "Пункт обогрева в ДК", 44.8946, 37.3168, "Анапа, ул. Крымская, 99", "closed"),
    AssistanceRow(7, "water", "Подвоз воды", 44.9892, 41.1234, "Армавир, ул. Кирова, 52", "open", "08:00–18:00"),
    AssistanceRow(8, "other", "Штаб волонтёров", 44.1053, 39.0802, None, "open", None, "Запись волонтёров"),
]
HOSTILE = [
    '<img src=x onerror="window.__pwned=1">',
    "</script><script>window.__pwned=2</script>",
    "<!-- <script>window.__pwned=3</script>",
    "javascript:window.__pwned=4",
    '<a href="javascript:window.__pwned=5">жми</a>',
    '<img src="http://127.0.0.1:1/x">',
    "${window.__pwned=7}`${window.__pwned=7}`",
    '<svg onload="window.__pwned=8"></svg>',
    '"><script>window.__pwned=9</script>',
    "</style><style>@import 'http://127.0.0.1:1/x.css';</style>\u2028",
]


class FixedClock:
    speed = 1.0

    def now(self) -> datetime:
        return FIXTURE_START + timedelta(hours=4)


# ----- the dialog ---------------------------------------------------------------------------

@pytest.fixture
def dialog(qtbot, store):
    from widgets.assistance.dialog import AssistanceDialog
    from widgets.tasks.worker import DbWorker

    worker = DbWorker()
    widget = AssistanceDialog(store, worker)
    qtbot.addWidget(widget, before_close_func=lambda _w: worker.shutdown())
    widget.show()
    return widget


def _fill(form, kind: str, name: str | None, lat: float, lon: float, status: str = "open", hours: str = "",
          address: str = "", notes: str = "") -> None:
    """Set the form's widgets as an operator would (``name`` None: typed by the test itself)."""
    form.kind.setCurrentIndex(form.kind.findData(kind))
    form.status.setCurrentIndex(form.status.findData(status))
    edits = ((form.name, name), (form.address, address), (form.hours, hours))
    for edit, text in edits if name is not None else edits[1:]:
        edit.setText(text)
    form.lat.setValue(lat)
    form.lon.setValue(lon)
    form.notes.setPlainText(notes)


def _type(widget, text: str) -> None:
    """Key events with Cyrillic text (``qtbot.keyClicks`` aborts on non-ASCII characters)."""
    for char in text:
        QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, char, Qt.KeyboardModifier.NoModifier)


def _save(qtbot, dialog) -> None:
    with qtbot.waitSignal(dialog.pointsChanged, timeout=10000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def test_dialog_adds_edits_deletes_and_restores_a_point(qtbot, dialog, store):
    form = dialog.form
    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    _fill(form, "warming", None, 44.5705, 38.0521, "planned", "с 18:00", "Геленджик, ул. Горького, 11",
          "Горячий чай\nзарядка телефонов")
    _type(form.name, "Пункт обогрева в школе №3")
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1 and dialog.form.point_id != 0)
    (stored,) = list_points(store)
    assert stored == AssistanceRow(stored.id, "warming", "Пункт обогрева в школе №3", 44.5705, 38.0521,
                                   "Геленджик, ул. Горького, 11", "planned", "с 18:00",
                                   "Горячий чай\nзарядка телефонов")
    assert dialog.model.data(dialog.model.index(0, 2)) == "Планируется"

    dialog.table.selectRow(0)
    form.status.setCurrentIndex(form.status.findData("open"))
    form.hours.setText("круглосуточно")
    _save(qtbot, dialog)
    assert [(r.id, r.status, r.hours) for r in list_points(store)] == [(stored.id, "open", "круглосуточно")]
    qtbot.waitUntil(lambda: dialog.model.data(dialog.model.index(0, 3)) == "круглосуточно")

    dialog.table.selectRow(0)
    with qtbot.waitSignal(dialog.pointsChanged, timeout=10000):
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert list_points(store) == []
    assert dialog.notice.text() == "Пункт «Пункт обогрева в школе №3» удалён." and dialog.undo_button.isVisible()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0)

    with qtbot.waitSignal(dialog.pointsChanged, timeout=10000):
        qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    (restored,) = list_points(store)
    assert restored.name == stored.name and restored.status == "open" and not dialog.undo_button.isVisible()
    assert dialog.error.text() == ""


def test_invalid_point_shows_russian_error_and_saves_nothing(qtbot, dialog, store):
    changed: list[object] = []
    dialog.pointsChanged.connect(lambda: changed.append(1))
    _fill(dialog.form, "water", "   ", 45.0, 39.0, hours="08–20")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "У пункта должно быть название"
    qtbot.wait(200)  # a stray background write would land by now
    assert list_points(store) == [] and changed == []


def test_delete_without_selection_asks_for_one(qtbot, dialog, store):
    save_point(store, replace(POINTS[0], id=0))
    dialog.reload()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)  # a new point: nothing selected
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "Выберите пункт в списке" and len(list_points(store)) == 1


# ----- from the map -------------------------------------------------------------------------

def test_map_context_signal_opens_form_and_the_map_reloads(qtbot, store, web_context):
    from widgets.shell.main_window import MainWindow
    from widgets.tasks.worker import DbWorker

    window = MainWindow(Core(store, FixedClock()), web_context, DbWorker())
    qtbot.addWidget(window, before_close_func=lambda w: w.briefing.shutdown())
    window.show()
    qtbot.waitUntil(lambda: window.map_view.is_ready, timeout=20000)
    window.map_view.bridge.mapContextRequested.emit(44.5631, 38.079)
    qtbot.waitUntil(window.map_panel.context_menu.isVisible)
    assert window.map_panel.add_point_action.text() == "Добавить пункт помощи здесь"
    window.map_panel.add_point_action.trigger()
    dialog = window.assistance_dialog
    assert dialog.isVisible() and not dialog.isModal()
    assert (dialog.form.point_id, dialog.form.lat.value(), dialog.form.lon.value()) == (0, 44.5631, 38.079)
    dialog.form.name.setText("Подвоз воды")
    _save(qtbot, dialog)
    assert [(r.lat, r.lon) for r in list_points(store)] == [(44.5631, 38.079)]
    qtbot.waitUntil(lambda: page_value(qtbot, window.map_view, "opershtab.stats().assistance") == 1, timeout=10000)
    window.map_view.bridge.mapContextRequested.emit(45.0, 39.0)  # the same dialog, a new point
    window.map_panel.add_point_action.trigger()
    assert window.assistance_dialog is dialog and dialog.form.point_id == 0 and dialog.form.lat.value() == 45.0


def test_menus_open_the_dialog_and_export_in_background(qtbot, store, web_context, tmp_path):
    from widgets.assistance.actions import export
    from widgets.shell.main_window import MainWindow
    from widgets.tasks.worker import DbWorker

    window = MainWindow(Core(store, FixedClock()), web_context, DbWorker())
    qtbot.addWidget(window, before_close_func=lambda w: w.briefing.shutdown())
    assert "&Карта" in [a.text() for a in window.menuBar().actions()]
    assert window.export_html_action.text() == "Карта для публикации (HTML)…"
    window.assistance_action.trigger()
    assert window.assistance_dialog.isVisible()
    save_point(store, replace(POINTS[0], id=0))
    for fmt, name in (("geojson", "points.geojson"), ("html", "press.html")):
        export(window, fmt, str(tmp_path / name))
        qtbot.waitUntil(lambda n=name: window.statusBar().currentMessage() == f"Записано: 1 пункт помощи → "
                                                                           f"{tmp_path / n}", timeout=20000)
    assert json.loads((tmp_path / "points.geojson").read_text(encoding="utf-8"))["features"][0]["properties"][
        "name"] == POINTS[0].name
    assert "Пункты помощи населению: Краснодарский край" in (tmp_path / "press.html").read_text(encoding="utf-8")


def test_right_click_in_the_page_reaches_python(qtbot, web_context):
    view = ready_map(qtbot, web_context)
    find_map = "Object.keys(window).map(k => window[k]).find(v => v instanceof L.Map)"
    expected = page_value(qtbot, view, f"(() => {{ const m = {find_map}; const p = m.getSize().divideBy(2); "
                                       "return m.containerPointToLatLng(p); })()")
    script = ("(() => { const c = document.querySelector('.leaflet-container'), r = c.getBoundingClientRect();"
              " window.__contextAllowed = c.dispatchEvent(new MouseEvent('contextmenu', {bubbles: true,"
              " cancelable: true, button: 2, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2})); })()")
    with qtbot.waitSignal(view.bridge.mapContextRequested, timeout=10000) as blocker:
        view.run_script(script)
    assert blocker.args == [pytest.approx(expected["lat"], abs=1e-6), pytest.approx(expected["lng"], abs=1e-6)]
    assert page_value(qtbot, view, "window.__contextAllowed") is False  # no browser menu over the map


def test_bridge_ignores_malformed_map_context(qapp):
    from maps.qt.view import MapBridge

    bridge = MapBridge()
    seen: list[tuple[float, float]] = []
    bridge.mapContextRequested.connect(lambda lat, lon: seen.append((lat, lon)))
    for payload in ({"lat": "45", "lon": 39}, {"lat": 95.0, "lon": 39}, {"lat": True, "lon": 39}, {"lat": 45},
                    {"lat": 45.5, "lon": 39.25}):
        bridge.command(json.dumps({"type": "map_context", **payload}))
    assert seen == [(45.5, 39.25)]


# ----- the press map ------------------------------------------------------------------------

class _Recorder(QWebEngineUrlRequestInterceptor):
    """Records (and blocks) every request but the page's own file."""

    def __init__(self, own: str) -> None:
        super().__init__()
        self.own, self.requests = own, []

    def interceptRequest(self, info) -> None:  # noqa: N802 (Qt API)
        url = info.requestUrl().toString()
        if url != self.own:
            self.requests.append(url)
            info.block(True)


class _Page(QWebEnginePage):
    def __init__(self, profile: QWebEngineProfile) -> None:
        super().__init__(profile)
        self.console: list[str] = []

    def javaScriptConsoleMessage(self, level, message, line, source):  # noqa: N802 (Qt API)
        self.console.append(message)


@pytest.fixture
def press_browser(qtbot, qapp):
    """Opens a file in its own profile, with a recorder instead of the application's guard."""
    made: list[tuple] = []

    def open_file(path: Path):
        url = QUrl.fromLocalFile(str(path))
        profile = QWebEngineProfile()
        recorder = _Recorder(url.toString())
        profile.setUrlRequestInterceptor(recorder)
        page, view = _Page(profile), QWebEngineView()
        view.setPage(page)
        view.resize(1100, 900)
        made.append((view, page, profile, recorder))
        with qtbot.waitSignal(page.loadFinished, timeout=20000):
            view.load(url)
        view.show()
        return view, page, recorder

    yield open_file
    for view, page, profile, _recorder in made:  # pages before their profile, or QtWebEngine crashes
        view.close()
        view.deleteLater()
        page.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        profile.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _js(qtbot, page: QWebEnginePage, expression: str):
    box: list[object] = []
    page.runJavaScript(f"JSON.stringify({expression})", 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=10000)
    return json.loads(box[0]) if box[0] else None  # type: ignore[arg-type]


def _external_urls(text: str) -> list[str]:
    """URLs in the file outside the point data (which may quote any text); the SVG namespace is no load."""
    text = re.sub(r'<script type="application/json" id="points">.*?</script>', "", text, flags=re.S)
    return [u for u in re.findall(r"(?:https?|ftp)://[^\s\"'<>)]+", text) if u != "http://www.w3.org/2000/svg"]


def test_press_map_is_self_contained_and_offline(qtbot, press_browser, tmp_path):
    path = write_press_html(POINTS, tmp_path / "press.html", "Пункты помощи населению", GENERATED)
    text = path.read_text(encoding="utf-8")
    assert "<script src" not in text and 'href="http' not in text and "<link" not in text
    assert _external_urls(text) == [] and f'http-equiv="Content-Security-Policy" content="{CSP}"' in text
    assert "Данные на 18:30 24.11.2026" in text and "8 пунктов помощи" in text
    _view, page, recorder = press_browser(path)
    qtbot.waitUntil(lambda: (_js(qtbot, page, "window.pressMap && pressMap.stats()") or {}).get("rendered") == 8)
    stats = _js(qtbot, page, "pressMap.stats()")
    assert stats == {"markers": 8, "rendered": 8, "listed": 8, "errors": 0, "leaflet": "object"}
    items = _js(qtbot, page, "Array.from(document.querySelectorAll('#list > li')).map(li => li.textContent)")
    for row, item in zip(POINTS, items, strict=True):
        assert row.name in item and (row.address or "") in item and (row.hours or "") in item
    assert _js(qtbot, page, "document.querySelectorAll('#legend .press-legend-row').length") == 5 + 3
    qtbot.wait(300)  # anything the page tried to fetch would be recorded by now
    assert recorder.requests == [] and not [m for m in page.console if "Refused" in m]


def _hostile_points() -> list[AssistanceRow]:
    return [AssistanceRow(n + 1, "water", f"Пункт {p}", 44.5 + n * 0.05, 38.0 + n * 0.1, address=p,
                          status=("open", "planned", "closed")[n % 3], hours=p, notes=f"Примечание {p}")
            for n, p in enumerate(HOSTILE)]


def test_press_map_shows_hostile_text_literally_and_runs_none_of_it(qtbot, press_browser, tmp_path):
    points, title = _hostile_points(), '<img src=x onerror="window.__pwned=100"> Пункты'
    path = write_press_html(points, tmp_path / "hostile.html", title, GENERATED)
    text = path.read_text(encoding="utf-8")
    assert text.count("<script") == 5 and "<!--" not in text and 'href="http' not in text
    assert _external_urls(text) == []
    _view, page, recorder = press_browser(path)
    qtbot.waitUntil(lambda: (_js(qtbot, page, "window.pressMap && pressMap.stats()") or {}).get("listed") == 10)
    items = _js(qtbot, page, "Array.from(document.querySelectorAll('#list > li')).map(li => li.textContent)")
    popups = _js(qtbot, page, "Array.from(document.querySelectorAll('.press-marker')).map(m => {"
                              " m.dispatchEvent(new MouseEvent('click', {bubbles: true}));"
                              " const p = Array.from(document.querySelectorAll('.press-popup')).pop();"
                              " return p && p.textContent; })")  # a closed popup fades out for 200 ms
    for row, item, popup in zip(points, items, popups, strict=True):
        for value in (row.name, row.address, row.hours, row.notes):
            assert value in item and value in popup
    assert _js(qtbot, page, "[document.title, document.querySelector('h1').textContent]") == [title, title]
    selectors = [f"{where} {tag}" for where in ("header", "#list", ".press-popup", ".leaflet-tooltip")
                 for tag in ("img", "script", "svg", "a", "iframe", "style", "object")]
    assert _js(qtbot, page, f"document.querySelectorAll({', '.join(selectors)!r}).length") == 0
    assert _js(qtbot, page, "window.__pwned === undefined") is True
    qtbot.wait(300)
    assert recorder.requests == [] and not [m for m in page.console if "Refused" in m], page.console


def test_json_block_cannot_close_its_script():
    block = str(json_block({"name": "</script><!-- <b>&amp;</b> \u2028"}))
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block) == {"name": "</script><!-- <b>&amp;</b> \u2028"}


def test_press_map_modules_work_without_qt(tmp_path):
    """maps.press_* are not in pyproject's Qt-free contract yet; prove it in a child with Qt blocked."""
    child = (
        "import sys\n"
        "class NoQt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in {'PySide6', 'shiboken6', 'pyqtgraph'}:\n"
        "            raise ImportError(name)\n"
        "sys.meta_path.insert(0, NoQt())\n"
        "from maps.press.export import export_points\n"
        "from app.store.engine import open_store\n"
        "store = open_store('sqlite:///' + sys.argv[1])\n"
        "print(export_points(store, 'html', sys.argv[2]))\n"
    )
    out = tmp_path / "press.html"
    result = subprocess.run([sys.executable, "-c", child, str(tmp_path / "db.sqlite3"), str(out)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0 and result.stdout.strip() == "0", result.stderr[-2000:]
    assert "0 пунктов помощи" in out.read_text(encoding="utf-8")


def test_press_map_without_points_still_renders(tmp_path):
    html = press_html([], "", GENERATED)
    assert "Пункты помощи населению" in html and "0 пунктов помощи" in html and len(html) < 400_000


# ----- the command line ---------------------------------------------------------------------

def _cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPERSHTAB_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "assistance", "export", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120, check=False)


def _rows_of(geojson: dict) -> list[AssistanceRow]:
    rows = []
    for feature in geojson["features"]:
        props, (lon, lat) = feature["properties"], feature["geometry"]["coordinates"]
        rows.append(AssistanceRow(props["id"], props["kind"], props["name"], lat, lon, props["address"],
                                  props["status"], props["hours"], props["notes"]))
    return rows


def test_cli_exports_geojson_and_html_with_russian_counts(store, tmp_path):
    for count, phrase in ((1, "1 пункт помощи"), (2, "2 пункта помощи"), (5, "5 пунктов помощи")):
        while len(list_points(store)) < count:
            save_point(store, replace(POINTS[len(list_points(store))], id=0))
        out = tmp_path / f"points{count}.geojson"
        result = _cli("--format", "geojson", "--out", str(out), "--db", store.url, data_dir=tmp_path)
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stdout.strip() == f"Записано: {phrase} → {out}"
        assert _rows_of(json.loads(out.read_text(encoding="utf-8"))) == list_points(store)
    html = tmp_path / "press.html"
    result = _cli("--format", "html", "--out", str(html), "--db", store.url, "--title", "Карта на сегодня",
                  data_dir=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == f"Записано: 5 пунктов помощи → {html}"
    text = html.read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="points">(.*?)</script>', text, re.S)
    assert block and [p["name"] for p in json.loads(block.group(1))] == [r.name for r in list_points(store)]
    assert "<title>Карта на сегодня</title>" in text and not list(tmp_path.glob(".*.tmp"))


def test_cli_rejects_unknown_format(tmp_path):
    result = _cli("--format", "dxf", "--out", str(tmp_path / "x.dxf"), data_dir=tmp_path)
    assert result.returncode == 2 and "geojson" in result.stderr
