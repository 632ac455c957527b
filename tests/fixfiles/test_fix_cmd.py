"""`telefonspor fix` through the CLI, on a saved resultat.json."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from telefonspor.cli import fix_cmd  # noqa: F401  (registers the command)
from telefonspor.cli.app import app
from telefonspor.model import AuditResult
from telefonspor.reports.jsonout import write_json


def test_fix_from_result_json(tmp_path: Path, result: AuditResult) -> None:
    write_json(result, tmp_path / "resultat.json")
    corrections = tmp_path / "rettelser.csv"
    corrections.write_text("brugernavn;direkte;mobil\nbo;33 66 33 66;\n", encoding="utf-8")
    ad_export = tmp_path / "ad.csv"
    ad_export.write_text('"SamAccountName";"DistinguishedName"\n"bo";"CN=Bo,DC=k,DC=dk"\n', "utf-8")
    out = tmp_path / "ud"
    run = CliRunner().invoke(
        app,
        [
            "fix",
            str(tmp_path / "resultat.json"),
            "--out",
            str(out),
            "--corrections",
            str(corrections),
            "--ad-export",
            str(ad_export),
        ],
    )
    assert run.exit_code == 0, run.output
    assert "Skrevet:" in run.output and "-Udfoer" in run.output
    script = (out / "ad-rettelser.ps1").read_text("utf-8-sig")
    assert "Set-ADUser -Identity 'bo' -OfficePhone '+4533663366' -WhatIf:(-not $Udfoer)" in script
    assert "dn: CN=Bo,DC=k,DC=dk\nchangetype: modify\nreplace: telephoneNumber\n" in (
        out / "ad-rettelser.ldif"
    ).read_text("utf-8")


def test_fix_bad_corrections_is_one_red_line(tmp_path: Path, result: AuditResult) -> None:
    write_json(result, tmp_path / "resultat.json")
    corrections = tmp_path / "rettelser.csv"
    corrections.write_text("brugernavn;mobil\nbo;123\n", encoding="utf-8")
    run = CliRunner().invoke(
        app,
        [
            "fix",
            str(tmp_path / "resultat.json"),
            "--out",
            str(tmp_path / "ud"),
            "--corrections",
            str(corrections),
        ],
    )
    assert run.exit_code == 2
    assert "række 2, kolonne B" in run.output and "Traceback" not in run.output
