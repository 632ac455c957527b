"""The README is generated and complete: every command, code and setting is documented."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import typer

from telefonspor.cli import app
from telefonspor.model import CAUSE_CODES, FINDING_CODES
from telefonspor.settings import SETTINGS
from telefonspor.texts import CAUSE_EXPLANATIONS, CAUSE_LABELS, FINDING_EXPLANATIONS, FINDING_LABELS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _build_readme() -> str:
    spec = importlib.util.spec_from_file_location(
        "build_readme", ROOT / "scripts" / "build_readme.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text: str = module.build()
    return text


def test_readme_is_generated_from_its_sections() -> None:
    assert _build_readme() == README, "run: .venv/bin/python scripts/build_readme.py"


def test_readme_starts_with_the_two_commands() -> None:
    head = "\n".join(README.splitlines()[:8])
    assert "make demo" in head
    assert "make test" in head


def _commands(group: Any, prefix: str = "") -> list[str]:
    out = []
    for name, command in group.commands.items():
        full = f"{prefix}{name}"
        if hasattr(command, "commands"):  # a command group (typer may bring its own click)
            out.extend(_commands(command, full + " "))
        else:
            out.append(full)
    return out


def test_every_command_is_documented() -> None:
    group: Any = typer.main.get_command(app)
    commands = _commands(group)
    assert "audit" in commands
    missing = [c for c in commands if f"telefonspor {c}" not in README]
    assert missing == []


def test_every_command_has_danish_help() -> None:
    group: Any = typer.main.get_command(app)
    for name, command in group.commands.items():
        assert command.help, name


def test_every_code_is_explained() -> None:
    for code in FINDING_CODES:
        assert FINDING_LABELS[code]
        assert FINDING_EXPLANATIONS[code]
        assert f"`{code}`" in README, code
    for code in CAUSE_CODES:
        assert CAUSE_LABELS[code]
        assert CAUSE_EXPLANATIONS[code]
        assert f"`{code}`" in README, code


def test_every_setting_is_documented() -> None:
    for spec in SETTINGS:
        assert f"`{spec.key}`" in README, spec.key
