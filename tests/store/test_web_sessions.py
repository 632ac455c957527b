"""The web sessions table (migration 0006_web_sessions) on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from telefonspor.store import engine_url
from telefonspor.web import accounts as accounts_module
from telefonspor.web.accounts import Accounts

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        accounts_module, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


def test_sessions_end_on_logout_password_change_removal_and_expiry(db_url: str) -> None:
    accounts = Accounts.open(db_url)
    try:
        accounts.add("anna", "admin", "korrekt hest batteri")
        accounts.add("bo", "viewer", "korrekt hest batteri")
        sessions = accounts.sessions
        one = sessions.start("anna", NOW)
        two = sessions.start("anna", NOW)
        bo = sessions.start("bo", NOW)
        assert sessions.user_of(one, NOW) == "anna"
        assert sessions.user_of(one, NOW + timedelta(hours=11, minutes=59)) == "anna"
        assert sessions.user_of(one, NOW + timedelta(hours=12)) is None, "at most 12 hours"
        assert sessions.user_of("aldrig-udstedt", NOW) is None

        sessions.end(one)
        assert (sessions.user_of(one, NOW), sessions.user_of(two, NOW)) == (None, "anna")

        accounts.set_password("anna", "et andet kodeord 1")
        assert sessions.user_of(two, NOW) is None
        assert sessions.user_of(bo, NOW) == "bo"
        assert accounts.verify("anna", "et andet kodeord 1") is not None

        accounts.remove("bo")
        assert sessions.user_of(bo, NOW) is None

        # Only hashes are stored, and a new sign-in clears expired rows.
        stale = sessions.start("anna", NOW)
        assert sessions.user_of(stale, NOW) == "anna"
        late = sessions.start("anna", NOW + timedelta(days=1))
        engine = sa.create_engine(engine_url(db_url))
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id_hash, user_name FROM web_sessions")).all()
        engine.dispose()
        assert [tuple(r) for r in rows] == [(hashlib.sha256(late.encode()).hexdigest(), "anna")]
    finally:
        accounts.close()
