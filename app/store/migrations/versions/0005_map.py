"""Map: points of assistance (water delivery, warming centres, aid points).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assistance_points",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("address", sa.String(512)),
        sa.Column("status", sa.String(16), nullable=False, server_default="open"),
        sa.Column("hours", sa.String(128)),
        sa.Column("notes", sa.Text),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_assistance_points_status", "assistance_points", ["status"])


def downgrade() -> None:
    op.drop_index("ix_assistance_points_status", "assistance_points")
    op.drop_table("assistance_points")
