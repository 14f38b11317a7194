"""Messages and briefings.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("dedupe_key", sa.String(128), nullable=False),
        sa.Column("external_id", sa.String(128)),
        sa.Column("author", sa.String(256)),
        sa.Column("url", sa.String(1024)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("published_at", sa.DateTime, nullable=False),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("address", sa.String(512)),
        sa.Column("settlement", sa.String(128)),
        sa.Column("municipality", sa.String(128)),
        sa.Column("region", sa.String(128)),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("secondary_category", sa.String(32)),
        sa.Column("status", sa.String(32), nullable=False),
        sa.UniqueConstraint("source", "dedupe_key", name="uq_messages_source_key"),
    )
    op.create_index("ix_messages_published_at", "messages", ["published_at"])
    op.create_index("ix_messages_category_published", "messages", ["category", "published_at"])
    op.create_table(
        "briefings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("region", sa.String(128), nullable=False),
        sa.Column("period_start", sa.DateTime, nullable=False),
        sa.Column("period_end", sa.DateTime, nullable=False),
        sa.Column("generated_at", sa.DateTime, nullable=False),
        sa.Column("figures_json", sa.Text, nullable=False),
        sa.Column("pdf_path", sa.String(1024)),
        sa.Column("docx_path", sa.String(1024)),
    )


def downgrade() -> None:
    op.drop_table("briefings")
    op.drop_index("ix_messages_category_published", "messages")
    op.drop_index("ix_messages_published_at", "messages")
    op.drop_table("messages")
