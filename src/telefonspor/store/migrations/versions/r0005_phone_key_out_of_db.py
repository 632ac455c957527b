"""The phone-hash key moves out of the database; masks keep two digits instead of four.

Before this revision the HMAC key ("salt") sat in ``meta`` next to the hashes,
so every stored number could be recovered by hashing all Danish numbers. The
key is written to the key source the store was opened with (a key file 0600,
or checked against the environment variable), only a check value stays in
``meta``, and the stored masks are cut to their last two digits. The hashes
themselves stay valid: the key is the same, it only lives elsewhere.

The store passes the key source as ``config.attributes["phone_key"]``; a
database with a key inside cannot be migrated without one.

Revision ID: 0005_phone_key
Revises: 0003
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import context, op

from telefonspor.errors import StoreError
from telefonspor.store.hashing import remask
from telefonspor.store.key import CHECK_ROW, LEGACY_ROW, KeySource, key_check

revision = "0005_phone_key"
down_revision = "0004_oidc_link"
branch_labels = None
depends_on = None

_CHUNK = 2000

meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
holders = sa.table(
    "run_holders",
    sa.column("id", sa.Integer),
    sa.column("direct_masked", sa.String),
    sa.column("mobile_masked", sa.String),
)


def _source() -> KeySource | None:
    found = context.config.attributes.get("phone_key")
    return found if isinstance(found, KeySource) else None


def upgrade() -> None:
    bind = op.get_bind()
    old = bind.scalar(sa.select(meta.c.value).where(meta.c.key == LEGACY_ROW))
    if old is not None:
        _move_key_out(bind, str(old).strip().lower())
    _remask(bind)


def _move_key_out(bind: sa.Connection, old: str) -> None:
    source = _source()
    if source is None:
        raise StoreError(
            "Databasens nøgle kan ikke flyttes ud: der er ikke angivet, hvor den skal ligge."
        )
    found = source.read()
    if found is None:
        found = source.keep(old)  # written and fsynced before the key leaves the database
    if found != old:
        raise StoreError(
            f"Databasen har sin nøgle til telefonnumrenes hash gemt i sig, men {source.describe()} "
            "har en anden nøgle. Flyt den anden nøgle væk (eller fjern miljøvariablen), så flytter "
            "telefonspor databasens egen nøgle ud ved næste start. Intet er ændret."
        )
    bind.execute(sa.delete(meta).where(meta.c.key == CHECK_ROW))
    bind.execute(sa.insert(meta).values(key=CHECK_ROW, value=key_check(old)))
    bind.execute(sa.delete(meta).where(meta.c.key == LEGACY_ROW))


def _remask(bind: sa.Connection) -> None:
    rows = bind.execute(
        sa.select(holders.c.id, holders.c.direct_masked, holders.c.mobile_masked).where(
            sa.or_(holders.c.direct_masked != "", holders.c.mobile_masked != "")
        )
    )
    changed: list[dict[str, Any]] = []
    update = (
        sa.update(holders)
        .where(holders.c.id == sa.bindparam("row_id"))
        .values(direct_masked=sa.bindparam("direct"), mobile_masked=sa.bindparam("mobile"))
    )
    for row_id, direct, mobile in rows.all():
        new = {"row_id": row_id, "direct": remask(direct), "mobile": remask(mobile)}
        if (new["direct"], new["mobile"]) != (direct, mobile):
            changed.append(new)
    for start in range(0, len(changed), _CHUNK):
        bind.execute(update, changed[start : start + _CHUNK])


def downgrade() -> None:
    """Put the key back into the database (the cut masks stay cut: those digits are gone)."""
    source = _source()
    key = source.read() if source is not None else None
    if key is None:
        raise StoreError("Nedgradering kræver nøglen til telefonnumrenes hash.")
    bind = op.get_bind()
    bind.execute(sa.delete(meta).where(meta.c.key.in_([CHECK_ROW, LEGACY_ROW])))
    bind.execute(sa.insert(meta).values(key=LEGACY_ROW, value=key))
