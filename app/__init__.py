"""Opershtab core: models, storage, intake, analytics and briefing content (no Qt)."""

__version__ = "0.1.0"
