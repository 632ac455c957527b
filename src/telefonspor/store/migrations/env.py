"""Alembic environment: always run by ``telefonspor.store.migrate`` with an open connection."""

from __future__ import annotations

from alembic import context

from telefonspor.store.schema import metadata


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("telefonspor runs its migrations online only")
run_migrations_online()
