"""Issue 14.4: connector options are rows of the settings table, and settings are read
through typed handles that mypy checks."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

import telefonspor
from telefonspor.cli import app
from telefonspor.errors import ConfigError
from telefonspor.settings import SETTINGS, Key, Setting, SourceSpec, defaults, load
from telefonspor.sources import ad_ldap, fkorg_api, os2mo_api, os2sofd_api, os2sync_api
from telefonspor.sources.live_options import SECTIONS, LiveOptions

ROOT = Path(__file__).resolve().parents[1]
SOURCES = Path(telefonspor.__file__).parent / "sources"
CONNECTORS = {
    "AD": ad_ldap.OPTIONS,
    "OS2sofd": os2sofd_api.OPTIONS,
    "OS2sync": os2sync_api.OPTIONS,
    "OS2mo": os2mo_api.OPTIONS,
    "FK-ORG": fkorg_api.OPTIONS,
}


def test_every_row_has_its_typed_handle() -> None:
    handles = {v.key: v for v in vars(Key).values() if isinstance(v, Setting)}
    assert set(handles) == {s.key for s in SETTINGS}
    for row in SETTINGS:
        assert handles[row.key] is row
        assert getattr(Key, row.key.upper().replace(".", "_")) is row


def test_get_returns_the_rows_type_and_a_copy() -> None:
    settings = defaults().replace({"audit.placeholders": "33663366"})
    placeholders = settings.get(Key.AUDIT_PLACEHOLDERS)
    assert placeholders == ["33663366"]
    placeholders.append("x")  # a copy: the settings are not changed by it
    assert settings.get(Key.AUDIT_PLACEHOLDERS) == ["33663366"]
    assert settings.get(Key.AUDIT_SHARED_THRESHOLD) == 3
    assert settings.get(Key.LIVE_TIMEOUT) == 30.0
    # the deprecated string access still works for code written against it
    assert settings.integer("audit.shared_threshold") == 3
    assert settings["audit.placeholders"] == ["33663366"]


def test_mypy_catches_a_misspelt_or_mistyped_setting(tmp_path: Path) -> None:
    """The point of the handles: a typo is a type error before anything runs."""
    code = tmp_path / "uses_settings.py"
    code.write_text(
        textwrap.dedent(
            """
            from telefonspor.settings import Key, defaults

            threshold: int = defaults().get(Key.AUDIT_SHARED_THRESHOLD)
            typo = defaults().get(Key.AUDIT_SHARED_TRESHOLD)
            wrong: str = defaults().get(Key.LIVE_TIMEOUT)
            """
        ),
        encoding="utf-8",
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--follow-imports=silent",
            str(code),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    out = done.stdout
    assert '"type[Key]" has no attribute "AUDIT_SHARED_TRESHOLD"' in out, out
    assert 'expression has type "float", variable has type "str"' in out, out
    assert out.count("error:") == 2, out


def test_a_connector_row_is_the_default_and_an_entry_overrides_it(tmp_path: Path) -> None:
    config = tmp_path / "kaede.toml"
    config.write_text(
        "[live]\ntimeout = 5\n[live_os2sofd]\npage_size = 250\n"
        '[[source]]\nkind = "os2sofd"\nlive = true\nurl = "https://a.example"\n'
        '[[source]]\nkind = "os2sofd"\nlive = true\nurl = "https://b.example"\n'
        "timeout = 7\npage_size = 20\n",
        encoding="utf-8",
    )
    settings = load(config, environ={"TELEFONSPOR_LIVE_RETRIES": "1"})
    first, second = (
        LiveOptions(spec, settings, system="OS2sofd", allowed=os2sofd_api.OPTIONS)
        for spec in settings.sources
    )
    assert (first.number("timeout"), first.integer("page_size")) == (5.0, 250)
    assert (second.number("timeout"), second.integer("page_size")) == (7.0, 20)
    assert first.integer("retries") == second.integer("retries") == 1
    assert first.flag("tls_verify") is True


def test_a_connector_row_keeps_its_bounds_in_the_table_and_in_an_entry(tmp_path: Path) -> None:
    config = tmp_path / "kaede.toml"
    config.write_text("[live_os2sofd]\npage_size = 5000\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"linje 2: .*page_size.* højst 1000, ikke 5000"):
        load(config, environ={})
    spec = SourceSpec("os2sofd", "local", live=True, options={"url": "https://x", "page_size": 0})
    opts = LiveOptions(spec, defaults(), system="OS2sofd", allowed=os2sofd_api.OPTIONS)
    with pytest.raises(ConfigError, match="page_size skal være mindst 1 og højst 1000, ikke 0"):
        opts.integer("page_size")


def test_a_row_does_not_open_an_option_its_connector_lacks() -> None:
    """live.retries is an HTTP option: an LDAP entry with it is still a typo."""
    spec = SourceSpec("ad", "source", live=True, options={"url": "ldaps://dc", "retries": 2})
    with pytest.raises(ConfigError, match="ukendt indstilling 'retries'"):
        LiveOptions(spec, defaults(), system="AD", allowed=ad_ldap.OPTIONS)


def test_every_connector_row_is_an_option_of_its_connector() -> None:
    for system, section in SECTIONS.items():
        names = {s.name for s in SETTINGS if s.key.startswith(section + ".")}
        assert names, section
        assert names <= CONNECTORS[system], (section, sorted(names - CONNECTORS[system]))


def test_no_connector_keeps_an_inline_default_for_a_table_row() -> None:
    """Defaults live in the table only: ``opts.integer("page_size", 100)`` is a second copy."""
    rows = {s.name for s in SETTINGS if s.key.startswith("live")}
    inline = []
    for path in sorted(SOURCES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in {"text", "integer", "number", "flag", "strings"}:
                continue
            receiver = node.func.value
            if not (isinstance(receiver, ast.Name) and receiver.id == "opts"):
                continue
            key = node.args[0] if node.args else None
            if isinstance(key, ast.Constant) and key.value in rows and len(node.args) > 1:
                inline.append(f"{path.name}:{node.lineno} {key.value}")
    assert not inline, inline


def test_every_connector_option_is_documented() -> None:
    """The live-sources guide (with its generated tables filled in, as the docs site shows it)
    names every connector option; the settings reference lists every connector row."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("docs_site", ROOT / "scripts" / "docs_site.py")
    assert spec is not None and spec.loader is not None
    site = importlib.util.module_from_spec(spec)
    sys.modules["docs_site"] = site
    spec.loader.exec_module(site)
    guide = (ROOT / "docs" / "readme" / "live-kilder.md").read_text(encoding="utf-8")
    live = site.fill_markers(guide)
    reference = site.reference_pages()["reference/indstillinger.md"]
    for system, options in CONNECTORS.items():
        for name in options:
            assert f"`{name}`" in live, (system, name)
    for row in SETTINGS:
        if row.key.startswith("live"):
            assert f"| `{row.name}` |" in live, row.key
            assert f"| `{row.key}` |" in reference, row.key


def test_the_settings_command_shows_the_connector_rows() -> None:
    result = CliRunner().invoke(
        app, ["settings", "--set", "live_os2sofd.page_size=250"], env={"COLUMNS": "400"}
    )
    assert result.exit_code == 0, result.output
    assert "live_os2sofd.page_size" in result.output
    as_json = CliRunner().invoke(app, ["settings", "--json", "--set", "live.timeout=12"])
    assert '"live_os2sofd.page_size": 100' in as_json.output
    assert '"live.timeout": 12.0' in as_json.output
