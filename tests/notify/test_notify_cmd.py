"""`telefonspor notify` through the CLI: dry run by default, --send over STARTTLS, never twice."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

import telefonspor.store
from fixfiles.conftest import make_result
from telefonspor.cli import notify_cmd  # noqa: F401  (registers the command)
from telefonspor.cli.app import app
from telefonspor.reports.jsonout import write_json

from .conftest import PASSWORD, USER, FakeLog, SmtpServer

LOGS: dict[str, FakeLog] = {}


class FakeStore:
    """Stands in for telefonspor.store.Store until it exists (same notification API)."""

    @staticmethod
    @contextmanager
    def open(url: str) -> Iterator[FakeLog]:
        yield LOGS.setdefault(url, FakeLog())


@pytest.fixture
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    if not hasattr(telefonspor.store, "Store"):
        monkeypatch.setattr(telefonspor.store, "Store", FakeStore, raising=False)
    return f"sqlite:///{tmp_path / 'historik.db'}"


def config(tmp_path: Path, port: int) -> Path:
    path = tmp_path / "kaede.toml"
    path.write_text(
        f"""
[smtp]
host = "127.0.0.1"
port = {port}
username = "{USER}"
sender = "klik-admin@kommune.dk"

[notify]
rate_per_minute = 6000
register_where = "https://selvbetjening.kommune.dk/telefon"
parties = {{ hr = "hr@kommune.dk" }}
""",
        encoding="utf-8",
    )
    return path


def test_dry_run_then_send_then_never_twice(
    tmp_path: Path, smtp_server: SmtpServer, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    result_path = tmp_path / "resultat.json"
    write_json(make_result(), result_path)
    args = [
        "notify",
        str(result_path),
        "--config",
        str(config(tmp_path, smtp_server.port)),
        "--db",
        store_url,
        "--employees",
    ]
    runner = CliRunner()

    dry = runner.invoke(app, [*args, "--outbox", str(tmp_path / "ud")])
    assert dry.exit_code == 0, dry.output
    assert sorted(p.name for p in (tmp_path / "ud").iterdir()) == [
        "employee__-kalle_kommune.dk.eml",
        "employee__mette_kommune.dk.eml",
        "hr__hr_kommune.dk.eml",
    ]
    assert "Skrevet (prøvekørsel): hr@kommune.dk (HR/brugeradministration, 5 sager:" in dry.output
    assert "Intet er sendt" in dry.output
    assert smtp_server.received.messages == []

    monkeypatch.setenv("SSL_CERT_FILE", str(smtp_server.cert_file))
    env = {"TELEFONSPOR_SMTP_PASSWORD": PASSWORD}
    sent = runner.invoke(app, [*args, "--send"], env=env)
    assert sent.exit_code == 0, sent.output
    assert "Sendt: mette@kommune.dk (medarbejder, 1 sager: mette)" in sent.output
    assert len(smtp_server.received.messages) == 3
    for number in ("86 12 34 56", "86123456", "+45", "20304050"):
        assert number not in sent.output  # the log names recipients and user ids, never numbers

    again = runner.invoke(app, [*args, "--send"], env=env)
    assert again.exit_code == 0, again.output
    assert "Sprunget over: hr@kommune.dk" in again.output
    assert len(smtp_server.received.messages) == 3


def test_send_without_password_is_one_red_line(
    tmp_path: Path, smtp_server: SmtpServer, store_url: str
) -> None:
    result_path = tmp_path / "resultat.json"
    write_json(make_result(), result_path)
    run = CliRunner().invoke(
        app,
        [
            "notify",
            str(result_path),
            "--config",
            str(config(tmp_path, smtp_server.port)),
            "--db",
            store_url,
            "--send",
        ],
        env={"TELEFONSPOR_SMTP_PASSWORD": ""},
    )
    assert run.exit_code == 2
    assert "TELEFONSPOR_SMTP_PASSWORD" in run.output
    assert smtp_server.received.messages == []
