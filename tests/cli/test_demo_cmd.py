"""`telefonspor demo`: sample data, a full audit, a saved run and where to look."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from telefonspor.cli import app

runner = CliRunner()


def test_demo_audits_a_full_sample_chain(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    db = f"sqlite:///{tmp_path / 'historik.db'}"
    result = runner.invoke(
        app, ["demo", "--out", str(out), "--holders", "200", "--users", "800", "--db", db]
    )
    assert result.exit_code == 0, result.output
    report = out / "rapport"
    # The saved run's fix files sit beside its reports, as for a run started in the web app.
    assert {p.name for p in report.iterdir()} == {
        "rapport.xlsx",
        "rapport.html",
        "resultat.json",
        "rettelser",
    }
    assert (report / "rettelser" / "ad-rettelser.ps1").is_file()
    data = json.loads((report / "resultat.json").read_text(encoding="utf-8"))
    causes = set(data["summary"]["causes"])
    assert {"legacy_klik_user", "missing_in_source", "lost_local_to_fkorg"} <= causes
    assert "rapport.html" in result.output
    flat = " ".join(result.output.split())
    assert f"telefonspor serve --config {out / 'data' / 'kaede.toml'} --db {db}" in flat
    assert f"Demo-kørslen er gemt som kørsel nr. 1 i {db}" in flat
    assert f"telefonspor history delete 1 --db {db}" in flat
    history = runner.invoke(app, ["history", "--json", "--db", db])
    assert len(json.loads(history.stdout)) == 1


def test_demo_uses_the_default_database(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Issue 16.4: without --db the demo saves where audit --save and serve look by default."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    monkeypatch.delenv("TELEFONSPOR_STORE_DB", raising=False)
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out), "--holders", "60", "--users", "200"])
    assert result.exit_code == 0, result.output
    default = tmp_path / "data-home" / "telefonspor" / "telefonspor.db"
    assert default.is_file()
    assert not (out / "telefonspor.db").exists()
    history = runner.invoke(app, ["history", "--json"])
    assert [r["id"] for r in json.loads(history.stdout)] == [1]
