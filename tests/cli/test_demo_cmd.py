"""`telefonspor demo`: sample data, a full audit, a saved run and where to look."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from telefonspor.cli import app

runner = CliRunner()


def test_demo_audits_a_full_sample_chain(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out), "--holders", "200", "--users", "800"])
    assert result.exit_code == 0, result.output
    report = out / "rapport"
    assert {p.name for p in report.iterdir()} == {"rapport.xlsx", "rapport.html", "resultat.json"}
    data = json.loads((report / "resultat.json").read_text(encoding="utf-8"))
    causes = set(data["summary"]["causes"])
    assert {"legacy_klik_user", "missing_in_source", "lost_local_to_fkorg"} <= causes
    assert "rapport.html" in result.output
    assert "telefonspor serve --db sqlite:///" in result.output
    history = runner.invoke(
        app, ["history", "--json", "--db", f"sqlite:///{out / 'telefonspor.db'}"]
    )
    assert len(json.loads(history.stdout)) == 1
