"""Tables for the world outside: messages and hourly series as CSV, XLSX and GeoJSON."""

from app.export.hourly import export_hourly
from app.export.messages import MESSAGE_FORMATS, export_messages

__all__ = ["MESSAGE_FORMATS", "export_hourly", "export_messages"]
