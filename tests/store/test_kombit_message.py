"""Issue 16.10: the words for KOMBIT, and a completed task that a later run reopens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

import telefonspor.cli.history_cmd  # noqa: F401  (registers the commands)
from telefonspor.cli.app import app
from telefonspor.store import Store
from telefonspor.store.kombit_message import kombit_message

from .factory import holder, result

runner = CliRunner(env={"COLUMNS": "200"})
START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def _save(store: Store, holders: list, days: int) -> int:  # type: ignore[type-arg]
    moment = START + timedelta(days=days)
    return store.save_run(result(holders), started_at=moment, finished_at=moment)


def test_message_has_decision_reason_coverage_and_what_was_done(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    with Store.open(db) as store:
        _save(
            store, [holder("anna", covered=True), holder("bo"), holder("carl"), holder("dorte")], 0
        )
        _save(
            store,
            [
                holder("anna", covered=True),
                holder("bo", covered=True),
                holder("carl"),
                holder("dorte"),
            ],
            7,
        )
        store.decide("carl", "accept", "Fratræder til marts", "kirsten")
        store.decide("", "accept", "Rollerne flyttes til nye brugere i 2027", "kirsten")
        text = kombit_message(store.task_facts("Testrup Kommune"))
    assert text.splitlines()[0] == "Telefonnumre på roller i KLIK – Testrup Kommune"
    assert "Beslutning: Vi iværksætter ikke aktiviteter" in text
    assert "Begrundelse: Rollerne flyttes til nye brugere i 2027" in text
    assert (
        "Nu (12. januar 2026 kl. 09:00): 50,0 % af rollerne har et telefonnummer (2 af 4 roller)"
        in text
    )
    assert "Ved start (5. januar 2026 kl. 09:00): 25,0 %" in text
    assert "1 rolleindehaver har fået et brugbart nummer siden første kørsel" in text
    assert "2 sager er besluttet ikke at blive rettet" in text  # carl and, by the task, dorte
    assert "0 sager er stadig åbne" in text
    # No personal data: no user id, name, e-mail or number, and not the holder's own reason.
    for secret in ("anna", "bo@", "carl", "dorte", "Navn ", "1234", "Fratræder"):
        assert secret not in text, secret


def test_cli_task_decide_and_complete_print_the_message(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    with Store.open(db) as store:
        _save(store, [holder("anna", covered=True), holder("bo")], 0)
    decided = runner.invoke(
        app, ["task", "decide", "--decision", "accept", "--reason", "Ingen budget", "--db", db]
    )
    assert decided.exit_code == 0, decided.output
    assert "Besked til KOMBIT" in decided.output and "Begrundelse: Ingen budget" in decided.output
    done = runner.invoke(app, ["task", "complete", "--db", db, "--by", "kirsten"])
    assert done.exit_code == 0, done.output
    assert "Besked til KOMBIT" in done.output
    alone = runner.invoke(app, ["task", "message", "--db", db])
    assert alone.exit_code == 0 and alone.output.startswith("Telefonnumre på roller i KLIK")


def test_a_later_run_with_new_gaps_reopens_the_task(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    with Store.open(db) as store:
        _save(store, [holder("anna", covered=True), holder("bo", covered=True)], -30)
        store.complete_task(by="kirsten")
        assert store.task_steps()[4].done_at is not None
        later = datetime.now(UTC) + timedelta(minutes=1)
        # The same people still covered: the task stays done.
        store.save_run(
            result([holder("anna", covered=True), holder("bo", covered=True)]),
            started_at=later,
            finished_at=later,
        )
        assert store.task_steps()[4].done_at is not None
        reopening = store.save_run(
            result([holder("anna", covered=True), holder("bo"), holder("ny")]),
            started_at=later + timedelta(minutes=1),
            finished_at=later + timedelta(minutes=1),
        )
        step = store.task_steps()[4]
    assert step.done_at is None
    assert f"Genåbnet af kørsel nr. {reopening}: 2 nye rolleindehavere uden nummer" in step.note
    status = runner.invoke(app, ["task", "status", "--db", db])
    assert "Genåbnet af kørsel nr." in " ".join(status.output.split())


def test_accepted_new_gaps_do_not_reopen(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    with Store.open(db) as store:
        _save(store, [holder("anna", covered=True)], -30)
        store.complete_task(by="kirsten")
        store.decide("bo", "accept", "Vikar", "kirsten")
        later = datetime.now(UTC) + timedelta(minutes=1)
        store.save_run(
            result([holder("anna", covered=True), holder("bo")]),
            started_at=later,
            finished_at=later,
        )
        assert store.task_steps()[4].done_at is not None
