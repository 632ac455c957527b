"""Self-service in the store (migration 0007_selfservice): tokens, sealed numbers, the write log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.store import factory

from telefonspor.errors import InputError, StoreError
from telefonspor.store import Store
from telefonspor.store.selfservice import WriteLog, token_hash

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def _issue(store: Store, user_id: str = "mette", days: int = 14) -> str:
    return store.selfservice().issue(
        user_id=user_id,
        run_id=1,
        name=f"Navn {user_id}",
        roles=("Rolle A",),
        before={"direct": "", "mobile": ""},
        days=days,
        now=NOW,
    )


def test_token_is_128_bits_and_only_its_hash_is_stored(db_url: str) -> None:
    with Store.open(db_url) as store:
        token = _issue(store)
        engine = sa.create_engine(store.label if "postgres" not in db_url else db_url)
        with engine.connect() as conn:
            stored = conn.execute(sa.text("SELECT token_hash FROM selfservice_tokens")).scalar()
        engine.dispose()
        link = store.selfservice().link(token, now=NOW)
    assert len(token) >= 22  # 16 bytes, URL-safe base64
    assert stored == token_hash(token) != token
    assert link is not None and link.user_id == "mette" and link.roles == ("Rolle A",)


def test_expired_revoked_used_and_guessed_tokens_are_all_none(db_url: str) -> None:
    with Store.open(db_url) as store:
        service = store.selfservice()
        expired = _issue(store, "a", days=1)
        assert service.link(expired, now=NOW + timedelta(days=1, seconds=1)) is None
        assert service.link(expired, now=NOW + timedelta(hours=23)) is not None
        revoked = _issue(store, "b")
        assert service.revoke("b", now=NOW) == 1
        assert service.link(revoked, now=NOW) is None
        used = _issue(store, "c")
        link = service.link(used, now=NOW)
        assert link is not None
        service.submit(link, direct="33663366", now=NOW)
        assert service.link(used, now=NOW) is None
        with pytest.raises(InputError):  # a replay of the same form
            service.submit(link, direct="33663366", now=NOW)
        assert service.link(used[:-1] + ("A" if used[-1] != "A" else "B"), now=NOW) is None
        assert service.link("", now=NOW) is None
        assert service.link("x" * 500, now=NOW) is None


def test_numbers_are_sealed_and_deleted_when_done(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    with Store.open(url) as store:
        service = store.selfservice()
        link = service.link(_issue(store), now=NOW)
        assert link is not None
        sub = service.submit(link, direct="33663366", mobile="20304050", now=NOW)
        assert (sub.direct_masked, sub.mobile_masked) == ("••••••66", "••••••50")
        assert service.numbers(sub) == {"direct": "33663366", "mobile": "20304050"}
        raw = (tmp_path / "h.db").read_bytes()
        assert b"33663366" not in raw and b"20304050" not in raw
        service.decide(sub.id, "rejected", "anna")
        done = service.submission(sub.id)
        assert not done.holds_numbers and done.status == "rejected"
        assert service.numbers(done) == {"direct": "", "mobile": ""}


def test_a_sealed_number_cannot_be_moved_to_another_holder(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    with Store.open(url) as store:
        service = store.selfservice()
        first = service.submit(service.link(_issue(store, "a"), now=NOW), direct="33663366")  # type: ignore[arg-type]
        second = service.submit(service.link(_issue(store, "b"), now=NOW), direct="44556677")  # type: ignore[arg-type]
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        sealed = conn.execute(
            sa.text("SELECT numbers FROM selfservice_submissions WHERE id = :i"), {"i": first.id}
        ).scalar()
        conn.execute(
            sa.text("UPDATE selfservice_submissions SET numbers = :n WHERE id = :i"),
            {"n": sealed, "i": second.id},
        )
    engine.dispose()
    with Store.open(url) as store, pytest.raises(StoreError, match="dekrypteres"):
        store.selfservice().numbers(second)


def test_the_key_outside_the_database_is_needed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    with Store.open(url) as store:
        service = store.selfservice()
        sub = service.submit(service.link(_issue(store), now=NOW), direct="33663366")  # type: ignore[arg-type]
    (tmp_path / "h.db.key").unlink()
    with pytest.raises(StoreError):
        Store.open(url)  # no key, no store: the sealed numbers stay unreadable
    del sub


def test_write_log_and_applied_users(db_url: str) -> None:
    with Store.open(db_url) as store:
        service = store.selfservice()
        entry = WriteLog(
            1, "Mette", "direct", "ad", "", "••••••66", "written", "anna", "t1", "anna", "t2"
        )
        service.log_write(entry)
        service.log_write(
            WriteLog(2, "bo", "direct", "ad", "", "••••••77", "conflict", "a", "t", "a", "t")
        )
        assert service.writes() == [entry, service.writes()[1]]
        assert service.applied_users() == {"mette": "t2"}


def test_shared_in_run_uses_the_runs_keyed_hashes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    shared = factory.phone("33663366").with_findings("shared")
    holders = [factory.holder(f"u{i}", covered=True, number="33663366") for i in range(3)]
    holders = [
        h.__class__(**{**{s: getattr(h, s) for s in h.__slots__}, "direct": shared})  # type: ignore[attr-defined]
        for h in holders
    ]
    with Store.open(url) as store:
        run_id = store.save_run(factory.result(holders), started_at=NOW, finished_at=NOW)
        service = store.selfservice()
        assert service.shared_in_run(run_id, "+4533663366")
        assert not service.shared_in_run(run_id, "+4544556677")


def test_before_is_kept_per_system_for_the_target_written_to(tmp_path: Path) -> None:
    from telefonspor.model import Hop
    from telefonspor.selfservice.links import source_numbers

    holder = factory.holder("mette")
    holder = holder.__class__(
        **{
            **{s: getattr(holder, s) for s in holder.__slots__},  # type: ignore[attr-defined]
            "trace": (
                Hop("ad", "source", True, direct="", mobile="20 30 40 50"),
                Hop("os2sofd", "local", True, direct="86 12 34 56", mobile=""),
                Hop("fkorg", "fkorg", True, direct="99999999"),
            ),
        }
    )
    held = source_numbers(holder)
    assert held == {
        "ad.direct": "",
        "ad.mobile": "20 30 40 50",
        "os2sofd.direct": "86 12 34 56",
        "os2sofd.mobile": "",
    }
    with Store.open(f"sqlite:///{tmp_path / 'h.db'}") as store:
        service = store.selfservice()
        token = service.issue(
            user_id="mette", run_id=1, name="M", roles=("R",), before=held, days=1, now=NOW
        )
        link = service.link(token, now=NOW)
        assert link is not None
        assert service.before(link.id, "ad") == {"direct": "", "mobile": "20 30 40 50"}
        assert service.before(link.id, "os2sofd") == {"direct": "86 12 34 56", "mobile": ""}
        assert service.before(link.id, "fixfiles") == {"direct": "", "mobile": ""}
