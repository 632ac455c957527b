"""The rows of the web app's local accounts (table ``web_users``, migrations 0003 and 0004).

Only SQL lives here; what a valid name, role, password or OpenID Connect link is,
and how passwords are hashed, is ``telefonspor.web.accounts``. Changes that end
a user's sessions run in the same transaction as the account change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from telefonspor.errors import StoreError
from telefonspor.settings import Settings
from telefonspor.store.schema import web_users
from telefonspor.store.sessions import Sessions, end_all_statement


@dataclass(frozen=True, slots=True)
class AccountRow:
    """One stored account as the table holds it."""

    name: str
    role: str
    password_hash: str
    created_at: str
    oidc_identity: str = ""  # casefolded; "" = none
    oidc_subject: str | None = None  # the provider's ``sub``, pinned at the first sign-in


class AccountRows:
    """The ``web_users`` table of one database, and the sessions that go with it."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self.sessions = Sessions(engine)

    @classmethod
    def open(cls, url: str, settings: Settings | None = None) -> AccountRows:
        """The table in the database at ``url``; ``settings`` say where the store's key is."""
        from telefonspor.store.store import Store, engine_url, key_options

        # Creates the database and applies the migrations (which need the store's key).
        Store.open(url, **(key_options(settings) if settings else {})).close()
        try:
            engine = sa.create_engine(engine_url(url))
        except SQLAlchemyError as exc:
            raise StoreError(f"Databasen til brugerkonti kan ikke åbnes ({exc}).") from exc
        return cls(engine)

    def close(self) -> None:
        self._engine.dispose()

    def get(self, name: str) -> AccountRow | None:
        rows = self._read(sa.select(web_users).where(web_users.c.name == name))
        return _row(rows[0]) if rows else None

    def all(self) -> list[AccountRow]:
        return [_row(r) for r in self._read(sa.select(web_users).order_by(web_users.c.name))]

    def by_oidc(self, identity: str) -> AccountRow | None:
        """The account linked to the (casefolded) ``identity``."""
        rows = self._read(sa.select(web_users).where(web_users.c.oidc_identity == identity))
        return _row(rows[0]) if rows else None

    def insert(self, row: AccountRow) -> None:
        values = {
            "name": row.name,
            "role": row.role,
            "password_hash": row.password_hash,
            "created_at": row.created_at,
            "oidc_identity": row.oidc_identity or None,
        }
        self._write(sa.insert(web_users).values(**values))

    def set_oidc(self, name: str, identity: str | None) -> None:
        """Link ``name`` to ``identity`` (None: unlink); a new link starts unpinned."""
        change = {"oidc_identity": identity, "oidc_subject": None}
        self._write(sa.update(web_users).where(web_users.c.name == name).values(**change))

    def pin_subject(self, name: str, subject: str) -> None:
        """Pin the provider's ``sub`` on the first sign-in (never over an existing one)."""
        self._write(
            sa.update(web_users)
            .where(web_users.c.name == name, web_users.c.oidc_subject.is_(None))
            .values(oidc_subject=subject)
        )

    def set_password_hash(self, name: str, password_hash: str) -> None:
        """A new password hash; every session of the user ends with it."""
        change = sa.update(web_users).where(web_users.c.name == name)
        self._write(change.values(password_hash=password_hash), end_all_statement(name))

    def delete(self, name: str) -> None:
        """The account and its sessions, in one transaction."""
        self._write(sa.delete(web_users).where(web_users.c.name == name), end_all_statement(name))

    def _read(self, stmt: sa.Select[Any]) -> list[sa.Row[Any]]:
        try:
            with self._engine.connect() as conn:
                return list(conn.execute(stmt))
        except SQLAlchemyError as exc:
            raise StoreError(f"Brugerkontiene kan ikke læses ({exc}).") from exc

    def _write(self, *statements: sa.Executable) -> None:
        """Run ``statements`` in one transaction."""
        try:
            with self._engine.begin() as conn:
                for stmt in statements:
                    conn.execute(stmt)
        except SQLAlchemyError as exc:
            raise StoreError(f"Brugerkontiene kan ikke gemmes ({exc}).") from exc


def _row(row: sa.Row[Any]) -> AccountRow:
    subject = row.oidc_subject
    return AccountRow(
        str(row.name),
        str(row.role),
        str(row.password_hash),
        str(row.created_at),
        str(row.oidc_identity or ""),
        None if subject is None else str(subject),
    )
