"""`telefonspor selvbetjening` and the demo's pending submissions, through the real CLI."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from telefonspor.cli import app
from telefonspor.store import Store

runner = CliRunner()


def test_demo_has_pending_submissions_to_list_approve_and_reject(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'historik.db'}"
    demo = runner.invoke(
        app,
        ["demo", "--out", str(tmp_path / "demo"), "--holders", "200", "--users", "800", "--db", db],
    )
    assert demo.exit_code == 0, demo.output
    listed = runner.invoke(app, ["selvbetjening", "list", "--db", db])
    assert listed.exit_code == 0, listed.output
    flat = " ".join(listed.output.split())
    assert flat.count("Venter") == 3
    assert "••••••01" in flat and "••••••02" in flat and "nattevagt" in flat
    assert "33664101" not in flat and "20414102" not in flat

    with Store.open(db) as store:
        subs = store.selfservice().submissions()
    no_number = next(s for s in subs if s.kind == "no_number")
    number = next(s for s in subs if s.kind == "number")
    approved = runner.invoke(
        app, ["selvbetjening", "approve", str(no_number.id), "--by", "anna", "--db", db]
    )
    assert approved.exit_code == 0, approved.output
    assert "accept gemt som beslutning" in approved.output
    rejected = runner.invoke(
        app,
        ["selvbetjening", "reject", str(number.id), "--reason", "Forkert nummer", "--db", db],
    )
    assert "nummeret er slettet" in rejected.output
    again = runner.invoke(app, ["selvbetjening", "approve", str(number.id), "--db", db])
    assert again.exit_code == 2 and "venter ikke" in again.output
    unknown = runner.invoke(app, ["selvbetjening", "approve", "999", "--db", db])
    assert unknown.exit_code == 2 and "findes ikke" in unknown.output
    with Store.open(db) as store:
        decision = store.decisions()[no_number.user_id]
        after = store.selfservice().submission(number.id)
    assert decision.decision == "accept" and "nattevagt" in decision.reason
    assert after.status == "rejected" and not after.holds_numbers and after.note == "Forkert nummer"
    remaining = runner.invoke(app, ["selvbetjening", "list", "--db", db])
    assert " ".join(remaining.output.split()).count("Venter") == 1


def test_revoke_and_nothing_to_apply(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    with Store.open(db) as store:
        store.selfservice().issue(
            user_id="mette", run_id=1, name="Mette", roles=("R",), before={}, days=14
        )
    revoked = runner.invoke(app, ["selvbetjening", "revoke", "mette", "--db", db])
    assert revoked.exit_code == 0 and "1 link(s) trukket tilbage for mette" in revoked.output
    nothing = runner.invoke(app, ["selvbetjening", "apply", "--db", db])
    assert nothing.exit_code == 0 and "Ingen godkendte numre" in nothing.output
