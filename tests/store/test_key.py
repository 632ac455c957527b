"""The phone-hash key lives outside the database (issue 12, point 12).

With the key stored next to the hashes, anyone holding the database recovers
every number by hashing the 10^8 Danish numbers. These tests open the real
SQLite file / PostgreSQL database and check that no table holds the key, that
the key file is 0600 next to the SQLite file, that a missing or wrong key is a
Danish store error (exit 4) rather than silently new hashes, and that an older
database with the key inside is migrated without losing anything.
"""

from __future__ import annotations

import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.store.factory import holder, phone, result
from typer.testing import CliRunner

from telefonspor.cli import app
from telefonspor.errors import StoreError
from telefonspor.model import PhoneValue
from telefonspor.store import Store, engine_url, migrate
from telefonspor.store.hashing import mask, phone_hash
from telefonspor.store.key import CHECK_ROW, DEFAULT_ENV, LEGACY_ROW, key_check, new_key

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
OLD_KEY = "c0ffee" + "ab" * 29


def save(store: Store, holders: list[object], day: int = 0) -> int:
    start = T0 + timedelta(days=day)
    return store.save_run(
        result(holders),  # type: ignore[arg-type]
        started_at=start,
        finished_at=start + timedelta(minutes=1),
    )


def all_values(url: str) -> list[str]:
    """Every value in every table of the database, as text."""
    engine = sa.create_engine(engine_url(url))
    try:
        tables = sa.MetaData()
        tables.reflect(engine)
        with engine.connect() as conn:
            return [
                str(value)
                for table in tables.sorted_tables
                for row in conn.execute(sa.select(table))
                for value in row
            ]
    finally:
        engine.dispose()


def meta_rows(url: str) -> dict[str, str]:
    engine = sa.create_engine(engine_url(url))
    try:
        with engine.connect() as conn:
            return {str(k): str(v) for k, v in conn.execute(sa.text("SELECT key, value FROM meta"))}
    finally:
        engine.dispose()


def sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


# --- masks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (PhoneValue("12 34 56 34", "+4512345634", "landline"), "••••••34"),
        (PhoneValue("+46 8 123 456 78", "+46812345678", "landline"), "••••••78"),
        (PhoneValue("4417", "", "invalid"), "••"),
        (PhoneValue("", "", "empty"), ""),
    ],
)
def test_mask_shows_the_last_two_digits_only(value: PhoneValue, expected: str) -> None:
    assert mask(value) == expected


# --- the key outside the database ------------------------------------------------------------


def test_sqlite_key_is_a_private_file_next_to_the_database(sqlite_url: str) -> None:
    with Store.open(sqlite_url) as store:
        save(store, [holder("anna", covered=True, number="12345634")])
        stored = store.holders(1)[0]
    db_file = sqlite_path(sqlite_url)
    key_file = db_file.with_name(db_file.name + ".key")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text("ascii").strip()
    assert len(key) == 64
    assert stored.direct_hash == phone_hash(phone("12345634"), key)
    assert stored.direct_masked == "••••••34"
    # Open the file itself: no table holds the key, only its check value.
    with sqlite3.connect(db_file) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        values = [
            str(v) for t in tables for row in conn.execute(f'SELECT * FROM "{t}"') for v in row
        ]
    assert not [v for v in values if key in v]
    assert key not in db_file.read_bytes().decode("latin-1")
    assert meta_rows(sqlite_url) == {CHECK_ROW: key_check(key)}


