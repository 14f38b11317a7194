"""Intake: quarantine of rejected rows, feed state (cursor, ETag, health).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("location", sa.String(512)),
        sa.Column("reason", sa.String(512), nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
        sa.Column("received_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_quarantine_received_at", "quarantine", ["received_at"])
    op.create_table(
        "feed_state",
        sa.Column("feed_id", sa.String(128), primary_key=True),
        sa.Column("cursor", sa.String(512)),
        sa.Column("etag", sa.String(512)),
        sa.Column("last_attempt_at", sa.DateTime),
        sa.Column("last_success_at", sa.DateTime),
        sa.Column("last_error", sa.Text),
        sa.Column("last_error_at", sa.DateTime),
        sa.Column("error_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("messages_total", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("feed_state")
    op.drop_index("ix_quarantine_received_at", "quarantine")
    op.drop_table("quarantine")
