"""OpenID Connect link per web account (``telefonspor users link-oidc``).

``oidc_identity`` is the identity (casefolded) the provider must vouch for to
sign in to the account; empty means the account cannot be reached through
OpenID Connect at all. ``oidc_subject`` is the provider's ``sub``, pinned at the
first sign-in, so a reused e-mail address does not inherit the account.

Revision ID: 0004_oidc_link
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_oidc_link"
down_revision = "0003"
branch_labels = None
depends_on = None

_COLUMNS = ("oidc_identity", "oidc_subject")
_INDEX = "ix_web_users_oidc_identity"


def upgrade() -> None:
    # A table made by the web app itself (see 0003) may already have the new shape.
    inspector = sa.inspect(op.get_bind())
    present = {c["name"] for c in inspector.get_columns("web_users")}
    indexes = {i["name"] for i in inspector.get_indexes("web_users")}
    with op.batch_alter_table("web_users") as batch:
        for name in _COLUMNS:
            if name not in present:
                batch.add_column(sa.Column(name, sa.String(255), nullable=True))
    if _INDEX not in indexes:
        op.create_index(_INDEX, "web_users", ["oidc_identity"], unique=True)


def downgrade() -> None:
    op.drop_index(_INDEX, "web_users")
    with op.batch_alter_table("web_users") as batch:
        for name in _COLUMNS:
            batch.drop_column(name)
