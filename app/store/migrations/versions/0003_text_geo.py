"""Text and places: classifier output on messages, incidents, operator corrections.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("confidence", sa.Float))
        batch.add_column(sa.Column("is_complaint", sa.Boolean, nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("explanation", sa.Text))
        batch.add_column(sa.Column("category_source", sa.String(16), nullable=False, server_default="source"))
        batch.add_column(sa.Column("incident_id", sa.Integer))
    op.create_index("ix_messages_incident", "messages", ["incident_id"])
    op.create_index("ix_messages_municipality_published", "messages", ["municipality", "published_at"])
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("settlement", sa.String(128)),
        sa.Column("municipality", sa.String(128)),
        sa.Column("region", sa.String(128)),
        sa.Column("first_seen", sa.DateTime, nullable=False),
        sa.Column("last_seen", sa.DateTime, nullable=False),
        sa.Column("message_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("extent", sa.Text),  # GeoJSON geometry
        sa.Column("status", sa.String(16), nullable=False, server_default="open"),
        sa.Column("merged_into", sa.Integer),
    )
    op.create_index("ix_incidents_last_seen", "incidents", ["last_seen"])
    op.create_table(
        "category_corrections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("message_id", sa.Integer, sa.ForeignKey("messages.id", ondelete="CASCADE"), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("secondary_category", sa.String(32)),
        sa.Column("operator", sa.String(128)),
        sa.Column("corrected_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_category_corrections_message", "category_corrections", ["message_id"])


def downgrade() -> None:
    op.drop_index("ix_category_corrections_message", "category_corrections")
    op.drop_table("category_corrections")
    op.drop_index("ix_incidents_last_seen", "incidents")
    op.drop_table("incidents")
    op.drop_index("ix_messages_municipality_published", "messages")
    op.drop_index("ix_messages_incident", "messages")
    with op.batch_alter_table("messages") as batch:
        for column in ("incident_id", "category_source", "explanation", "is_complaint", "confidence"):
            batch.drop_column(column)
