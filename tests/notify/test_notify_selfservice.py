"""`telefonspor notify --employees` with self-service: each employee's mail carries a personal link.

Real store (SQLite), real SMTP server (aiosmtpd) and the real web app behind the link.
"""

from __future__ import annotations

import email
import re
import warnings
from datetime import UTC, datetime
from email.policy import default
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fixfiles.conftest import make_result
from telefonspor.cli import notify_cmd  # noqa: F401  (registers the command)
from telefonspor.cli.app import app
from telefonspor.reports.jsonout import write_json
from telefonspor.settings import load
from telefonspor.store import Store
from telefonspor.web import create_app

from .conftest import PASSWORD, SmtpServer
from .test_notify_cmd import config

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

BASE = "https://telefonspor.kommune.example"
LINK = re.compile(re.escape(BASE) + r"(/mit-nummer/[A-Za-z0-9_-]{22})")


def _setup(tmp_path: Path, port: int) -> tuple[list[str], str]:
    url = f"sqlite:///{tmp_path / 'historik.db'}"
    result = make_result()
    with Store.open(url) as store:
        now = datetime.now(UTC)
        store.save_run(result, started_at=now, finished_at=now)
    result_path = tmp_path / "resultat.json"
    write_json(result, result_path)
    cfg = config(tmp_path, port)
    cfg.write_text(
        cfg.read_text(encoding="utf-8") + f'\n[selfservice]\nbase_url = "{BASE}"\n',
        encoding="utf-8",
    )
    return ["notify", str(result_path), "--config", str(cfg), "--db", url, "--employees"], url


def _body(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=default)
    part = message.get_body()
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def test_dry_run_mail_carries_a_working_personal_link(
    tmp_path: Path, smtp_server: SmtpServer
) -> None:
    args, url = _setup(tmp_path, smtp_server.port)
    run = CliRunner().invoke(app, [*args, "--outbox", str(tmp_path / "ud")])
    assert run.exit_code == 0, run.output
    assert "personlige links til selvbetjening lavet" in run.output
    body = _body((tmp_path / "ud" / "employee__mette_kommune.dk.eml").read_bytes())
    match = LINK.search(body)
    assert match, body
    assert "Kære Mette" in body
    assert "Linket er personligt: del det ikke. Det virker én gang og i 14 dage." in body
    token = match.group(1).rsplit("/", 1)[1]
    assert token not in run.output  # the token is in the mail only, never on screen
    settings = load(None, overrides=[f"store.db={url}"], environ={})
    with TestClient(create_app(settings, data_dir=tmp_path / "web")) as client:
        page = client.get(match.group(1))
        assert page.status_code == 200 and "mette" in page.text
    with Store.open(url) as store:
        links = store.selfservice().links()
    # One link per employee written to, each bound to the saved run; nobody else gets one.
    assert sorted(link.user_id for link in links) == ["kalle", "mette"]
    assert {link.run_id for link in links} == {1}


def test_sent_mail_link_replaces_the_dry_run_link(
    tmp_path: Path, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    args, url = _setup(tmp_path, smtp_server.port)
    runner = CliRunner()
    runner.invoke(app, [*args, "--outbox", str(tmp_path / "ud")])
    first = LINK.search(_body((tmp_path / "ud" / "employee__mette_kommune.dk.eml").read_bytes()))
    monkeypatch.setenv("SSL_CERT_FILE", str(smtp_server.cert_file))
    sent = runner.invoke(app, [*args, "--send"], env={"TELEFONSPOR_SMTP_PASSWORD": PASSWORD})
    assert sent.exit_code == 0, sent.output
    mails = [_body(raw) for raw in smtp_server.received.messages]
    [mette] = [m for m in mails if "Kære Mette" in m]
    second = LINK.search(mette)
    assert first and second and first.group(1) != second.group(1)
    settings = load(None, overrides=[f"store.db={url}"], environ={})
    with TestClient(create_app(settings, data_dir=tmp_path / "web")) as client:
        assert client.get(second.group(1)).status_code == 200
        assert client.get(first.group(1)).status_code == 404  # revoked by the newer mail
    again = runner.invoke(app, [*args, "--send"], env={"TELEFONSPOR_SMTP_PASSWORD": PASSWORD})
    assert "Sprunget over: mette@kommune.dk" in again.output
    with TestClient(create_app(settings, data_dir=tmp_path / "web2")) as client:
        # No new mail went to mette, so the link in the last one still works.
        assert client.get(second.group(1)).status_code == 200


def test_links_need_a_saved_run(tmp_path: Path, smtp_server: SmtpServer) -> None:
    args, url = _setup(tmp_path, smtp_server.port)
    empty = f"sqlite:///{tmp_path / 'tom.db'}"
    args[args.index(url)] = empty
    run = CliRunner().invoke(app, [*args, "--outbox", str(tmp_path / "ud")])
    assert run.exit_code == 2
    assert "Gem kørslen først" in run.output
