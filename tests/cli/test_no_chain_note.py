"""Issue 16.6: without the chain every holder is "undetermined"; the terminal, the HTML report
and the web app say plainly that causes need the chain and how to add it."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from telefonspor.cli import app
from telefonspor.texts import NO_CHAIN_TITLE

from .test_audit_cmd import ROWS, write_klik

runner = CliRunner()


def test_klik_only_run_says_causes_need_the_chain(tmp_path: Path) -> None:
    klik = write_klik(tmp_path / "klik.xlsx", ROWS)
    out = tmp_path / "r"
    result = runner.invoke(app, ["audit", str(klik), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert NO_CHAIN_TITLE in result.output
    assert "--config kaede.toml" in result.output
    html = (out / "rapport.html").read_text(encoding="utf-8")
    assert NO_CHAIN_TITLE in html and "--source fkorg=fkorg.csv" in html


def test_no_note_when_everyone_has_a_number(tmp_path: Path) -> None:
    covered = [r for r in ROWS if r[3] == 33663366 or r[4]]
    klik = write_klik(tmp_path / "klik.xlsx", covered)
    result = runner.invoke(app, ["audit", str(klik), "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert NO_CHAIN_TITLE not in result.output


def test_no_note_with_a_chain(tmp_path: Path) -> None:
    from telefonspor.sample import generate_chain

    chain = generate_chain(tmp_path / "data", holders=60, users=200, seed=3)
    out = tmp_path / "r"
    result = runner.invoke(
        app, ["audit", str(chain.klik), "--config", str(chain.config), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert NO_CHAIN_TITLE not in result.output
    assert NO_CHAIN_TITLE not in (out / "rapport.html").read_text(encoding="utf-8")
