"""`telefonspor audit` and `telefonspor whatif` end to end through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import xlsxwriter
from typer.testing import CliRunner

from telefonspor.cli import app

runner = CliRunner()


def write_klik(path: Path, rows: list[list[object]]) -> Path:
    """A KLIK export as Excel writes it: a title row, then headers; numbers as Excel numbers."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Brugere")
    sheet.write_row(0, 0, ["Brugere i KLIK"])
    sheet.write_row(
        2, 0, ["Navn", "Brugernavn", "E-mail", "Direkte nummer", "Mobil nummer", "Roller", "Enhed"]
    )
    for i, row in enumerate(rows, start=3):
        sheet.write_row(i, 0, row)
    book.close()
    return path


ROWS: list[list[object]] = [
    [
        "Anna Hansen",
        "anha",
        "anha@k.dk",
        33663366,
        "",
        "Lokal administrator; Sikkerhedsansvarlig",
        "IT",
    ],
    ["Bo Ørsted", "boor", "boor@k.dk", "", "+45 20 30 40 50", "Supportberettiget", "IT"],
    ["Carl Ærø", "caae", "caae@k.dk", "", "", "KLIK-administrator", "HR"],
    ["Dorthe O'Brien", "dobr", "dobr@k.dk", "4417", "", "Lokal administrator", "HR"],
    ["Uden Rolle", "udro", "udro@k.dk", "", "", "", "HR"],
]


@pytest.fixture
def klik(tmp_path: Path) -> Path:
    return write_klik(tmp_path / "klik.xlsx", ROWS)


def test_audit_writes_three_reports(tmp_path: Path, klik: Path) -> None:
    out = tmp_path / "rapport"
    result = runner.invoke(app, ["audit", str(klik), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "rapport.html",
        "rapport.xlsx",
        "resultat.json",
    ]
    data = json.loads((out / "resultat.json").read_text(encoding="utf-8"))
    assert data["schema"] == "telefonspor/audit/v1"
    s = data["summary"]
    assert (s["role_holders"], s["roles"], s["covered_holders"], s["roles_covered"]) == (4, 5, 2, 3)
    assert s["coverage_pct"] == 60.0
    assert "Roller i KLIK: 5" in result.output
    assert "(60,0 %)" in result.output


def test_json_to_stdout_keeps_humans_on_stderr(tmp_path: Path, klik: Path) -> None:
    result = runner.invoke(app, ["audit", str(klik), "--out", str(tmp_path / "r"), "--json", "-"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [h["user_id"] for h in data["holders"] if not h["covered"]] == ["caae", "dobr"]
    assert "Roller i KLIK" in result.stderr


def test_fail_under_exits_1(tmp_path: Path, klik: Path) -> None:
    result = runner.invoke(
        app, ["audit", str(klik), "--out", str(tmp_path / "r"), "--fail-under", "95", "-q"]
    )
    assert result.exit_code == 1
    assert "under grænsen på 95 %" in result.stderr
    assert "Roller i KLIK" not in result.stdout


def test_fail_under_passes(tmp_path: Path, klik: Path) -> None:
    result = runner.invoke(
        app, ["audit", str(klik), "--out", str(tmp_path / "r"), "--fail-under", "50"]
    )
    assert result.exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["audit", "findes-ikke.xlsx"], "findes-ikke.xlsx"),
        (["audit", "{klik}", "--map", "telefon=Tlf"], "FELT"),
        (["audit", "{klik}", "--set", "whatif.klik_refreshed=true"], "kun til afprøvning"),
        (["audit", "{klik}", "--set", "audit.shared_threshold=tre"], "heltal"),
        (["audit", "{klik}", "--source", "sap=x.csv"], "ukendt kildetype"),
        (["audit", "{klik}", "--source", "ad=mangler.csv"], "mangler.csv"),
        (["audit", "{klik}", "--config", "nej.toml"], "findes ikke"),
    ],
)
def test_bad_input_is_one_danish_line_and_exit_2(
    tmp_path: Path, klik: Path, args: list[str], message: str
) -> None:
    args = [a.replace("{klik}", str(klik)) for a in args]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "r")])
    assert result.exit_code == 2, result.output
    assert "Fejl:" in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "r").exists()


def test_chain_from_config_names_causes(tmp_path: Path) -> None:
    from telefonspor.sample import generate_chain

    chain = generate_chain(tmp_path / "data", holders=120, users=400, seed=3)
    out = tmp_path / "r"
    result = runner.invoke(
        app, ["audit", str(chain.klik), "--config", str(chain.config), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads((out / "resultat.json").read_text(encoding="utf-8"))
    causes = {h["cause"] for h in data["holders"] if not h["covered"]}
    assert "legacy_klik_user" in causes
    assert len(causes) >= 4
    assert all(h["responsible"] for h in data["holders"] if not h["covered"])


def test_whatif_gain_matches_the_systemic_finding(tmp_path: Path) -> None:
    from telefonspor.sample import generate_chain

    chain = generate_chain(tmp_path / "data", holders=150, users=500, seed=5)
    out = tmp_path / "r"
    audit = runner.invoke(
        app, ["audit", str(chain.klik), "--config", str(chain.config), "--out", str(out)]
    )
    assert audit.exit_code == 0, audit.output
    systemic = json.loads((out / "resultat.json").read_text(encoding="utf-8"))["systemic"]
    assert systemic, "the sample chain has systemic faults"
    # Groups of holders (the old KLIK users) rank beside the settings but replay nothing.
    top = next(s for s in systemic if s["setting"])
    args = ["whatif", str(chain.klik), "--config", str(chain.config), "--json", "-"]
    for assignment in top["setting"].split(" "):
        args += ["--set", assignment]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["roles_gained"] == top["roles_gained"]
    assert data["after"]["roles_covered"] - data["before"]["roles_covered"] == top["roles_gained"]


def test_whatif_needs_a_change(klik: Path) -> None:
    result = runner.invoke(app, ["whatif", str(klik)])
    assert result.exit_code == 2
    assert "--set" in result.stderr


def test_klik_export_from_config_for_scheduled_runs(tmp_path: Path, klik: Path) -> None:
    config = tmp_path / "kaede.toml"
    config.write_text('[klik]\npath = "klik.xlsx"\n', encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'h.db'}"
    args = [
        "audit",
        "--config",
        str(config),
        "--out",
        str(tmp_path / "r"),
        "--save",
        "--db",
        db,
        "-q",
    ]
    result = runner.invoke(app, [*args, "--fail-under", "95"])
    assert result.exit_code == 1
    assert result.stdout == ""
    history = runner.invoke(app, ["history", "--json", "--db", db])
    assert history.exit_code == 0, history.output
    runs = json.loads(history.stdout)
    assert [r["roles_covered"] for r in runs] == [3]


def test_audit_without_export_or_config_path() -> None:
    result = runner.invoke(app, ["audit"])
    assert result.exit_code == 2
    assert "Angiv KLIK-eksporten" in result.stderr
