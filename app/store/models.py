"""SQLAlchemy 2.0 models: messages as received and briefings as issued."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, hands back aware UTC on every backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class Message(Base):
    """One citizen message. ``dedupe_key`` is the route's own identity of the item (its id, or a content
    hash), unique within ``origin``: the namespace of the route as the product knows it (0008)."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("origin", "dedupe_key", name="uq_messages_origin_key"),
        Index("ix_messages_link_key", "link_key"),
        Index("ix_messages_thread_key", "thread_key"),
        Index("ix_messages_published_at", "published_at"),
        Index("ix_messages_category_published", "category", "published_at"),
        Index("ix_messages_incident", "incident_id"),
        Index("ix_messages_municipality_published", "municipality", "published_at"),
        Index("ix_messages_agency_status", "agency_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    dedupe_key: Mapped[str] = mapped_column(String(128))
    external_id: Mapped[str | None] = mapped_column(String(128))
    author: Mapped[str | None] = mapped_column(String(256))
    url: Mapped[str | None] = mapped_column(String(1024))
    text: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(String(512))
    settlement: Mapped[str | None] = mapped_column(String(128))
    municipality: Mapped[str | None] = mapped_column(String(128))
    region: Mapped[str | None] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(32), default="other")
    secondary_category: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), default="new")
    # classifier output (0003)
    confidence: Mapped[float | None] = mapped_column(Float)
    is_complaint: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    explanation: Mapped[str | None] = mapped_column(Text)
    category_source: Mapped[str] = mapped_column(String(16), default="source", server_default="source")
    incident_id: Mapped[int | None] = mapped_column(Integer)
    # routing and deadlines (0004)
    agency_id: Mapped[int | None] = mapped_column(Integer)
    importance: Mapped[str] = mapped_column(String(16), default="normal", server_default="normal")
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_answer_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    final_answer_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # routes and edits (0008)
    origin: Mapped[str] = mapped_column(String(64), default="", server_default="")
    thread_key: Mapped[str | None] = mapped_column(String(128))
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    link_key: Mapped[str | None] = mapped_column(String(64))


