"""The one door into the product (Anki's ``Collection``, napari's ``ViewerModel``).

A ``Core`` owns the store, the settings, the region and its pack, the intake
pipeline, the operator operations, the change hub and the view state. The
operator window, the wall, every command, the self-test, the benchmarks and the
drills open one and go through it. It never imports Qt.
"""

from __future__ import annotations

import getpass
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from app.common.changes import Changes, Hub, Kind
from app.common.clock import WallClock
from app.common.timeutil import set_local_zone
from app.core.configured import Crisis, crisis_of
from app.core.places import replace_stored
from app.core.secrets import FeedSecrets
from app.core.view import ViewState
from app.intake import FeedConfig, FeedPoller, ImportSummary, Pipeline, Placement, RawRecord, Rejection, run_pipeline
from app.intake import import_files as _import_files
from app.ops import Operations
from app.ops.deadlines import WorkCalendar, calendar_from
from app.region import Region, RegionPack, RegionPackError, load_region_pack, region
from app.settings import Settings, changed_keys, load_settings, save_settings, with_values
from app.store import Store

log = logging.getLogger(__name__)
Progress = Callable[[int], None]
FEED_KEYS = frozenset({"feed_url", "feed_interval_s", "feed_stale_after_s"})


class Clock(Protocol):
    def now(self) -> Any: ...


@dataclass(frozen=True)
class PackResult:
    """A pack load: what was loaded (or why not) and how many stored messages were placed again."""

    pack: RegionPack | None
    error: str | None = None
    replaced: int = 0
    cancelled: bool = False


class Core:
    """Store, settings, region, pack, pipeline, operations, changes and view state of one seat."""

    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        self.store = store
        self.clock: Clock = clock or WallClock()
        self.hub = Hub()
        self.view = ViewState()
        self._settings = load_settings(store)
        self.region: Region | None = None
        self.pack: RegionPack | None = None
        self.pack_error: str | None = None
        self.ops = Operations(store, self.hub, lambda: self.operator, lambda: self.clock.now())
        self.secrets = FeedSecrets()
        self._apply_region()
        self._load_remembered_pack()

    # settings and region ------------------------------------------------------
    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def operator(self) -> str:
        """Who is named in the audit trail: the configured name or the operating-system user."""
        return self._settings.operator_name or _os_user()

    def update_settings(self, **values: Any) -> Changes:
        """Validate, store and apply ``values``; announces the changed keys (``SettingsError`` if invalid)."""
        new = with_values(self._settings, values)
        changed = changed_keys(self._settings, new)
        if not changed:
            return Changes()
        save_settings(self.store, new)
        self._settings = new
        kinds = {Kind.SETTINGS}
        if "region" in changed:
            self._apply_region()
            kinds.add(Kind.REGION)
        if changed & {"region_pack", "population_file"}:
            self._load_remembered_pack()
            kinds.add(Kind.PACK)
        if changed & {"crisis_start", "crisis_name"}:
            kinds.add(Kind.CRISIS)
        if changed & FEED_KEYS:
            kinds.add(Kind.FEED)
        return self.hub.publish(Changes.of(*kinds, settings=changed))

    def calendar(self) -> WorkCalendar:
        """The working calendar the deadlines are counted in (from the settings)."""
        return calendar_from(self._settings, self.region)

    def crisis(self) -> Crisis:
        """The configured crisis: start (aware UTC) and name."""
        return crisis_of(self._settings)

    def set_feed_token(self, token: str | None) -> Changes:
        """Keep the feed token (OS keyring or memory, see ``secrets.persistent``); announces a feed change."""
        self.secrets.set_token(token)
        return self.hub.publish(Changes.of(Kind.SETTINGS, Kind.FEED, settings={"feed_token"}))

    def use_region(self, code: str, remember: bool = False) -> None:
        """Serve region ``code`` for this run (and store it when ``remember``); ``UnknownRegionError``."""
        found = region(code)
        if remember or not self._settings.region:
            self.update_settings(region=found.code)
        else:
            self._settings = replace(self._settings, region=found.code)
            self._apply_region()

    def _apply_region(self) -> None:
        self.region = region(self._settings.region) if self._settings.region else None
        set_local_zone(self.region.zone if self.region else None)

    # region pack ---------------------------------------------------------------
    def _load_remembered_pack(self) -> None:
        """The remembered pack; one that is gone or broken never stops the start (``pack_error`` says why)."""
        self.pack, self.pack_error = None, None
        if not self._settings.region_pack:
            return
        try:
            self.pack = load_region_pack(self._settings.region_pack, self._settings.population_file or None)
        except RegionPackError as exc:
            self.pack_error = f"Пакет региона не загружен: {exc}"
            log.warning("%s", self.pack_error)

    def load_pack(self, path: str | Path, population: str | Path | None = None, progress: Progress | None = None,
                  cancel: threading.Event | None = None) -> PackResult:
        """Load, remember and apply a pack, placing the stored messages again (``RegionPackError`` if broken)."""
        pack = load_region_pack(path, population)
        old = self._settings
        self._settings = with_values(old, {"region_pack": str(Path(path).resolve()),
                                           "population_file": str(Path(population).resolve()) if population else ""})
        save_settings(self.store, self._settings)
        self.pack, self.pack_error = pack, None
        replaced, cancelled = replace_stored(self.store, pack, progress, cancel)
        changed = changed_keys(old, self._settings)
        self.hub.publish(Changes.of(Kind.PACK, Kind.SETTINGS, Kind.MESSAGES_EDITED, settings=changed,
                                    text=f"Пакет региона загружен: {len(pack.municipalities)} муниципалитетов"))
        return PackResult(pack, replaced=replaced, cancelled=cancelled)

    # intake ----------------------------------------------------------------------
    @property
    def pipeline(self) -> Pipeline:
        """The intake pipeline with the current region and pack (every connector uses it)."""
        return Pipeline(Placement(self.region.name if self.region else None, self.pack), now=self.clock.now)

    def ingest(self, records: Iterable[RawRecord | Rejection], progress: Progress | None = None,
               cancel: threading.Event | None = None) -> ImportSummary:
        """Rows of any connector through the pipeline; announces what arrived."""
        return self.announce_arrived(run_pipeline(self.store, records, self.pipeline, progress, cancel))

    def import_files(self, paths: Sequence[Path], mapping: dict[str, str | None] | None = None,
                     progress: Progress | None = None, cancel: threading.Event | None = None) -> ImportSummary:
        """Files through the pipeline (the ``import`` command, the dialog and drag-and-drop)."""
        summary = _import_files(self.store, paths, mapping, self.pipeline, progress, cancel)
        return self.announce_arrived(summary)

    def feed_poller(self, config: FeedConfig, wait: Callable[[float], bool] | None = None) -> FeedPoller:
        """A poller of ``config`` that stores through the pipeline as it is when each page arrives."""
        return FeedPoller(self.store, config, self, wait)

    def announce_arrived(self, summary: ImportSummary) -> ImportSummary:
        """Tell the views about new messages and the incidents they joined; returns ``summary``."""
        if summary.new_ids:
            self.hub.publish(Changes.of(Kind.MESSAGES_ADDED, Kind.INCIDENTS, messages=summary.new_ids,
                                        incidents=summary.incident_ids))
        if summary.edited_ids:  # a source edited its text (the earlier one is kept in message_versions)
            self.hub.publish(Changes.of(Kind.MESSAGES_EDITED, messages=summary.edited_ids))
        return summary

    def close(self) -> None:
        self.store.close()


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers): still name the seat
        return "оператор"
