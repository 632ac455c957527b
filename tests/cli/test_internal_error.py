"""A fault in telefonspor ends with exit code 70 and one Danish line; bad input with 2.

Monitoring reads exit 1 as "coverage under --fail-under", so a crash must never end
with 1 (Python's code for an uncaught exception) nor show a traceback. The real entry
point (``telefonspor.cli.main``) is run in a subprocess, so what cron sees is tested:
the process' exit code and its real stderr.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from telefonspor.cli import app
from telefonspor.cli.app import EXIT_INTERNAL

from .test_audit_cmd import ROWS, write_klik

runner = CliRunner()
#: What the injected exception carries: it must never reach the screen without --debug.
PERSONAL = "Anna Hansen 010203-1234 20304050"

_INJECT = f"""
import sys
from telefonspor import runs
from telefonspor.cli import main

def boom(*args, **kwargs):
    raise ValueError({PERSONAL!r})

runs.audit_files = boom
main()
"""


def run_cli(*args: str, inject: bool = False) -> subprocess.CompletedProcess[str]:
    code = _INJECT if inject else "from telefonspor.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        env={"COLUMNS": "80", "PATH": "/usr/bin:/bin", "HOME": str(Path.home())},
    )


def test_unexpected_exception_exits_70_with_one_danish_line(tmp_path: Path) -> None:
    klik = write_klik(tmp_path / "klik.xlsx", ROWS)
    done = run_cli("audit", str(klik), "--out", str(tmp_path / "ud"), inject=True)
    assert done.returncode == EXIT_INTERNAL == 70
    lines = done.stderr.strip().splitlines()
    assert lines == [
        "Fejl: Intern fejl i telefonspor (ValueError). Kør kommandoen igen med "
        "'telefonspor --debug ...' for at se detaljerne, og send dem til jeres leverandør."
    ]
    assert "Traceback" not in done.stderr + done.stdout
    assert "010203" not in done.stderr + done.stdout and "Anna" not in done.stderr


def test_debug_shows_the_traceback_and_keeps_exit_70(tmp_path: Path) -> None:
    klik = write_klik(tmp_path / "klik.xlsx", ROWS)
    done = run_cli("--debug", "audit", str(klik), "--out", str(tmp_path / "ud"), inject=True)
    assert done.returncode == EXIT_INTERNAL
    assert "Traceback (most recent call last)" in done.stderr
    assert f"ValueError: {PERSONAL}" in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("Fejl: Intern fejl i telefonspor")


def test_input_error_with_debug_shows_the_traceback_and_keeps_exit_2(tmp_path: Path) -> None:
    done = run_cli("--debug", "audit", str(tmp_path / "findes-ikke.xlsx"))
    assert done.returncode == 2
    assert "Traceback (most recent call last)" in done.stderr
    assert "InputError" in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("Fejl: ")


def test_exception_outside_a_command_is_also_70(monkeypatch: pytest.MonkeyPatch) -> None:
    import telefonspor.cli as cli_package

    def broken_app() -> None:
        raise RuntimeError(PERSONAL)

    monkeypatch.setattr(cli_package, "app", broken_app)
    monkeypatch.setattr(sys, "argv", ["telefonspor", "audit"])
    with pytest.raises(SystemExit) as caught:
        cli_package.main()
    assert caught.value.code == EXIT_INTERNAL


def test_bad_encoding_declaration_in_opus_xml_exits_2_naming_the_file(tmp_path: Path) -> None:
    """The crash `make test` found: encoding="UUF-8" raised LookupError with a traceback."""
    klik = write_klik(tmp_path / "klik.xlsx", ROWS)
    opus = tmp_path / "opus.xml"
    opus.write_bytes(b'<?xml version="1.0" encoding="UUF-8"?><kmd><employee id="1"/></kmd>')
    done = run_cli("audit", str(klik), "--source", f"opus={opus}", "--out", str(tmp_path / "ud"))
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("Fejl: ") and "opus.xml" in line and '"UUF-8"' in line
    assert "Traceback" not in done.stderr


def test_deep_opus_xml_exits_2(tmp_path: Path) -> None:
    klik = write_klik(tmp_path / "klik.xlsx", ROWS)
    opus = tmp_path / "dyb.xml"
    opus.write_text("<kmd>" + "<a>" * 1_000 + "</a>" * 1_000 + "</kmd>", encoding="utf-8")
    done = runner.invoke(
        app, ["audit", str(klik), "--source", f"opus={opus}", "--out", str(tmp_path / "ud")]
    )
    assert done.exit_code == 2, done.output
    assert "dyb.xml" in done.stderr and "indlejret" in done.stderr
    assert "Traceback" not in done.output


def _huge(doc: dict[str, object], field: str) -> str:
    """``doc`` as JSON with ``field`` set to a 5,000-digit integer (over Python's 4,300)."""
    text = json.dumps({**doc, field: "MARK"})
    return text.replace('"MARK"', "9" * 5_000)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["fix", "{path}", "--out", "{out}"], id="fix"),
        pytest.param(["statement", "{path}", "--out", "-"], id="statement"),
        pytest.param(["national", "{path}", "--out", "{out}"], id="national"),
    ],
)
def test_huge_number_in_json_exits_2_naming_the_file(tmp_path: Path, args: list[str]) -> None:
    path = tmp_path / "resultat.json"
    path.write_text(
        _huge({"schema": "telefonspor/audit/v1", "holders": []}, "generated_at"), "utf-8"
    )
    filled = [a.format(path=path, out=tmp_path / "ud") for a in args]
    done = runner.invoke(app, filled)
    assert done.exit_code == 2, done.output
    assert "resultat.json" in done.stderr and "4.300 cifre" in done.stderr
    assert "Traceback" not in done.output


