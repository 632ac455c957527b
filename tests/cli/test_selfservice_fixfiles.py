"""Without a live AD or OS2sofd in the chain, approved numbers become the usual fix files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from fixfiles.conftest import make_result
from telefonspor.cli import app
from telefonspor.reports.jsonout import write_json
from telefonspor.selfservice.links import source_numbers
from telefonspor.selfservice.review import approve
from telefonspor.store import Store


def test_apply_writes_fix_files_for_the_approved_holders_only(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    result = make_result()
    report = tmp_path / "rapport"
    report.mkdir()
    write_json(result, report / "resultat.json")
    mette = next(h for h in result.holders if h.user_id == "mette")
    with Store.open(db) as store:
        now = datetime.now(UTC)
        run_id = store.save_run(result, started_at=now, finished_at=now, report_dir=str(report))
        service = store.selfservice()
        token = service.issue(
            user_id="mette",
            run_id=run_id,
            name=mette.name,
            roles=mette.roles,
            before=source_numbers(mette),
            days=14,
        )
        link = service.link(token)
        assert link is not None
        sub = service.submit(link, direct="33664455")
        approve(store, sub.id, "anna")
    runner = CliRunner()
    dry = runner.invoke(app, ["selvbetjening", "apply", "--db", db])
    assert dry.exit_code == 0, dry.output
    assert "fixfiles" in dry.output and not (tmp_path / "ud").exists()
    out = tmp_path / "ud"
    real = runner.invoke(app, ["selvbetjening", "apply", "--apply", "--out", str(out), "--db", db])
    assert real.exit_code == 0, real.output
    script = (out / "ad-rettelser.ps1").read_text(encoding="utf-8-sig")
    assert "mette" in script and "+4533664455" in script.replace(" ", "")
    assert "søren" not in script and "o'brien" not in script.lower()  # only the approved holder
    with Store.open(db) as store:
        after = store.selfservice().submission(sub.id)
        [logged] = store.selfservice().writes()
    assert after.status == "applied" and not after.holds_numbers
    assert (logged.target, logged.outcome, logged.new_masked) == (
        "fixfiles",
        "fix_file",
        "••••••55",
    )
