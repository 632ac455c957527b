"""Server-side sign-in sessions: the cookie carries a random id, the database says if it counts.

A signed cookie alone stays valid until it expires, even after logout or a
password change. Here each sign-in gets a row (keyed by the SHA-256 of the id,
so the table holds nothing a cookie could be made from); logout deletes the
row, a password change or a removed user deletes all rows of that user.
The table is ``store.schema.web_sessions`` (migration 0006_web_sessions).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Final

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from telefonspor.errors import StoreError
from telefonspor.store.schema import web_sessions

#: A session lasts at most this long after sign-in, whatever the cookie says.
MAX_AGE: Final = timedelta(hours=12)


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def end_all_statement(user: str) -> sa.Delete:
    """Deletes every session of ``user`` (run in the same transaction as the account change)."""
    return sa.delete(web_sessions).where(web_sessions.c.user_name == user)


class Sessions:
    """The sign-in sessions of one database."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def start(self, user: str, now: datetime | None = None) -> str:
        """A new session for ``user``; returns the id for the cookie (only its hash is kept)."""
        now = now or datetime.now(UTC)
        session_id = secrets.token_urlsafe(32)
        with _guard("gemmes"), self._engine.begin() as conn:
            # Expired rows are cleared here, so the table stays as small as the live sessions.
            conn.execute(sa.delete(web_sessions).where(web_sessions.c.expires_at <= _iso(now)))
            conn.execute(
                sa.insert(web_sessions).values(
                    id_hash=_hash(session_id),
                    user_name=user,
                    created_at=_iso(now),
                    expires_at=_iso(now + MAX_AGE),
                )
            )
        return session_id

    def user_of(self, session_id: str, now: datetime | None = None) -> str | None:
        """The user of a live session; None when it ended, expired or never existed."""
        if not session_id:
            return None
        now = now or datetime.now(UTC)
        t = web_sessions
        query = sa.select(t.c.user_name).where(
            t.c.id_hash == _hash(session_id), t.c.expires_at > _iso(now)
        )
        with _guard("læses"), self._engine.connect() as conn:
            user = conn.scalar(query)
        return str(user) if user is not None else None

    def end(self, session_id: str) -> None:
        """Logout: this session no longer counts, whoever holds its cookie."""
        if not session_id:
            return
        with _guard("afsluttes"), self._engine.begin() as conn:
            conn.execute(sa.delete(web_sessions).where(web_sessions.c.id_hash == _hash(session_id)))

    def end_all(self, user: str) -> None:
        with _guard("afsluttes"), self._engine.begin() as conn:
            conn.execute(end_all_statement(user))


@contextmanager
def _guard(doing: str) -> Iterator[None]:
    """A database error becomes a Danish StoreError."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise StoreError(f"Sessionen kunne ikke {doing} ({exc}).") from exc