def test_infinite_row_number_in_resultat_json_exits_2(tmp_path: Path) -> None:
    """Found by the value-swapping property: int(1e999) raised OverflowError."""
    path = tmp_path / "resultat.json"
    path.write_text(
        '{"schema": "telefonspor/audit/v1", "holders": [{"user_id": "anha", "row": 1e999}]}',
        encoding="utf-8",
    )
    done = runner.invoke(app, ["fix", str(path), "--out", str(tmp_path / "ud")])
    assert done.exit_code == 2, done.output
    assert "resultat.json" in done.stderr and "rolleindehaver nr. 1" in done.stderr


def test_deeply_nested_statement_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "erklaering.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    done = runner.invoke(app, ["national", str(path), "--out", str(tmp_path / "ud")])
    assert done.exit_code == 2, done.output
    assert "erklaering.json" in done.stderr and "indlejret for dybt" in done.stderr


def test_count_beyond_float_range_in_a_statement_exits_2(tmp_path: Path) -> None:
    """Found by the value-swapping property: 400 digits parse, but the percentage of them
    raised OverflowError (int too large to convert to float)."""
    path = tmp_path / "erklaering.json"
    doc = {
        "schema": "telefonspor/statement/v1",
        "municipality": {"code": "101", "name": "København"},
        "date": "2024-05-02",
        "roles": 3,
        "roles_covered": 2,
        "role_holders": 3,
        "covered_holders": 2,
    }
    path.write_text(_huge(doc, "roles").replace("9" * 5_000, "9" * 400), encoding="utf-8")
    done = runner.invoke(app, ["national", str(path), "--out", str(tmp_path / "ud")])
    assert done.exit_code == 2, done.output
    assert "erklaering.json" in done.stderr and "Feltet 'roles'" in done.stderr
    assert len(done.stderr) < 400  # the 400 digits are not echoed back


def test_statement_of_a_superscript_run_number_is_input_error(tmp_path: Path) -> None:
    """'²'.isdigit() is True, so '²' was taken for a run number and int('²') raised."""
    args = ["statement", "²", "--municipality", "101", "--db", f"sqlite:///{tmp_path / 'h.db'}"]
    done = runner.invoke(app, args)
    assert done.exit_code == 2, done.output
    assert "Traceback" not in done.output


def test_closed_stdout_is_not_an_internal_fault(tmp_path: Path) -> None:
    """`telefonspor ... --out - | head`: the reader closing the pipe ends quietly with 141."""
    result = tmp_path / "resultat.json"
    result.write_text(
        json.dumps(
            {
                "schema": "telefonspor/audit/v1",
                "generated_at": "2024-05-02T08:30:00+00:00",
                "summary": {
                    "roles": 3,
                    "roles_covered": 2,
                    "role_holders": 3,
                    "covered_holders": 2,
                },
                "holders": [],
            }
        ),
        encoding="utf-8",
    )
    code = (
        "import sys\n"
        "from telefonspor.cli import main\n"
        "def closed(text): raise BrokenPipeError(32, 'Broken pipe')\n"
        "sys.stdout.write = closed\n"
        "main()\n"
    )
    args = ["statement", str(result), "--municipality", "101", "--out", "-"]
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 141, done.stderr
    assert "Intern fejl" not in done.stderr and "Traceback" not in done.stderr
