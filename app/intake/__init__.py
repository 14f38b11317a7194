"""Connectors in, one pipeline: validate, normalise, classify and place, dedupe, store, group."""

from app.intake.connectors import KINDS, SourcePollResult, SourceSpec, SourceStoppedError
from app.intake.enrich import NOWHERE, Placement, enrich, place_of_point
from app.intake.feed import FeedConfig, FeedPoller, PollResult
from app.intake.feed_state import FeedHealth, feed_health
from app.intake.files import SUFFIXES, Preview, import_files, list_profiles, preview, read_table, save_profile
from app.intake.pipeline import RAW, BatchResult, ImportSummary, Pipeline, run_pipeline, store_batch
from app.intake.routes import routes_of, versions_of
from app.intake.sources import (
    SECRETS,
    SourceConfigError,
    check_source,
    delete_source,
    list_sources,
    save_source,
    source_health,
    source_poller,
)
from app.intake.storage import storage_problem
from app.intake.validate import RawRecord, Rejection
from app.intake.writer import Incoming, store_incoming

__all__ = [
    "KINDS",
    "NOWHERE",
    "RAW",
    "SECRETS",
    "SUFFIXES",
    "BatchResult",
    "FeedConfig",
    "FeedHealth",
    "FeedPoller",
    "ImportSummary",
    "Incoming",
    "Pipeline",
    "Placement",
    "PollResult",
    "Preview",
    "RawRecord",
    "Rejection",
    "SourceConfigError",
    "SourcePollResult",
    "SourceSpec",
    "SourceStoppedError",
    "check_source",
    "delete_source",
    "enrich",
    "feed_health",
    "import_files",
    "list_profiles",
    "list_sources",
    "place_of_point",
    "preview",
    "read_table",
    "routes_of",
    "run_pipeline",
    "save_profile",
    "save_source",
    "source_health",
    "source_poller",
    "storage_problem",
    "store_batch",
    "store_incoming",
    "versions_of",
]