@pytest.mark.postgres
def test_postgres_key_from_the_environment_is_not_in_the_database(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = new_key()
    monkeypatch.setenv(DEFAULT_ENV, key)
    with Store.open(postgres_url) as store:
        save(store, [holder("anna", covered=True, number="12345634")])
        assert store.holders(1)[0].direct_hash == phone_hash(phone("12345634"), key)
    assert not [v for v in all_values(postgres_url) if key in v]
    assert meta_rows(postgres_url) == {CHECK_ROW: key_check(key)}


@pytest.mark.postgres
def test_postgres_key_file_setting(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DEFAULT_ENV)
    with pytest.raises(StoreError, match="skal ligge uden for databasen"):
        Store.open(postgres_url)
    key_file = tmp_path / "hemmelig" / "historik.key"
    with Store.open(postgres_url, key_file=str(key_file)) as store:
        save(store, [holder("anna", covered=True)])
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    key = key_file.read_text("ascii").strip()
    assert not [v for v in all_values(postgres_url) if key in v]
    with Store.open(postgres_url, key_file=str(key_file)) as store:
        assert len(store.runs()) == 1


def test_postgres_without_a_key_place_exits_4_in_danish(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DEFAULT_ENV, raising=False)
    done = CliRunner().invoke(
        app, ["history", "--db", "postgresql://kim@127.0.0.1:1/telefonspor"], env={}
    )
    assert done.exit_code == 4
    assert "TELEFONSPOR_STORE_KEY" in done.output and "store.key_file" in done.output
    assert "Traceback" not in done.output


def test_missing_key_with_stored_hashes_exits_4_and_makes_no_new_key(sqlite_url: str) -> None:
    with Store.open(sqlite_url) as store:
        save(store, [holder("anna", covered=True)])
    db_file = sqlite_path(sqlite_url)
    key_file = db_file.with_name(db_file.name + ".key")
    key_file.unlink()
    with pytest.raises(StoreError, match="Nøglen til telefonnumrenes hash mangler"):
        Store.open(sqlite_url)
    done = CliRunner().invoke(app, ["history", "--db", sqlite_url])
    assert done.exit_code == 4, done.output
    assert "mangler" in done.output and str(key_file) in done.output.replace("\n", "")
    assert not key_file.exists(), "no new key: new hashes would not match the history"


def test_missing_key_of_an_empty_history_is_refused_too(sqlite_url: str) -> None:
    """The check value says a key was made; a fresh one would silently split the history."""
    Store.open(sqlite_url).close()
    db_file = sqlite_path(sqlite_url)
    db_file.with_name(db_file.name + ".key").unlink()
    with pytest.raises(StoreError, match="mangler"):
        Store.open(sqlite_url)


def test_wrong_key_is_refused(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(sqlite_url) as store:
        save(store, [holder("anna", covered=True)])
    monkeypatch.setenv(DEFAULT_ENV, new_key())  # the environment goes before the key file
    with pytest.raises(StoreError, match="passer ikke"):
        Store.open(sqlite_url)
    monkeypatch.setenv(DEFAULT_ENV, "ikke hex")
    with pytest.raises(StoreError, match="ikke en gyldig nøgle"):
        Store.open(sqlite_url)


def test_copied_key_file_is_tightened(sqlite_url: str) -> None:
    Store.open(sqlite_url).close()
    db_file = sqlite_path(sqlite_url)
    key_file = db_file.with_name(db_file.name + ".key")
    key_file.chmod(0o644)  # restored with cp from a backup
    Store.open(sqlite_url).close()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


# --- migrating a database that holds its key ---------------------------------------------


def _old_database_with_key(url: str) -> dict[str, str]:
    """A revision-0003 history: key in ``meta``, two runs, four-digit masks; its hashes."""
    if url.startswith("sqlite:///"):
        sqlite_path(url).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(engine_url(url))
    migrate.upgrade(engine, "0003")
    hashes = {
        "anna": phone_hash(phone("12345634"), OLD_KEY),
        "bo": phone_hash(phone("87654321"), OLD_KEY),
    }
    run = {
        "finished_at": "2025-11-01T07:01:00+00:00",
        "generated_at": "2025-11-01T07:01:00+00:00",
        "roles": 2,
        "roles_covered": 2,
        "role_holders": 2,
        "covered_holders": 2,
        "direct_reach_holders": 2,
        "coverage_pct": 100.0,
        "causes": "{}",
        "findings": "{}",
        "sources": "[]",
        "names_kept": False,
        "report_dir": "",
    }
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO meta (key, value) VALUES (:k, :v)"),
            {"k": LEGACY_ROW, "v": OLD_KEY},
        )
        for run_id, started in ((1, "2025-11-01T07:00:00+00:00"), (2, "2025-11-08T07:00:00+00:00")):
            conn.execute(
                sa.text(
                    "INSERT INTO runs (started_at, "
                    + ", ".join(run)
                    + ") VALUES (:s, "
                    + ", ".join(f":{k}" for k in run)
                    + ")"
                ),
                {"s": started, **run},  # ids 1 and 2 from the sequence (PostgreSQL keeps it)
            )
            for user, masked in (("anna", "•• •• 56 34"), ("bo", "•• •• 43 21")):
                conn.execute(
                    sa.text(
                        "INSERT INTO run_holders (run_id, user_id, name, covered, cause, rule, "
                        "responsible, roles, direct_hash, mobile_hash, direct_masked, "
                        "mobile_masked, direct_findings, mobile_findings) VALUES (:r, :u, '', "
                        ":c, '', '', '', '[]', :h, '', :m, '', '[]', '[]')"
                    ),
                    {"r": run_id, "u": user, "c": True, "h": hashes[user], "m": masked},
                )
    engine.dispose()
    return hashes


def _check_migrated(store: Store, url: str, hashes: dict[str, str]) -> None:
    assert [r.id for r in store.runs()] == [1, 2]
    for run_id in (1, 2):
        stored = {h.user_id: h for h in store.holders(run_id)}
        assert {u: h.direct_hash for u, h in stored.items()} == hashes, "hashes kept"
        assert stored["anna"].direct_masked == "••••••34"
        assert stored["bo"].direct_masked == "••••••21"
    # A new run with the same numbers hashes the same: the history goes on unbroken.
    new = save(
        store,
        [
            holder("anna", covered=True, number="12345634"),
            holder("bo", covered=True, number="87654321"),
        ],
        day=30,
    )
    assert {h.user_id: h.direct_hash for h in store.holders(new)} == hashes
    assert not [v for v in all_values(url) if OLD_KEY in v]
    assert meta_rows(url) == {CHECK_ROW: key_check(OLD_KEY)}
    engine = sa.create_engine(engine_url(url))
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()


def test_sqlite_key_moves_out_to_the_key_file(sqlite_url: str) -> None:
    hashes = _old_database_with_key(sqlite_url)
    with Store.open(sqlite_url) as store:
        _check_migrated(store, sqlite_url, hashes)
    db_file = sqlite_path(sqlite_url)
    key_file = db_file.with_name(db_file.name + ".key")
    assert key_file.read_text("ascii").strip() == OLD_KEY
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    backups = list(db_file.parent.glob("telefonspor.db.bak-0003-*"))
    assert len(backups) == 1, "the file is copied before the key leaves it"


@pytest.mark.postgres
def test_postgres_key_moves_out_to_the_configured_key_file(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DEFAULT_ENV)
    hashes = _old_database_with_key(postgres_url)
    key_file = tmp_path / "historik.key"
    with Store.open(postgres_url, key_file=str(key_file)) as store:
        _check_migrated(store, postgres_url, hashes)
    assert key_file.read_text("ascii").strip() == OLD_KEY
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


@pytest.mark.postgres
def test_postgres_other_key_in_the_environment_stops_the_migration_unchanged(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashes = _old_database_with_key(postgres_url)
    monkeypatch.setenv(DEFAULT_ENV, new_key())
    with pytest.raises(StoreError, match="har en anden nøgle"):
        Store.open(postgres_url)
    assert meta_rows(postgres_url) == {LEGACY_ROW: OLD_KEY}, "nothing changed"
    assert "•• •• 56 34" in all_values(postgres_url)
    monkeypatch.setenv(DEFAULT_ENV, OLD_KEY)  # the database's own key, given by the environment
    with Store.open(postgres_url) as store:
        _check_migrated(store, postgres_url, hashes)


def test_sqlite_migration_refuses_a_different_key_file(sqlite_url: str) -> None:
    hashes = _old_database_with_key(sqlite_url)
    db_file = sqlite_path(sqlite_url)
    key_file = db_file.with_name(db_file.name + ".key")
    key_file.write_text(new_key() + "\n", encoding="ascii")
    with pytest.raises(StoreError, match="har en anden nøgle"):
        Store.open(sqlite_url)
    assert meta_rows(sqlite_url) == {LEGACY_ROW: OLD_KEY}
    key_file.unlink()
    with Store.open(sqlite_url) as store:
        _check_migrated(store, sqlite_url, hashes)
