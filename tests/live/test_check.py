"""`sources check` and `telefonspor sources check` against real servers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from telefonspor.errors import ConfigError
from telefonspor.settings import SourceSpec, load
from telefonspor.sources import live
from telefonspor.sources.check import check_sources

from .fakes import Os2sofdApi, serve
from .people import sofd_persons
from .slapd import free_port

KEY = "sofd-noegle-check-7"


@pytest.fixture
def sofd_url() -> Iterator[str]:
    with serve(Os2sofdApi(sofd_persons(30), KEY)) as url:
        yield url


def write_config(tmp_path: Path, url: str) -> Path:
    config = tmp_path / "kaede.toml"
    config.write_text(
        f"""
[[source]]
kind = "os2sofd"
live = true
url = "{url}"
api_key_env = "T_CHECK_KEY"
retry_delay = 0.0

[[source]]
kind = "os2mo"
live = true
url = "http://127.0.0.1:{free_port()}"
token_url = "http://127.0.0.1:{free_port()}/token"
client_id = "telefonspor"
client_secret_env = "T_CHECK_KEY"
retries = 0
timeout = 0.5
""",
        encoding="utf-8",
    )
    return config


def test_check_reports_rejected_key_and_unreachable_system(
    tmp_path: Path, sofd_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("T_CHECK_KEY", "forkert-noegle-1")
    results = check_sources(load(write_config(tmp_path, sofd_url)))
    sofd, mo = results
    assert (sofd.system, sofd.reachable, sofd.authenticated, sofd.ok) == (
        "OS2sofd (live)",
        True,
        False,
        False,
    )
    assert "API-nøglen blev afvist af OS2sofd" in sofd.message
    assert "forkert-noegle-1" not in sofd.message
    assert (mo.reachable, mo.authenticated, mo.ok) == (False, None, False)
    assert "kunne ikke nås" in mo.message


def test_check_without_sources_is_a_config_error(tmp_path: Path) -> None:
    empty = tmp_path / "tom.toml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match="ingen \\[\\[source\\]\\]"):
        check_sources(load(empty))


def test_live_dispatch_rejects_unknown_api_and_file_only_kinds(tmp_path: Path) -> None:
    settings = load(None)
    spec = load_spec(tmp_path, 'kind = "fkorg"\nlive = true\napi = "soap"')
    with pytest.raises(ConfigError, match='api skal være "graphql"'):
        live.fetch(spec, settings)
    with pytest.raises(ConfigError, match="kan ikke læses live"):
        live.fetch(load_spec(tmp_path, 'kind = "opus"\nlive = true'), settings)


def load_spec(tmp_path: Path, body: str) -> SourceSpec:
    config = tmp_path / "k.toml"
    config.write_text(f"[[source]]\n{body}\n", encoding="utf-8")
    return load(config).sources[0]


def test_cli_sources_check_prints_danish_table_and_exits_3(
    tmp_path: Path, sofd_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import telefonspor.cli.sources_cmd  # noqa: F401  (registers the command)
    from telefonspor.cli.app import app

    monkeypatch.setenv("T_CHECK_KEY", "forkert-noegle-2")
    result = CliRunner().invoke(
        app, ["sources", "check", "--config", str(write_config(tmp_path, sofd_url))]
    )
    assert result.exit_code == 3, result.output
    assert "Kan nås" in result.output
    assert "2 af 2 systemer fejlede" in result.output
    assert "forkert-noegle-2" not in result.output