class MessageSource(Base):
    """A further route of a message: the same post from VK and from a platform's spreadsheet."""

    __tablename__ = "message_sources"
    __table_args__ = (UniqueConstraint("origin", "dedupe_key", name="uq_message_sources_origin_key"),
                      Index("ix_message_sources_message", "message_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    origin: Mapped[str] = mapped_column(String(64))
    dedupe_key: Mapped[str] = mapped_column(String(128))
    source: Mapped[str] = mapped_column(String(64))
    url: Mapped[str | None] = mapped_column(String(1024))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MessageVersion(Base):
    """An earlier text of a message, kept when the source edited it."""

    __tablename__ = "message_versions"
    __table_args__ = (Index("ix_message_versions_message", "message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime())
    origin: Mapped[str] = mapped_column(String(64))


class Source(Base):
    """A connector the operator configured; credentials are kept in the OS keyring, never here."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(256), unique=True)
    address: Mapped[str] = mapped_column(Text, default="", server_default="")
    parameters: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    interval_s: Mapped[float] = mapped_column(Float, default=60.0, server_default="60")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ImportProfile(Base):
    """A spreadsheet's column mapping saved under a name, recognised again by its headers."""

    __tablename__ = "import_profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(256), unique=True)
    headers: Mapped[str] = mapped_column(Text)
    mapping: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Briefing(Base):
    """An issued briefing: its period, its figures (JSON) and the files written."""

    __tablename__ = "briefings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region: Mapped[str] = mapped_column(String(128))
    period_start: Mapped[datetime] = mapped_column(UTCDateTime())
    period_end: Mapped[datetime] = mapped_column(UTCDateTime())
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    figures_json: Mapped[str] = mapped_column(Text)
    pdf_path: Mapped[str | None] = mapped_column(String(1024))
    docx_path: Mapped[str | None] = mapped_column(String(1024))


class Quarantine(Base):
    """A rejected input row with the reason and the original content."""

    __tablename__ = "quarantine"
    __table_args__ = (Index("ix_quarantine_received_at", "received_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    location: Mapped[str | None] = mapped_column(String(512))
    reason: Mapped[str] = mapped_column(String(512))
    raw: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FeedState(Base):
    """Cursor, ETag and health of one feed; the cursor commits with the messages it covers."""

    __tablename__ = "feed_state"

    feed_id: Mapped[str] = mapped_column(String(512), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    messages_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    warning: Mapped[str | None] = mapped_column(Text)  # e.g. items came from another address (0008)


class Incident(Base):
    """Messages of one category, place and time grouped into one event."""

    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_last_seen", "last_seen"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(32))
    settlement: Mapped[str | None] = mapped_column(String(128))
    municipality: Mapped[str | None] = mapped_column(String(128))
    region: Mapped[str | None] = mapped_column(String(128))
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    message_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    extent: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    merged_into: Mapped[int | None] = mapped_column(Integer)


class CategoryCorrection(Base):
    """An operator's category decision; it wins over the classifier."""

    __tablename__ = "category_corrections"
    __table_args__ = (Index("ix_category_corrections_message", "message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(32))
    secondary_category: Mapped[str | None] = mapped_column(String(32))
    operator: Mapped[str | None] = mapped_column(String(128))
    corrected_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Agency(Base):
    """A responsible agency or municipality messages are routed to."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(256), unique=True)
    kind: Mapped[str] = mapped_column(String(32), default="agency", server_default="agency")
    municipality: Mapped[str | None] = mapped_column(String(128))


class StatusHistory(Base):
    __tablename__ = "status_history"
    __table_args__ = (Index("ix_status_history_message", "message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(32))
    operator: Mapped[str | None] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(Text)


class CampaignMark(Base):
    """An official announcement; message rates before and after it show its effect."""

    __tablename__ = "campaign_marks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str | None] = mapped_column(String(32))
    municipality: Mapped[str | None] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    title: Mapped[str] = mapped_column(String(512))


class Setting(Base):
    """Shared key-value settings (crisis start, briefing schedule…), JSON values."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[str] = mapped_column(Text)



class AssistancePoint(Base):
    __tablename__ = "assistance_points"
    __table_args__ = (Index("ix_assistance_points_status", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(256))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(String(512))
    status: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    hours: Mapped[str | None] = mapped_column(String(128))
    notes: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OfficialWarning(Base):
    """An official warning (CAP 1.2): its areas as GeoJSON, severity and validity."""

    __tablename__ = "warnings"
    __table_args__ = (UniqueConstraint("source", "identifier", name="uq_warnings_source_identifier"),
                      Index("ix_warnings_expires", "expires"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(128))
    identifier: Mapped[str] = mapped_column(String(256))
    sender: Mapped[str | None] = mapped_column(String(256))
    sent: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str | None] = mapped_column(String(32))
    msg_type: Mapped[str | None] = mapped_column(String(32))
    event: Mapped[str | None] = mapped_column(String(256))
    severity: Mapped[str | None] = mapped_column(String(32))
    urgency: Mapped[str | None] = mapped_column(String(32))
    certainty: Mapped[str | None] = mapped_column(String(32))
    headline: Mapped[str | None] = mapped_column(String(512))
    description: Mapped[str | None] = mapped_column(Text)
    area_desc: Mapped[str | None] = mapped_column(String(1024))
    geometry: Mapped[str | None] = mapped_column(Text)
    effective: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    refs: Mapped[str | None] = mapped_column(Text)  # CAP «references» of an Update or Cancel (0008)


class Overlay(Base):
    """A map layer imported by the centre: flood zones, evacuation points, grid sections."""

    __tablename__ = "overlays"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    color: Mapped[str] = mapped_column(String(16), default="#1f77b4", server_default="#1f77b4")
    source_file: Mapped[str | None] = mapped_column(String(1024))
    features: Mapped[str] = mapped_column(Text)
    visible: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

