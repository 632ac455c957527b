"""The run history on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.store.factory import holder, many, result

from telefonspor.errors import InputError, StoreError
from telefonspor.store import Store, engine_url
from telefonspor.store.store import compare

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def save(store: Store, res: object, day: int = 0, **kwargs: object) -> int:
    start = T0 + timedelta(days=day)
    return store.save_run(res, started_at=start, finished_at=start + timedelta(minutes=1), **kwargs)  # type: ignore[arg-type]


def test_sqlite_file_is_created_private_with_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "ny" / "mappe" / "historik.db"
    with Store.open(f"sqlite:///{path}") as store:
        assert store.runs() == []
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "ny").stat().st_mode) == 0o700
    assert not list(path.parent.glob("*.bak-*")), "a new database needs no backup"


def test_saved_run_reads_back(db_url: str) -> None:
    res = result(
        [holder("anna", covered=True, roles=("R1", "R2")), holder("bo"), holder("carl")],
        with_sources=True,
    )
    with Store.open(db_url) as store:
        run_id = save(store, res, report_dir="/srv/rapport")
        run = store.run()
    assert run.id == run_id
    assert (run.roles, run.roles_covered, run.role_holders, run.covered_holders) == (4, 2, 3, 1)
    assert run.coverage_pct == 50.0
    assert run.causes == {"missing_in_source": 2}
    assert run.started_at == "2026-01-05T08:00:00+00:00"
    assert run.report_dir == "/srv/rapport"
    assert [(i.name, i.kind) for i in run.inputs] == [("klik.xlsx", "klik"), ("ad.csv", "ad")]
    assert run.inputs[0].sha256 == "a" * 64
    assert [(s.kind, s.position, s.complete) for s in run.sources] == [("ad", "source", True)]


def test_holders_keep_no_number_and_no_name_unless_asked(db_url: str) -> None:
    res = result([holder("anna", covered=True, number="12344050", name="Anna Æbelø"), holder("bo")])
    with Store.open(db_url) as store:
        plain = store.holders(save(store, res))
        named = store.holders(save(store, res, day=1, keep_names=True))
    anna = plain[0]
    assert (anna.user_id, anna.name, anna.covered, anna.cause) == ("anna", "", True, None)
    assert anna.direct_masked == "••••••50"  # the last two digits only (issue 12, point 12)
    assert len(anna.direct_hash) == 64 and "12344050" not in anna.direct_hash
    assert (anna.mobile_hash, anna.mobile_masked, anna.mobile_findings) == ("", "", ("missing",))
    assert anna.direct_hash == named[0].direct_hash, "same number, same database: same hash"
    assert named[0].name == "Anna Æbelø"
    bo = plain[1]
    assert (bo.cause, bo.responsible, bo.rule, bo.roles) == (
        "missing_in_source",
        "hr",
        "os2sofd.no_landline",
        ("Rolle A",),
    )


def test_sqlite_file_holds_no_plain_number(sqlite_url: str) -> None:
    with Store.open(sqlite_url) as store:
        save(store, result([holder("anna", covered=True, number="87654321")]))
    data = Path(sqlite_url.removeprefix("sqlite:///")).read_bytes()
    assert b"87654321" not in data
    assert b"Navn anna" not in data


def test_hash_key_differs_between_databases(tmp_path: Path) -> None:
    res = result([holder("anna", covered=True)])
    hashes = []
    for name in ("a.db", "b.db"):
        with Store.open(f"sqlite:///{tmp_path / name}") as store:
            hashes.append(store.holders(save(store, res))[0].direct_hash)
    assert hashes[0] != hashes[1]


def test_missing_runs_are_danish_store_errors(db_url: str) -> None:
    with Store.open(db_url) as store:
        with pytest.raises(StoreError, match="ingen gemte kørsler"):
            store.run()
        save(store, result([holder("anna")]))
        with pytest.raises(StoreError, match=r"Kørsel nr\. 99 findes ikke"):
            store.run(99)
        with pytest.raises(StoreError, match=r"Kørsel nr\. 99 findes ikke"):
            store.holders(99)
        with pytest.raises(StoreError, match="ingen kørsel før"):
            store.diff()


def test_diff_and_trend(db_url: str) -> None:
    first = result(
        [
            holder("fixed"),
            holder("same"),
            holder("recause", cause="missing_in_source"),
            holder("lost", covered=True),
            holder("gone"),
        ]
    )
    second = result(
        [
            holder("fixed", covered=True),
            holder("same"),
            holder("recause", cause="lost_local_to_fkorg"),
            holder("lost"),
            holder("new"),
        ]
    )
    with Store.open(db_url) as store:
        a = save(store, first)
        b = save(store, second, day=7)
        changes = store.diff()
        assert store.diff(a, b) == changes
        trend = store.trend()
        reverse = store.diff(b, a)
    assert (changes.from_run, changes.to_run) == (a, b)
    assert changes.fixed == ("fixed",)
    assert changes.newly_missing == ("lost", "new")
    assert [(c.user_id, c.old, c.new) for c in changes.changed_cause] == [
        ("recause", "missing_in_source", "lost_local_to_fkorg")
    ]
    assert changes.gone == ("gone",)
    assert reverse.fixed == ("lost",) and reverse.gone == ("new",)
    assert [(p.run_id, p.coverage_pct) for p in trend] == [(a, 20.0), (b, 20.0)]
    assert trend[1].causes == {"missing_in_source": 3, "lost_local_to_fkorg": 1}


def test_compare_ignores_covered_holders_that_stay_covered() -> None:
    changes = compare(1, {"x": (True, None)}, 2, {"x": (True, None), "y": (True, None)})
    assert (changes.fixed, changes.newly_missing, changes.changed_cause) == ((), (), ())


def test_decisions_keep_history_and_validate(db_url: str) -> None:
    with Store.open(db_url) as store:
        with pytest.raises(InputError, match="begrundelse"):
            store.decide("bo", "accept", "  ", "kim")
        with pytest.raises(InputError, match="'fix'"):
            store.decide("bo", "måske", "", "kim")
        store.decide("bo", "fix", "", "kim")
        latest = store.decide("bo", "accept", "Rollen bruges ikke", "lis")
        store.decide("", "fix", "Vi sikrer numrene", "lis")
        decided = store.decisions()
        history = store.decision_history()
    assert decided["bo"] == latest
    assert (latest.decision, latest.reason, latest.decided_by) == (
        "accept",
        "Rollen bruges ikke",
        "lis",
    )
    assert decided[""].reason == "Vi sikrer numrene"
    assert [d.decision for d in history] == ["fix", "accept", "fix"]


def test_task_steps_follow_the_work(db_url: str) -> None:
    with Store.open(db_url) as store:
        assert [s.done_at for s in store.task_steps()] == [None] * 5
        save(store, result([holder("anna", covered=True), holder("bo"), holder("carl")]))
        steps = store.task_steps()
        assert [s.number for s in steps] == [1, 2, 3, 4, 5]
        assert steps[0].title == "Identificér roller uden telefonnummer"
        assert steps[0].done_at == "2026-01-05T08:01:00+00:00"
        assert steps[1].done_at is None, "no chain sources: the cause is not traced yet"
        save(
            store,
            result([holder("anna", covered=True), holder("bo"), holder("carl")], with_sources=True),
            day=1,
        )
        assert store.task_steps()[1].done_at == "2026-01-06T08:01:00+00:00"
        assert store.task_steps()[1].done_at is not None
        store.decide("bo", "accept", "Vikar", "kim")
        assert store.task_steps()[2].done_at is None, "carl has no decision yet"
        with pytest.raises(InputError, match="der er stadig 1 åben sag"):
            store.complete_task(by="kim")
        store.decide("carl", "fix", "", "kim")
        steps = store.task_steps()
        assert steps[2].done_at is not None and steps[3].done_at is None
        assert store.open_cases() == ["carl"]
        save(
            store,
            result(
                [holder("anna", covered=True), holder("bo"), holder("carl", covered=True)],
                with_sources=True,
            ),
            day=2,
        )
        steps = store.task_steps()
        assert steps[3].done_at is not None, "only the accepted case is left"
        done = store.complete_task(by="kim")
    assert done.number == 5 and done.done_at is not None
    assert "kim" in done.note


def test_whole_task_accept_closes_every_case(db_url: str) -> None:
    with Store.open(db_url) as store:
        save(store, result([holder("bo"), holder("carl")]))
        store.decide("", "accept", "Vi bruger ikke telefonerne", "lis")
        steps = store.task_steps()
        assert steps[2].done_at is not None and "ikke at iværksætte" in steps[2].note
        assert steps[3].done_at is not None
        assert store.open_cases() == []
        context = store.report_context()
    assert context.task_decision is not None and context.task_decision.decision == "accept"
    assert "" not in context.decisions


def test_complete_task_with_a_reason_despite_open_cases(db_url: str) -> None:
    with Store.open(db_url) as store:
        with pytest.raises(InputError, match="ingen gemte kørsler"):
            store.complete_task(by="kim")
        save(store, result([holder("bo")]))
        step = store.complete_task(reason="Resten håndteres i driften", by="kim")
    assert step.note == "Markeret af kim: Resten håndteres i driften"


def test_report_context(db_url: str) -> None:
    with Store.open(db_url) as store:
        a = save(store, result([holder("bo"), holder("carl")]))
        b = save(store, result([holder("bo", covered=True), holder("carl")]), day=1)
        c = save(store, result([holder("bo", covered=True), holder("carl", covered=True)]), day=2)
        store.decide("carl", "fix", "", "kim")
        first = store.report_context(a)
        middle = store.report_context(b)
        latest = store.report_context()
    assert first.changes is None and [p.run_id for p in first.trend] == [a]
    assert middle.changes is not None and middle.changes.fixed == ("bo",)
    assert [p.run_id for p in middle.trend] == [a, b]
    assert latest.run_id == c and latest.changes is not None and latest.changes.fixed == ("carl",)
    assert set(latest.decisions) == {"carl"} and latest.task_decision is None
    assert len(latest.task) == 5


def test_notifications(db_url: str) -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with Store.open(db_url) as store:
        assert not store.was_notified("hr@kommune.dk", 14, now)
        store.record_notification("HR@Kommune.dk", "party", None, now - timedelta(days=10), False)
        store.record_notification("it@kommune.dk", "party", 1, now, True)
        assert store.was_notified("hr@kommune.dk", 14, now)
        assert not store.was_notified("hr@kommune.dk", 7, now)
        assert not store.was_notified("hr@kommune.dk", 0, now)
        assert not store.was_notified("it@kommune.dk", 14, now), "a dry run sends nothing"
        log = store.notifications()
    assert [(n.recipient, n.kind, n.run_id, n.dry_run) for n in log] == [
        ("hr@kommune.dk", "party", None, False),
        ("it@kommune.dk", "party", 1, True),
    ]
    assert log[0].sent_at == "2026-02-19T12:00:00+00:00"


def test_interrupted_save_leaves_nothing(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(db_url) as store:
        save(store, result([holder("anna")]))
        before = store.runs()
        calls = 0
        original = Store._holder_row

        def interrupt(self: Store, *args: object) -> object:
            nonlocal calls
            calls += 1
            if calls == 4500:  # after the first chunk of holders went to the database
                raise KeyboardInterrupt
            return original(self, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(Store, "_holder_row", interrupt)
        with pytest.raises(KeyboardInterrupt):
            save(store, many(5000), day=1)
        monkeypatch.undo()
        assert store.runs() == before
        assert len(store.holders(before[0].id)) == 1


def test_engine_url() -> None:
    assert engine_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert engine_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert engine_url("sqlite:///x.db").drivername == "sqlite"
    with pytest.raises(StoreError, match="understøttes ikke"):
        engine_url("mysql://u@h/db")
    with pytest.raises(StoreError, match="ikke en gyldig database-URL"):
        engine_url("historik.db")


def test_unreachable_postgres_is_a_store_error_without_password(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="kan ikke åbnes") as caught:
        Store.open(
            "postgresql://kim:hemmelig@127.0.0.1:1/telefonspor", key_file=str(tmp_path / "k.key")
        )
    assert "hemmelig" not in str(caught.value)
