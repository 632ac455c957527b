"""Run the packaged Alembic migrations programmatically (no alembic.ini at runtime)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from telefonspor.store.key import KeySource

_SCRIPTS = Path(__file__).resolve().parent / "migrations"


def _config(connection: sa.Connection | None = None, key: KeySource | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    if connection is not None:
        config.attributes["connection"] = connection
    if key is not None:
        config.attributes["phone_key"] = key  # read by revision 0005_phone_key
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:  # only when the package lost its migration scripts
        raise RuntimeError("telefonspor.store.migrations has no revisions")
    return head


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: sa.Engine, revision: str = "head", key: KeySource | None = None) -> None:
    """Bring the database to ``revision`` in one transaction (DDL is transactional on PostgreSQL).

    ``key`` is where the phone-hash key lives; an older database that still holds its key
    inside cannot pass revision 0005_phone_key without it.
    """
    with engine.begin() as connection:
        command.upgrade(_config(connection, key), revision)
