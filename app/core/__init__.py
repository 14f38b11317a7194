"""The one door into the core: ``open_core`` gives a ``Core`` every door of the product uses."""

from app.core.core import Core, PackResult
from app.core.open import CoreOpenError, open_core
from app.core.view import LIVE_HOURS, View, ViewState

__all__ = ["LIVE_HOURS", "Core", "CoreOpenError", "PackResult", "View", "ViewState", "open_core"]
