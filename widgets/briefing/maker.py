"""Making a briefing: figures and the hour's scene off-thread, the stage's pictures, then PDF and DOCX.

The pictures come from the briefing's own ``BriefingStage`` (fixed extent, the hour's
data), never from the operator's map or chart. Each format succeeds or fails on its
own: a broken DOCX never costs the PDF (or the other way round); what was written is
recorded in the archive and the errors are reported with the result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.briefing.archive import previous_figures, record_briefing
from app.briefing.docx import write_docx
from app.briefing.figures import BriefingFigures, compute_figures, render_html
from app.common.files import OutputError, os_reason
from app.common.paths import data_dir
from app.common.timeutil import floor_hour, to_local
from app.ops.deadlines import WorkCalendar
from app.store.engine import Store
from maps.page.assets import ASSETS
from maps.qt.web import WebContext
from widgets.briefing.pdf import PdfRenderer
from widgets.briefing.stage import BriefingScene, BriefingStage
from widgets.tasks.worker import DbWorker

FORMATS = ("pdf", "docx")
SceneSource = Callable[[datetime], BriefingScene]
Crisis = tuple[datetime | None, str | None]


@dataclass(frozen=True)
class BriefingResult:
    """What one run produced: files per format, errors per format, the archive id."""

    figures: BriefingFigures | None
    files: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    briefing_id: int | None = None
    map_png: bytes = b""
    chart_png: bytes = b""

    @property
    def ok(self) -> bool:
        return bool(self.files) and not self.errors


def briefing_filename(figures: BriefingFigures, fmt: str = "pdf") -> str:
    return to_local(figures.period_end).strftime(f"spravka_%Y-%m-%d_%H00.{fmt}")


def _figures_job(store: Store, period_end: datetime, region: str, population: Mapping[str, int] | None,
                 crisis: Crisis | None, calendar: WorkCalendar | None) -> BriefingFigures:
    start = floor_hour(period_end) - timedelta(hours=1)
    previous = previous_figures(store, region, start)
    return compute_figures(store, period_end, region, population=population, previous=previous, crisis=crisis,
                           calendar=calendar)


class BriefingMaker(QObject):
    """``make(period_end, region)`` → ``completed(BriefingResult)`` and ``finished(path, ok)``.

    ``population``, ``crisis`` and ``calendar`` feed the figures; ``recorded(briefing_id)``
    runs on the maker's worker once the archive holds the briefing.
    """

    finished = Signal(str, bool)  # the PDF (else first file) or the error text
    completed = Signal(object)  # BriefingResult

    def __init__(self, store: Store, context: WebContext, stage: BriefingStage, scene: SceneSource,
                 out_dir: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store, self._stage, self._scene = store, stage, scene
        self._worker = DbWorker(self)
        self._renderer = PdfRenderer(context, self)
        self._renderer.finished.connect(self._on_pdf_finished)
        self.out_dir = out_dir
        self.population: Mapping[str, int] | None = None
        self.crisis: Crisis | None = None
        self.calendar: WorkCalendar | None = None
        self.recorded: Callable[[int], object] | None = None
        self.formats: Sequence[str] = FORMATS
        self._run: dict | None = None
        self._queue: list[tuple[datetime, str]] = []

    @property
    def busy(self) -> bool:
        return self._run is not None

    def make(self, period_end: datetime, region: str) -> None:
        """Briefing for the hour ending at ``period_end`` (floored); queued while another is running."""
        if self._run is not None:
            self._queue.append((period_end, region))
            return
        self._run = {"formats": tuple(self.formats), "files": {}, "errors": {}, "pending": set(self.formats)}
        store, scene, options = self._store, self._scene, (self.population, self.crisis, self.calendar)
        self._worker.run(lambda: (_figures_job(store, period_end, region, *options), scene(period_end)),
                         self._on_prepared, self._on_figures_error, owner=self)

    def _on_prepared(self, prepared: tuple[BriefingFigures, BriefingScene]) -> None:
        figures, scene = prepared
        self._stage.render(scene, lambda map_png, chart_png: self._on_figures(figures, map_png, chart_png))

    def _on_figures(self, figures: BriefingFigures, map_png: bytes, chart_png: bytes) -> None:
        run = self._run
        assert run is not None
        run.update(figures=figures, map_png=map_png, chart_png=chart_png)
        out_dir = self.out_dir or data_dir() / "briefings"
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            for fmt in run["formats"]:
                self._format_done(fmt, None, f"папка {out_dir} недоступна: {exc}")
            return
        if "docx" in run["formats"]:
            self._start_docx(figures, run, out_dir / briefing_filename(figures, "docx"))
        if "pdf" in run["formats"]:
            self._start_pdf(figures, run, out_dir / briefing_filename(figures, "pdf"))

    def _start_docx(self, figures: BriefingFigures, run: dict, path: Path) -> None:
        map_png, chart_png = run["map_png"], run["chart_png"]
        self._worker.run(lambda: str(write_docx(figures, map_png, chart_png, path)),
                         lambda p: self._format_done("docx", p, None),
                         lambda exc: self._format_done("docx", None, _describe(exc)), owner=self)

    def _start_pdf(self, figures: BriefingFigures, run: dict, path: Path) -> None:
        try:
            html = render_html(figures, run["map_png"], run["chart_png"], font_base=ASSETS)
        except Exception as exc:  # a broken custom template must not cost the DOCX
            self._format_done("pdf", None, f"шаблон: {_describe(exc)}")
            return
        self._renderer.render(html, path)

    def _on_pdf_finished(self, path: str, error: str) -> None:
        self._format_done("pdf", None if error else path, error or None)

    def _format_done(self, fmt: str, path: str | None, error: str | None) -> None:
        run = self._run
        if run is None or fmt not in run["pending"]:
            return
        run["pending"].discard(fmt)
        if path:
            run["files"][fmt] = path
        if error:
            run["errors"][fmt] = error
        if not run["pending"]:
            self._record(run)

    def _record(self, run: dict) -> None:
        if not run["files"]:
            self._complete(run, None)
            return
        figures, files, recorded = run["figures"], dict(run["files"]), self.recorded

        def record() -> int:
            briefing_id = record_briefing(self._store, figures, files.get("pdf"), files.get("docx"))
            if recorded is not None:
                recorded(briefing_id)
            return briefing_id

        self._worker.run(record, lambda briefing_id: self._complete(run, briefing_id),
                         lambda exc: self._archive_failed(run, exc), owner=self)

    def _archive_failed(self, run: dict, exc: BaseException) -> None:
        run["errors"]["archive"] = _describe(exc)
        self._complete(run, None)

    def _on_figures_error(self, exc: BaseException) -> None:
        run = self._run or {"formats": FORMATS, "files": {}, "errors": {}}
        run["errors"].update({fmt: f"показатели: {_describe(exc)}" for fmt in run["formats"]})
        self._complete(run, None)

    def _complete(self, run: dict, briefing_id: int | None) -> None:
        result = BriefingResult(run.get("figures"), dict(run["files"]), dict(run["errors"]), briefing_id,
                                run.get("map_png", b""), run.get("chart_png", b""))
        self._run = None
        self.completed.emit(result)
        main = result.files.get("pdf") or next(iter(result.files.values()), "")
        self.finished.emit(main if result.ok else "; ".join(result.errors.values()) or main, result.ok)
        if self._queue:
            self.make(*self._queue.pop(0))

    def shutdown(self) -> None:
        self._worker.shutdown()


def _describe(exc: BaseException) -> str:
    """One Russian sentence for the operator: ``OutputError`` and ours carry it; others keep only their text."""
    if isinstance(exc, OutputError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"ошибка записи: {os_reason(exc)}"
    return str(exc) or "непредвиденная ошибка"
