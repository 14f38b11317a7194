"""The database: engine, models, migrations, upgrades and transfers."""

from app.store.engine import Store, make_engine, open_store, table_names
from app.store.models import (
    Agency,
    AssistancePoint,
    Base,
    Briefing,
    CampaignMark,
    CategoryCorrection,
    FeedState,
    ImportProfile,
    Incident,
    Message,
    MessageSource,
    MessageVersion,
    OfficialWarning,
    Overlay,
    Quarantine,
    Setting,
    Source,
    StatusHistory,
    UTCDateTime,
)

__all__ = [
    "Agency", "AssistancePoint", "Base", "Briefing", "CampaignMark", "CategoryCorrection", "FeedState", "ImportProfile",
    "Incident", "Message", "MessageSource", "MessageVersion", "OfficialWarning", "Overlay", "Quarantine", "Setting",
    "Source", "StatusHistory", "Store", "UTCDateTime",
    "make_engine", "open_store", "table_names",
]
