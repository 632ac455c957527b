"""Issue 16.1/16.5: printed commands name the program as the user called it, so they run as
printed (after `make demo` telefonspor is `.venv/bin/telefonspor`, not on PATH)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from telefonspor.hints import command, program


def test_program_not_on_path_is_named_by_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exe = tmp_path / ".venv" / "bin" / "telefonspor"
    exe.parent.mkdir(parents=True)
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", "/usr/bin")
    assert program(".venv/bin/telefonspor") == ".venv/bin/telefonspor"
    monkeypatch.setenv("PATH", f"{exe.parent}{os.pathsep}/usr/bin")
    assert program(str(exe)) == "telefonspor"


def test_program_as_module_and_fallback() -> None:
    assert program("/x/src/telefonspor/__main__.py") == "python -m telefonspor"
    assert program("/usr/bin/pytest") == "telefonspor"


def test_command_keeps_db_and_config_and_quotes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.argv", ["pytest"])
    line = command("users", "add", "NAVN", db="sqlite:///mit sted/t.db", config=Path("kæde.toml"))
    assert line == (
        "telefonspor users add NAVN --config 'kæde.toml' --db 'sqlite:///mit sted/t.db'"
    )
