"""Official warnings (CAP 1.2) and overlay layers (flood zones, evacuation points, grid sections).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "warnings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(128), nullable=False),
        sa.Column("identifier", sa.String(256), nullable=False),
        sa.Column("sender", sa.String(256)),
        sa.Column("sent", sa.DateTime),
        sa.Column("status", sa.String(32)),
        sa.Column("msg_type", sa.String(32)),
        sa.Column("event", sa.String(256)),
        sa.Column("severity", sa.String(32)),
        sa.Column("urgency", sa.String(32)),
        sa.Column("certainty", sa.String(32)),
        sa.Column("headline", sa.String(512)),
        sa.Column("description", sa.Text),
        sa.Column("area_desc", sa.String(1024)),
        sa.Column("geometry", sa.Text),  # GeoJSON geometry of the areas (polygons; circles as polygons)
        sa.Column("effective", sa.DateTime),
        sa.Column("expires", sa.DateTime),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("source", "identifier", name="uq_warnings_source_identifier"),
    )
    op.create_index("ix_warnings_expires", "warnings", ["expires"])
    op.create_table(
        "overlays",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("color", sa.String(16), nullable=False, server_default="#1f77b4"),
        sa.Column("source_file", sa.String(1024)),
        sa.Column("features", sa.Text, nullable=False),  # GeoJSON FeatureCollection
        sa.Column("visible", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("overlays")
    op.drop_index("ix_warnings_expires", "warnings")
    op.drop_table("warnings")
