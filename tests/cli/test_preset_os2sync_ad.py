"""`[chain] preset = "os2sync-ad"` through the real CLI: files as users make them, and the demo."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import xlsxwriter
from typer.testing import CliRunner

from telefonspor.cli import app

runner = CliRunner()

GUIDS = {
    "anha": "5c7e1d2a-0000-4000-8000-000000000001",
    "boor": "5c7e1d2a-0000-4000-8000-000000000002",
    "caae": "5c7e1d2a-0000-4000-8000-000000000003",
    "dobr": "5c7e1d2a-0000-4000-8000-000000000004",
    "evje": "5c7e1d2a-0000-4000-8000-000000000005",
}


def write_chain(tmp_path: Path, preset: str = "os2sync-ad") -> tuple[Path, Path]:
    """KLIK (Excel), AD (PowerShell Export-Csv), FK-ORG (`;` CSV with BOM) and kaede.toml."""
    klik = tmp_path / "klik.xlsx"
    book = xlsxwriter.Workbook(str(klik))
    sheet = book.add_worksheet("Brugere")
    sheet.write_row(
        0, 0, ["Navn", "Brugernavn", "E-mail", "Direkte nummer", "Mobil nummer", "Roller"]
    )
    rows = [
        ["Anna Hansen", "anha", "anha@k.dk", "", 33663301, "Lokal administrator"],
        ["Bo Ørsted", "boor", "boor@k.dk", "", "", "Sikkerhedsansvarlig"],
        ["Carl Ærø", "caae", "caae@k.dk", "", "", "KLIK-administrator"],
        ["Dorthe O'Brien", "dobr", "dobr@k.dk", "", "", "Supportberettiget"],
        ["Eva Jensen", "evje", "evje@k.dk", "", "", "Lokal administrator"],
    ]  # fmt: skip
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, row)
    book.close()
    ad = tmp_path / "ad.csv"
    with ad.open("w", encoding="utf-8-sig", newline="") as fh:
        fh.write("#TYPE Microsoft.ActiveDirectory.Management.ADUser\r\n")
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(
            ["SamAccountName", "ObjectGUID", "Enabled", "telephoneNumber", "mobile", "ipPhone"]
        )
        writer.writerows(
            [
                ["anha", GUIDS["anha"], "True", "33 66 33 01", "", ""],
                ["boor", GUIDS["boor"], "True", "", "20 30 40 02", ""],  # only in mobile
                ["caae", GUIDS["caae"], "True", "", "", "33 44 55 03"],  # only in ipPhone
                ["dobr", GUIDS["dobr"], "False", "33 66 33 04", "", ""],  # disabled
                ["evje", GUIDS["evje"], "True", "", "", "4417"],  # nothing usable
            ]
        )  # fmt: skip
    fkorg = tmp_path / "fkorg.csv"
    with fkorg.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\n")
        writer.writerow(["brugernavn", "uuid", "FastnetTelefon", "Telefon"])
        for user in ("anha", "boor", "caae", "evje"):  # dobr was removed (disabled)
            writer.writerow([user, GUIDS[user], "", "33 66 33 01" if user == "anha" else ""])
    config = tmp_path / "kaede.toml"
    config.write_text(
        f'[chain]\npreset = "{preset}"\n\n'
        '[[source]]\nkind = "ad"\npath = "ad.csv"\n\n'
        '[[source]]\nkind = "fkorg"\npath = "fkorg.csv"\n',
        encoding="utf-8",
    )
    return klik, config


def test_audit_with_the_preset_names_the_os2sync_ad_causes(tmp_path: Path) -> None:
    klik, config = write_chain(tmp_path)
    result = runner.invoke(
        app,
        ["audit", str(klik), "--config", str(config), "--out", str(tmp_path / "r"), "--json", "-"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    got = {h["user_id"]: (h["covered"], h["cause"], h["responsible"]) for h in data["holders"]}
    assert got == {
        "anha": (True, None, ""),
        "boor": (False, "lost_local_to_fkorg", "hr"),
        "caae": (False, "lost_local_to_fkorg", "hr"),
        "dobr": (False, "lost_local_to_fkorg", "hr"),
        "evje": (False, "missing_in_source", "employee"),
    }
    details = {h["user_id"]: h["cause_detail"] for h in data["holders"]}
    assert "20 30 40 02 i mobile" in details["boor"]
    assert "aldrig et Direkte nummer" in details["caae"]
    assert "spærret" in details["dobr"]
    assert "intet nummer i telephoneNumber" in details["evje"]
    # AD stands where the local organisation system would, and sends Mobil nummer only.
    trace = {h["user_id"]: h["trace"]["ad"] for h in data["holders"]}
    assert (trace["anha"]["position"], trace["anha"]["sent_mobile"]) == ("local", "33 66 33 01")
    assert (trace["boor"]["mobile"], trace["boor"]["sent_mobile"]) == ("20 30 40 02", "")
    assert (trace["caae"]["direct"], trace["caae"]["sent_direct"]) == ("33 44 55 03", "")


def test_without_the_preset_the_same_chain_reads_ad_as_a_plain_source(tmp_path: Path) -> None:
    klik, config = write_chain(tmp_path)
    config.write_text(config.read_text(encoding="utf-8").replace('preset = "os2sync-ad"', ""))
    result = runner.invoke(
        app,
        ["audit", str(klik), "--config", str(config), "--out", str(tmp_path / "r"), "--json", "-"],
    )
    assert result.exit_code == 0, result.output
    causes = {h["user_id"]: h["cause"] for h in json.loads(result.stdout)["holders"]}
    assert causes["boor"] == "lost_before_fkorg"  # no local system: place unknown
    assert causes["dobr"] == "legacy_klik_user"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('preset = "os2sync-ad"', 'preset = "ad-direkte"'), '"os2sync-ad"'),
        (
            ('path = "fkorg.csv"', 'path = "fkorg.csv"\n\n[[source]]\nkind = "os2sofd"\npath = "ad.csv"'),
            "uden lokal organisationsløsning",
        ),
    ],
)  # fmt: skip
def test_a_bad_preset_is_one_danish_line_and_exit_2(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    klik, config = write_chain(tmp_path)
    config.write_text(config.read_text(encoding="utf-8").replace(*change), encoding="utf-8")
    result = runner.invoke(
        app, ["audit", str(klik), "--config", str(config), "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_demo_builds_and_audits_the_os2sync_ad_variant(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = runner.invoke(
        app,
        ["demo", "--out", str(out), "--holders", "200", "--users", "800", "--preset", "os2sync-ad"],
    )
    assert result.exit_code == 0, result.output
    assert 'preset = "os2sync-ad"' in (out / "data" / "kaede.toml").read_text(encoding="utf-8")
    assert not list((out / "data").glob("sofd*")) and not list((out / "data").glob("os2mo*"))
    data = json.loads((out / "rapport" / "resultat.json").read_text(encoding="utf-8"))
    rules = {h["rule"] for h in data["holders"] if not h["covered"]}
    assert {"os2sync_ad.not_phone_attribute", "os2sync_ad.missing", "klik.legacy_user"} <= rules
    # Direkte nummer never arrives in an OS2sync-AD chain (only junk typed into KLIK by hand).
    assert not any(h["direct"]["usable"] for h in data["holders"])
    assert not any(t["sent_direct"] for h in data["holders"] for t in h["trace"].values())
    assert "OS2sync-AD-kæde" in result.output


def test_demo_refuses_an_unknown_preset(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--out", str(tmp_path / "d"), "--preset", "os2sofd-ad"])
    assert result.exit_code == 2
    assert "os2sync-ad" in result.stderr


def test_fix_files_move_numbers_into_the_attribute_os2sync_ad_sends(tmp_path: Path) -> None:
    """A number in mobile or ipPhone is written to telephoneNumber (-OfficePhone), the one
    field OS2sync-AD sends; nothing is planned for Direkte nummer."""
    from telefonspor.cli import fix_cmd  # noqa: F401  (registers the command)

    klik, config = write_chain(tmp_path)
    audit = runner.invoke(
        app, ["audit", str(klik), "--config", str(config), "--out", str(tmp_path / "r")]
    )
    assert audit.exit_code == 0, audit.output
    out = tmp_path / "ud"
    run = runner.invoke(
        app,
        ["fix", str(tmp_path / "r" / "resultat.json"), "--config", str(config), "--out", str(out)],
    )
    assert run.exit_code == 0, run.output
    script = (out / "ad-rettelser.ps1").read_text("utf-8-sig")
    sets = [line for line in script.splitlines() if line.startswith("Set-ADUser")]
    assert sets == [
        "Set-ADUser -Identity 'boor' -OfficePhone '+4520304002' -WhatIf:(-not $Udfoer)",
        "Set-ADUser -Identity 'caae' -OfficePhone '+4533445503' -WhatIf:(-not $Udfoer)",
    ]
    assert "OS2sync-AD ikke sender" in script
