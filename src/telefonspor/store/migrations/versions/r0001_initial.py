"""Initial schema: runs, their inputs and holders, decisions, task events, meta.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("started_at", sa.String(40), nullable=False),
        sa.Column("finished_at", sa.String(40), nullable=False),
        sa.Column("generated_at", sa.String(40), nullable=False),
        sa.Column("roles", sa.Integer, nullable=False),
        sa.Column("roles_covered", sa.Integer, nullable=False),
        sa.Column("role_holders", sa.Integer, nullable=False),
        sa.Column("covered_holders", sa.Integer, nullable=False),
        sa.Column("direct_reach_holders", sa.Integer, nullable=False),
        sa.Column("coverage_pct", sa.Float, nullable=False),
        sa.Column("causes", sa.Text, nullable=False),
        sa.Column("findings", sa.Text, nullable=False),
        sa.Column("sources", sa.Text, nullable=False),
        sa.Column("names_kept", sa.Boolean, nullable=False),
    )
    op.create_table(
        "run_inputs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
    )
    op.create_index("ix_run_inputs_run_id", "run_inputs", ["run_id"])
    op.create_table(
        "run_holders",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("covered", sa.Boolean, nullable=False),
        sa.Column("cause", sa.String(40), nullable=False),
        sa.Column("rule", sa.Text, nullable=False),
        sa.Column("responsible", sa.String(40), nullable=False),
        sa.Column("roles", sa.Text, nullable=False),
        sa.Column("direct_hash", sa.String(64), nullable=False),
        sa.Column("mobile_hash", sa.String(64), nullable=False),
        sa.Column("direct_masked", sa.String(40), nullable=False),
        sa.Column("mobile_masked", sa.String(40), nullable=False),
        sa.Column("direct_findings", sa.Text, nullable=False),
        sa.Column("mobile_findings", sa.Text, nullable=False),
    )
    op.create_index("ix_run_holders_run_id", "run_holders", ["run_id"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("decided_by", sa.Text, nullable=False),
        sa.Column("decided_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_decisions_user_id", "decisions", ["user_id"])
    op.create_table(
        "task_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("done_at", sa.String(40), nullable=False),
        sa.Column("done_by", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("task_events", "decisions", "run_holders", "run_inputs", "runs", "meta"):
        op.drop_table(table)
