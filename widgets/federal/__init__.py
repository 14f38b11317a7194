"""The federal view: every federal subject with messages, in its own local time, per 1,000 residents."""

from widgets.federal.panel import RegionsPanel

__all__ = ["RegionsPanel"]
