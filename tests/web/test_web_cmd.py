"""`telefonspor serve` and `telefonspor users ...` through the real Typer app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import telefonspor.cli.web_cmd  # noqa: F401  (registers the commands)
from telefonspor.cli.app import app
from telefonspor.cli.web_cmd import is_loopback

runner = CliRunner()


def _db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'telefonspor.db'}"


def test_users_add_list_remove(tmp_path: Path) -> None:
    db = _db(tmp_path)
    result = runner.invoke(
        app,
        ["users", "add", "anna", "--role", "admin", "--password-stdin", "--db", db],
        input="korrekt hest batteri\n",
    )
    assert result.exit_code == 0, result.output
    assert "oprettet som admin" in result.output
    result = runner.invoke(app, ["users", "list", "--db", db])
    assert "anna" in result.output and "Administrator" in result.output
    result = runner.invoke(app, ["users", "remove", "anna", "--db", db])
    assert result.exit_code == 0
    assert "Der er ingen brugere" in runner.invoke(app, ["users", "list", "--db", db]).output


def test_organisation_login_is_linked_explicitly(tmp_path: Path) -> None:
    db = _db(tmp_path)
    result = runner.invoke(
        app, ["users", "add", "carl@kommune.dk", "--role", "viewer", "--oidc", "--db", db]
    )
    assert result.exit_code == 0, result.output  # no password asked
    assert "log ind med organisationens konto" in " ".join(result.output.split())
    runner.invoke(
        app,
        ["users", "add", "anna", "--role", "admin", "--password-stdin", "--db", db],
        input="korrekt hest batteri\n",
    )
    result = runner.invoke(
        app, ["users", "link-oidc", "anna", "--identity", "Anna@Kommune.dk", "--db", db]
    )
    assert result.exit_code == 0, result.output
    assert "som anna@kommune.dk" in " ".join(result.output.split())
    listing = runner.invoke(app, ["users", "list", "--db", db]).output
    assert "anna@kommune.dk" in listing and "carl@kommune.dk" in listing
    result = runner.invoke(
        app, ["users", "link-oidc", "carl@kommune.dk", "--identity", "anna@kommune.dk", "--db", db]
    )
    assert result.exit_code == 2
    assert "allerede koblet til brugeren 'anna'" in " ".join(result.output.split())
    result = runner.invoke(app, ["users", "unlink-oidc", "anna", "--db", db])
    assert result.exit_code == 0, result.output
    listing = runner.invoke(app, ["users", "list", "--db", db]).output
    assert "anna@kommune.dk" not in listing


def test_password_is_prompted_twice(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["users", "add", "viggo", "--db", _db(tmp_path)],
        input="korrekt hest batteri\nkorrekt hest batteri\n",
    )
    assert result.exit_code == 0, result.output
    assert "oprettet som viewer" in result.output


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["users", "add", "anna", "--password-stdin"], "kort\n", "mindst 10 tegn"),
        (
            ["users", "add", "anna", "--role", "chef", "--password-stdin"],
            "x" * 12,
            "admin eller viewer",
        ),
        (["users", "add", "an na", "--password-stdin"], "x" * 12, "Brugernavnet"),
        (["users", "remove", "ingen"], "", "findes ikke"),
        (["users", "link-oidc", "ingen"], "", "findes ikke"),
        (["users", "add", "bo", "--oidc", "--password-stdin"], "x" * 12, "ikke begge"),
    ],
)
def test_bad_user_commands_fail_in_danish(
    tmp_path: Path, args: list[str], stdin: str, message: str
) -> None:
    result = runner.invoke(app, [*args, "--db", _db(tmp_path)], input=stdin)
    assert result.exit_code == 2
    assert message in result.output


def test_serve_refuses_other_hosts_without_users(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: started.append(kw))
    result = runner.invoke(app, ["serve", "--host", "0.0.0.0", "--db", _db(tmp_path)])
    assert result.exit_code == 2
    assert "telefonspor users add" in result.output
    assert started == []
    runner.invoke(
        app,
        ["users", "add", "anna", "--role", "admin", "--password-stdin", "--db", _db(tmp_path)],
        input="korrekt hest batteri\n",
    )
    result = runner.invoke(
        app,
        [
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            "8123",
            "--db",
            _db(tmp_path),
            "--data-dir",
            str(tmp_path / "web"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert started == [
        {"host": "0.0.0.0", "port": 8123, "proxy_headers": True, "log_level": "warning"}
    ]


def test_loopback_hosts() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.0.0.5") and not is_loopback("server")


def test_password_prompt_without_a_terminal_is_danish(tmp_path: Path) -> None:
    """Issue 16.9: no terminal and no input gives a Danish line, not click's "Aborted!"."""
    result = runner.invoke(app, ["users", "add", "viggo", "--db", _db(tmp_path)], input="")
    assert result.exit_code == 2
    assert "Aborted" not in result.output
    assert "--password-stdin" in result.output


def test_serve_hint_creates_the_user_where_serve_looks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16.5: following serve's hint literally puts the user in serve's database."""
    import shlex

    from telefonspor.web.accounts import Accounts

    monkeypatch.setattr("uvicorn.run", lambda app, **kw: None)
    db = f"sqlite:///{tmp_path / 'andet sted' / 'web.db'}"
    (tmp_path / "andet sted").mkdir()
    result = runner.invoke(app, ["serve", "--db", db, "--data-dir", str(tmp_path / "web")])
    assert result.exit_code == 0, result.output
    hint = " ".join(result.output.split())  # rich may wrap the line
    start = hint.index("users add NAVN")
    line = hint[start : hint.index(" for at kunne logge ind")].replace("NAVN", "anna")
    args = [*shlex.split(line), "--password-stdin"]
    added = runner.invoke(app, args, input="korrekt hest batteri\n")
    assert added.exit_code == 0, added.output
    accounts = Accounts.open(db)
    try:
        assert [a.name for a in accounts.all()] == ["anna"]
    finally:
        accounts.close()
