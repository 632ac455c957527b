"""Issue 16.2: usage errors and help in Danish, through the real entry point.

Typer vendors click with hard-coded English; telefonspor.cli.danish replaces those words.
These tests run the installed program in a subprocess (the entry point a user runs), so a
Typer upgrade that moves the patched places fails here instead of turning English again.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import telefonspor.cli as cli
from telefonspor.cli.danish import SHORT_HELP

PROGRAM = str(Path(sys.executable).with_name("telefonspor"))
ENGLISH = ("Usage:", "Error:", "Try '", "No such", "Show this message", "Options:", "Commands:")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PROGRAM, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"COLUMNS": "100", "PATH": "/usr/bin:/bin"},
    )


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["adit"], "Fejl: Ukendt kommando »adit«. Mente du »audit«? Se 'telefonspor --help'."),
        (
            ["audit", "--ouut", "x"],
            "Fejl: Ukendt valg »--ouut« til »telefonspor audit«. Mente du »--out«? "
            "Se 'telefonspor audit --help'.",
        ),
        (
            ["audit", "x.xlsx", "--fail-under", "abc"],
            "Fejl: Værdien til »--fail-under« skal være et tal. Se 'telefonspor audit --help'.",
        ),
        (
            ["history", "delete"],
            "Fejl: Mangler argumentet KØRSEL. Se 'telefonspor history delete --help'.",
        ),
        (
            ["audit", "a.xlsx", "b.xlsx"],
            "Fejl: Uventet ekstra argument: b.xlsx. Se 'telefonspor audit --help'.",
        ),
    ],
)
def test_usage_errors_are_one_danish_line(args: list[str], line: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert result.stderr.strip() == line
    assert not any(word in result.stderr for word in ENGLISH)


@pytest.mark.parametrize("args", [["-h"], ["--help"], ["audit", "-h"], ["task", "--help"]])
def test_help_is_danish(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 0
    text = result.stdout
    assert text.startswith("Brug: telefonspor")
    assert "Vis denne hjælp og afslut." in text
    assert not any(word in text for word in ENGLISH)
    assert "<list[str]>" not in text and "<str>" not in text and "<path>" not in text


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("telefonspor ")


def test_debug_after_the_subcommand_shows_the_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "klik.json"
    broken.write_text("{}", encoding="utf-8")
    quiet = run("audit", str(broken), "--out", str(tmp_path / "r"))
    assert quiet.returncode == 2 and "Traceback" not in quiet.stderr
    loud = run("audit", str(broken), "--out", str(tmp_path / "r"), "--debug")
    assert loud.returncode == 2
    assert "Traceback" in loud.stderr


def test_every_command_has_a_short_help_that_is_never_cut() -> None:
    assert cli.WITHOUT_SHORT_HELP == []
    for path, text in SHORT_HELP.items():
        assert len(text) <= 45, path
        assert text.endswith("."), path
