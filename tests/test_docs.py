"""The documentation is complete and current.

README.md is one screen generated from the site's front page, its commands exist and its links
resolve; the site's reference pages (scripts/docs_site.py) cover every command, code, setting and
connector option; the performance page comes from bench/result.json. The strict MkDocs build
itself runs in tests/test_docs_site.py.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import typer

from telefonspor.cli import app
from telefonspor.model import CAUSE_CODES, FINDING_CODES, PARTY_CODES
from telefonspor.settings import SETTINGS
from telefonspor.texts import CAUSE_EXPLANATIONS, CAUSE_LABELS, FINDING_EXPLANATIONS, FINDING_LABELS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


SITE = _script("docs_site")
#: The user guide as the site shows it: generated tables filled in from the code.
GUIDE = "\n".join(
    SITE.fill_markers(p.read_text(encoding="utf-8"))
    for p in sorted((ROOT / "docs" / "readme").glob("*.md"))
)
PAGES: dict[str, str] = SITE.reference_pages()


# --- README: one screen, current ----------------------------------------------------------


def test_readme_is_generated_from_the_front_page() -> None:
    text: str = _script("build_readme").build()
    assert text == README, "run: .venv/bin/python scripts/build_readme.py"


def test_readme_is_one_screen_starting_with_the_two_commands() -> None:
    lines = README.splitlines()
    assert len(lines) <= 60, "README.md is the newcomer's one screen; the rest goes in docs/"
    head = "\n".join(lines[:8])
    assert head.index("make demo") < head.index("make test")


def test_readme_lists_the_five_task_steps() -> None:
    steps = re.findall(r"^\| ([1-5])\. .*\| `telefonspor [^`]+` \|$", README, re.M)
    assert steps == ["1", "2", "3", "4", "5"]


def _click_commands() -> Any:
    return typer.main.get_command(app)


def _readme_commands() -> list[str]:
    spans = re.findall(r"`(telefonspor [^`]+)`", README)
    spans += re.findall(r"^\.venv/bin/(telefonspor .+)$", README, re.M)
    return spans


def test_readme_commands_exist_with_their_options() -> None:
    commands = _readme_commands()
    assert len(commands) >= 7, commands
    for line in commands:
        words = shlex.split(line.replace("…", "x"))[1:]
        command = _click_commands()
        while words and hasattr(command, "commands") and words[0] in command.commands:
            command = command.commands[words.pop(0)]
        assert not hasattr(command, "commands"), f"{line}: not a command"
        known = {opt for p in command.params for opt in getattr(p, "opts", [])}
        used = {w.split("=")[0] for w in words if w.startswith("-")}
        assert used <= known, f"{line}: unknown {sorted(used - known)}"


def test_readme_links_resolve() -> None:
    links = re.findall(r"\]\(([^)\s]+)\)", README)
    assert len(links) >= 5
    for link in links:
        assert not link.startswith(("http:", "https:")), link
        assert (ROOT / link.split("#")[0]).is_file(), link


# --- the site's generated reference ------------------------------------------------------


def _commands(group: Any, prefix: str = "") -> list[tuple[str, Any]]:
    out = []
    for name, command in group.commands.items():
        full = f"{prefix}{name}"
        out.append((full, command))
        if hasattr(command, "commands"):  # a command group (typer may bring its own click)
            out.extend(_commands(command, full + " "))
    return out


def test_every_command_is_in_the_reference_with_its_help_and_options() -> None:
    page = PAGES["reference/kommandoer.md"]
    commands = _commands(_click_commands())
    assert "audit" in dict(commands) and "task complete" in dict(commands)
    for full, command in commands:
        assert f"## `telefonspor {full}`" in page, full
        section = page.split(f"## `telefonspor {full}`")[1].split("\n## ")[0]
        assert command.help.strip().splitlines()[0] in section, full
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("-"):
                    assert f"`{opt}`" in section, (full, opt)


def test_every_command_is_used_in_the_documentation() -> None:
    """Beyond the command reference: the guide (or another page) shows where each is used."""
    prose = GUIDE + "".join(text for name, text in PAGES.items() if "kommandoer" not in name)
    missing = [
        full
        for full, command in _commands(_click_commands())
        if not hasattr(command, "commands") and f"telefonspor {full}" not in prose
    ]
    assert missing == []


def test_every_command_has_danish_help() -> None:
    for name, command in _click_commands().commands.items():
        assert command.help, name


def test_every_code_is_explained_in_the_reference() -> None:
    page = PAGES["reference/koder.md"]
    for code in FINDING_CODES:
        assert FINDING_LABELS[code] and FINDING_EXPLANATIONS[code]
        assert f"| `{code}` | {FINDING_LABELS[code]} |" in page, code
        assert f"`{code}`" in GUIDE, code  # and the user guide explains each finding
    for code in CAUSE_CODES:
        assert CAUSE_LABELS[code] and CAUSE_EXPLANATIONS[code]
        assert f"| `{code}` | {CAUSE_LABELS[code]} |" in page, code
        assert f"`{code}`" in GUIDE, code  # and the user guide explains each cause
    for code in PARTY_CODES:
        assert f"| `{code}` |" in page, code
    assert "| `os2sync.version_no_landline` |" in page  # the rules behind the causes


def test_usable_findings_are_marked_in_the_reference() -> None:
    page = PAGES["reference/koder.md"]
    assert re.search(r"^\| `missing` \|.*\| nej \|$", page, re.M)
    assert re.search(r"^\| `shared` \|.*\| ja \|$", page, re.M)


def test_every_setting_is_in_the_reference() -> None:
    page = PAGES["reference/indstillinger.md"]
    for spec in SETTINGS:
        default = json.dumps(spec.default, ensure_ascii=False).replace("|", "\\|")
        assert f"| `{spec.key}` | `{default}` |" in page, spec.key


def test_every_connector_option_is_in_the_reference() -> None:
    """Connector options are rows of the settings table (live.*, live_<system>.*), shown per
    connector in the reference; per-source-only options (secrets, certificates) are explained
    in the live-sources guide."""
    from telefonspor.sources import ad_ldap, fkorg_api, os2mo_api, os2sofd_api, os2sync_api

    page = PAGES["reference/forbindelser.md"]
    live_guide = (ROOT / "docs" / "readme" / "live-kilder.md").read_text(encoding="utf-8")
    for module in (ad_ldap, os2sofd_api, os2mo_api, fkorg_api, os2sync_api):
        for option in module.OPTIONS:
            shown = f"| `{option}` |" in page or f"`{option}`" in live_guide
            assert shown, (module.__name__, option)
    # defaults come from the settings table, not written by hand
    sections = dict(s.split("\n", 1) for s in page.split("\n## ")[1:])
    assert "| `timeout` | `30.0` |" in sections["Alle live-kilder"]
    ldap = next(text for title, text in sections.items() if title.startswith("AD (LDAP)"))
    assert "| `page_size` | `1000` |" in ldap
    os2mo = next(text for title, text in sections.items() if title.startswith("OS2mo"))
    assert '| `graphql_path` | `"/graphql/v22"` |' in os2mo


# --- performance figures come from bench/result.json --------------------------------------


def test_performance_page_has_no_hand_copied_figures() -> None:
    page = (ROOT / "docs" / "readme" / "ydelse.md").read_text(encoding="utf-8")
    assert "<!-- bench:stages -->" in page and "<!-- bench:targets -->" in page
    assert "**i alt**" not in page
    assert not re.search(r"\d+,\d+ s\b", page), "seconds belong in bench/result.json"


@pytest.mark.parametrize("content", [None, "{not json", "[1, 2]", '{"medium": {"total": "x"}}'])
def test_performance_page_survives_a_missing_or_odd_result(
    tmp_path: Path, content: str | None
) -> None:
    result = tmp_path / "result.json"
    if content is not None:
        result.write_text(content, encoding="utf-8")
    page = (ROOT / "docs" / "readme" / "ydelse.md").read_text(encoding="utf-8")
    text: str = SITE.performance_page(page, result)
    assert "<!-- bench:" not in text
    assert "make bench" in text
