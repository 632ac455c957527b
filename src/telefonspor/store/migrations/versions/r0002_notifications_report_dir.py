"""Notification log (never twice within N days) and each run's report folder.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("report_dir", sa.Text, nullable=False, server_default=""))
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("recipient", sa.Text, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("run_id", sa.Integer, nullable=True),
        sa.Column("sent_at", sa.String(40), nullable=False),
        sa.Column("dry_run", sa.Boolean, nullable=False),
    )
    op.create_index("ix_notifications_recipient", "notifications", ["recipient"])


def downgrade() -> None:
    op.drop_table("notifications")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("report_dir")
