"""Self-service links, the employees' submissions and the log of numbers written back.

Revision ID: 0007_selfservice
Revises: 0006_web_sessions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_selfservice"
down_revision = "0006_web_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "selfservice_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("roles", sa.Text, nullable=False),
        sa.Column("before", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("expires_at", sa.String(40), nullable=False),
        sa.Column("revoked_at", sa.String(40), nullable=True),
        sa.Column("used_at", sa.String(40), nullable=True),
    )
    op.create_index("ix_selfservice_tokens_user_id", "selfservice_tokens", ["user_id"])
    op.create_table(
        "selfservice_submissions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_id", sa.Integer, sa.ForeignKey("selfservice_tokens.id"), nullable=False),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("numbers", sa.Text, nullable=True),
        sa.Column("direct_masked", sa.String(40), nullable=False),
        sa.Column("mobile_masked", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("submitted_at", sa.String(40), nullable=False),
        sa.Column("decided_by", sa.Text, nullable=False),
        sa.Column("decided_at", sa.String(40), nullable=True),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_index("ix_selfservice_submissions_user_id", "selfservice_submissions", ["user_id"])
    op.create_table(
        "selfservice_writes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("submission_id", sa.Integer, nullable=False),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("field", sa.String(16), nullable=False),
        sa.Column("target", sa.String(40), nullable=False),
        sa.Column("old_masked", sa.String(40), nullable=False),
        sa.Column("new_masked", sa.String(40), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("approved_by", sa.Text, nullable=False),
        sa.Column("approved_at", sa.String(40), nullable=False),
        sa.Column("applied_by", sa.Text, nullable=False),
        sa.Column("applied_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_selfservice_writes_submission_id", "selfservice_writes", ["submission_id"])


def downgrade() -> None:
    op.drop_table("selfservice_writes")
    op.drop_table("selfservice_submissions")
    op.drop_table("selfservice_tokens")
