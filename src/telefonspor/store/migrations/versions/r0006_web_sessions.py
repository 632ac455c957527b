"""Server-side web sessions (``telefonspor.web.sessions``): logout and a password change revoke.

Until now the session was only a signed cookie, valid for 12 hours whatever
happened on the server. Cookies from before this revision carry no session id
and are therefore signed out once.

Revision ID: 0006_web_sessions
Revises: 0005_phone_key
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_web_sessions"
down_revision = "0005_phone_key"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("user_name", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("expires_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_web_sessions_user_name", "web_sessions", ["user_name"])


def downgrade() -> None:
    op.drop_table("web_sessions")
