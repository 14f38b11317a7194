"""The one door into the core: ``open_core`` gives a ``Core`` every door of the product uses."""

from app.core.configured import Crisis, crisis_of, feed_config, schedule_of
from app.core.core import FEED_KEYS, Core, PackResult
from app.core.open import CoreOpenError, open_core
from app.core.secrets import FeedSecrets
from app.core.view import LIVE_CHOICES, LIVE_HOURS, View, ViewState

__all__ = [
    "FEED_KEYS", "LIVE_CHOICES", "LIVE_HOURS", "Core", "CoreOpenError", "Crisis", "FeedSecrets", "PackResult", "View",
    "ViewState", "crisis_of", "feed_config", "open_core", "schedule_of",
]
