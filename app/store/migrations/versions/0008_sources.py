"""Real sources: the sources table, one message across routes, edits with history, import profiles.

- ``messages.origin``: the namespace of the dedupe key as the product knows the route (``vk``,
  ``telegram``, ``feed:…``, ``file:…``), never what an item claims; unique (origin, dedupe_key)
  replaces unique (source, dedupe_key). Existing rows keep their old namespace (their source).
- ``messages.thread_key`` (the parent's external id: a comment's post), ``edited_at`` (the
  source's time of the text shown), ``link_key`` (hash of the canonical post URL, to meet the
  same post arriving by another route).
- ``message_sources``: further routes of a message; ``message_versions``: earlier texts.
- ``sources``: the connectors the operator configured (credentials live in the OS keyring).
- ``import_profiles``: a spreadsheet's column mapping saved under a name.
- ``feed_state``: longer ids, cursors and ETags of any length, and a warning line for health.
- ``warnings.refs``: the CAP «references» of an update or a cancel (an alert arriving after its
  cancellation is ended at once).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _messages() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("origin", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("thread_key", sa.String(128)))
        batch.add_column(sa.Column("edited_at", sa.DateTime))
        batch.add_column(sa.Column("link_key", sa.String(64)))
    op.execute("UPDATE messages SET origin = source")
    with op.batch_alter_table("messages") as batch:
        batch.drop_constraint("uq_messages_source_key", type_="unique")
        batch.create_unique_constraint("uq_messages_origin_key", ["origin", "dedupe_key"])
    op.create_index("ix_messages_link_key", "messages", ["link_key"])
    op.create_index("ix_messages_thread_key", "messages", ["thread_key"])


def _routes() -> None:
    op.create_table(
        "message_sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("message_id", sa.Integer, sa.ForeignKey("messages.id", ondelete="CASCADE"), nullable=False),
        sa.Column("origin", sa.String(64), nullable=False),
        sa.Column("dedupe_key", sa.String(128), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("url", sa.String(1024)),
        sa.Column("added_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("origin", "dedupe_key", name="uq_message_sources_origin_key"),
    )
    op.create_index("ix_message_sources_message", "message_sources", ["message_id"])
    op.create_table(
        "message_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("message_id", sa.Integer, sa.ForeignKey("messages.id", ondelete="CASCADE"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("edited_at", sa.DateTime),
        sa.Column("replaced_at", sa.DateTime, nullable=False),
        sa.Column("origin", sa.String(64), nullable=False),
    )
    op.create_index("ix_message_versions_message", "message_versions", ["message_id"])


def _sources() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("name", sa.String(256), nullable=False, unique=True),
        sa.Column("address", sa.Text, nullable=False, server_default=""),
        sa.Column("parameters", sa.Text, nullable=False, server_default="{}"),
        sa.Column("interval_s", sa.Float, nullable=False, server_default="60"),
        sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "import_profiles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(256), nullable=False, unique=True),
        sa.Column("headers", sa.Text, nullable=False),
        sa.Column("mapping", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )


def upgrade() -> None:
    _messages()
    _routes()
    _sources()
    with op.batch_alter_table("feed_state") as batch:
        batch.alter_column("feed_id", type_=sa.String(512), existing_nullable=False)
        batch.alter_column("cursor", type_=sa.Text, existing_nullable=True)
        batch.alter_column("etag", type_=sa.Text, existing_nullable=True)
        batch.add_column(sa.Column("warning", sa.Text))
    with op.batch_alter_table("warnings") as batch:
        batch.add_column(sa.Column("refs", sa.Text))  # CAP «references» of an Update or Cancel


def downgrade() -> None:
    with op.batch_alter_table("warnings") as batch:
        batch.drop_column("refs")
    with op.batch_alter_table("feed_state") as batch:
        batch.drop_column("warning")
    op.drop_table("import_profiles")
    op.drop_table("sources")
    op.drop_index("ix_message_versions_message", "message_versions")
    op.drop_table("message_versions")
    op.drop_index("ix_message_sources_message", "message_sources")
    op.drop_table("message_sources")
    op.drop_index("ix_messages_thread_key", "messages")
    op.drop_index("ix_messages_link_key", "messages")
    with op.batch_alter_table("messages") as batch:
        batch.drop_constraint("uq_messages_origin_key", type_="unique")
        batch.create_unique_constraint("uq_messages_source_key", ["source", "dedupe_key"])
        for column in ("link_key", "edited_at", "thread_key", "origin"):
            batch.drop_column(column)
