"""Connectors in, one pipeline: validate, normalise, classify and place, dedupe, store, group."""

from app.intake.enrich import NOWHERE, Placement, enrich, place_of_point
from app.intake.feed import FeedConfig, FeedPoller, PollResult
from app.intake.feed_state import FeedHealth, feed_health
from app.intake.files import SUFFIXES, Preview, import_files, preview, read_table
from app.intake.pipeline import RAW, BatchResult, ImportSummary, Pipeline, run_pipeline, store_batch
from app.intake.validate import RawRecord, Rejection
from app.intake.writer import Incoming, store_incoming

__all__ = [
    "NOWHERE",
    "RAW",
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
    "enrich",
    "feed_health",
    "import_files",
    "place_of_point",
    "preview",
    "read_table",
    "run_pipeline",
    "store_batch",
    "store_incoming",
]
