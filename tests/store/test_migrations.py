"""Migrating a history made by an older telefonspor: data kept, SQLite file backed up first."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa

from telefonspor.errors import StoreError
from telefonspor.store import Store, engine_url, migrate, schema
from telefonspor.store.key import DEFAULT_ENV

OLD_RUN = {
    "started_at": "2025-11-01T07:00:00+00:00",
    "finished_at": "2025-11-01T07:01:00+00:00",
    "generated_at": "2025-11-01T07:01:00+00:00",
    "roles": 10,
    "roles_covered": 6,
    "role_holders": 2,
    "covered_holders": 1,
    "direct_reach_holders": 1,
    "coverage_pct": 60.0,
    "causes": '{"missing_in_source": 1}',
    "findings": "{}",
    "sources": "[]",
    "names_kept": False,
}


def _old_database(url: str) -> None:
    """A database at revision 0001 (before report_dir and the notification log) with a run."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(engine_url(url))
    migrate.upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO meta (key, value) VALUES ('phone_hash_salt', :s)"),
            {"s": "ab" * 32},
        )
        columns = ", ".join(OLD_RUN)
        values = ", ".join(f":{k}" for k in OLD_RUN)
        conn.execute(sa.text(f"INSERT INTO runs ({columns}) VALUES ({values})"), OLD_RUN)
        conn.execute(
            sa.text(
                "INSERT INTO decisions (user_id, decision, reason, decided_by, decided_at) "
                "VALUES ('bo', 'accept', 'Vikar', 'kim', '2025-11-02T09:00:00+00:00')"
            )
        )
    assert migrate.current_revision(engine) == "0001"
    engine.dispose()


def test_old_schema_is_migrated_and_keeps_its_data(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _old_database(db_url)
    # The old key moves out of the database; on PostgreSQL it is the environment's key.
    monkeypatch.setenv(DEFAULT_ENV, "ab" * 32)
    with Store.open(db_url) as store:
        runs = store.runs()
        decided = store.decisions()
        store.record_notification(
            "hr@kommune.dk",
            "party",
            runs[0].id,
            sa.func.now and __import__("datetime").datetime.now(),
            False,
        )
    engine = sa.create_engine(engine_url(db_url))
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()
    assert [(r.roles, r.coverage_pct, r.report_dir) for r in runs] == [(10, 60.0, "")]
    assert decided["bo"].reason == "Vikar"


def test_sqlite_backup_before_migrating(tmp_path: Path) -> None:
    path = tmp_path / "historik.db"
    url = f"sqlite:///{path}"
    _old_database(url)
    with Store.open(url):
        pass
    backups = list(tmp_path.glob("historik.db.bak-0001-*"))
    assert len(backups) == 1
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    with sqlite3.connect(backups[0]) as old:
        assert old.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        assert old.execute("SELECT roles FROM runs").fetchall() == [(10,)]
    with Store.open(url):
        pass
    assert len(list(tmp_path.glob("historik.db.bak-*"))) == 1, "an up-to-date file is not copied"


def test_web_accounts_table_made_before_the_store_is_kept(tmp_path: Path) -> None:
    """An earlier web app created ``web_users`` itself; migration 0003 must keep it."""
    url = f"sqlite:///{tmp_path / 'historik.db'}"
    engine = sa.create_engine(url)
    schema.web_users.create(engine)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(schema.web_users).values(
                name="kim", role="admin", password_hash="x", created_at="2025-11-01"
            )
        )
    engine.dispose()
    Store.open(url).close()
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        names = list(conn.scalars(sa.select(schema.web_users.c.name)))
    engine.dispose()
    assert names == ["kim"]
    assert list(tmp_path.glob("historik.db.bak-tom-*")), "a file without our schema is copied too"


def test_newer_schema_is_refused(sqlite_url: str) -> None:
    Store.open(sqlite_url).close()
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StoreError, match="Opdatér telefonspor"):
        Store.open(sqlite_url)


def test_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "historik.db"
    path.write_text("dette er ikke en database\n" * 100)
    with pytest.raises(StoreError, match=str(path)):
        Store.open(f"sqlite:///{path}")
