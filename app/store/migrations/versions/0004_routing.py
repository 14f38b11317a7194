"""Routing and deadlines: agencies, assignment, importance, status history, campaign marks, settings.

Also a version column on messages for optimistic locking between seats.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(256), nullable=False, unique=True),
        sa.Column("kind", sa.String(32), nullable=False, server_default="agency"),
        sa.Column("municipality", sa.String(128)),
    )
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("agency_id", sa.Integer))
        batch.add_column(sa.Column("importance", sa.String(16), nullable=False, server_default="normal"))
        batch.add_column(sa.Column("assigned_at", sa.DateTime))
        batch.add_column(sa.Column("first_answer_at", sa.DateTime))
        batch.add_column(sa.Column("final_answer_at", sa.DateTime))
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    op.create_index("ix_messages_agency_status", "messages", ["agency_id", "status"])
    op.create_table(
        "status_history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("message_id", sa.Integer, sa.ForeignKey("messages.id", ondelete="CASCADE"), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("operator", sa.String(128)),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("note", sa.Text),
    )
    op.create_index("ix_status_history_message", "status_history", ["message_id"])
    op.create_table(
        "campaign_marks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("category", sa.String(32)),
        sa.Column("municipality", sa.String(128)),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("title", sa.String(512), nullable=False),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("settings")
    op.drop_table("campaign_marks")
    op.drop_index("ix_status_history_message", "status_history")
    op.drop_table("status_history")
    op.drop_index("ix_messages_agency_status", "messages")
    with op.batch_alter_table("messages") as batch:
        for column in ("version", "final_answer_at", "first_answer_at", "assigned_at", "importance", "agency_id"):
            batch.drop_column(column)
    op.drop_table("agencies")
