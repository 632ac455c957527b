"""Messages, real SMTP with STARTTLS and AUTH, dry run, rate limit and the never-twice rule."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
from pathlib import Path

import msgspec
import pytest

from fixfiles.conftest import make_result
from telefonspor.errors import AuthError, ConfigError
from telefonspor.model import AuditResult, Decision
from telefonspor.notify import (
    Message,
    Outbox,
    RateLimiter,
    SmtpTransport,
    deliver,
    employee_messages,
    party_messages,
)
from telefonspor.settings import Settings, defaults

from .conftest import PASSWORD, USER, FakeLog, SmtpServer

NOW = dt.datetime(2025, 10, 1, 9, 0, tzinfo=dt.UTC)


def settings_for(port: int = 25, **extra: object) -> Settings:
    values: dict[str, object] = {
        "smtp.host": "127.0.0.1",
        "smtp.port": port,
        "smtp.username": USER,
        "smtp.sender": "klik-admin@kommune.dk",
        "notify.parties": {"hr": "hr@kommune.dk", "supplier": "support@leverandør.dk"},
        "notify.register_where": "https://selvbetjening.kommune.dk/telefon",
        "audit.municipality_name": "Testkommune",
    }
    values.update(extra)
    return defaults().replace(values)


@pytest.fixture
def result() -> AuditResult:
    return make_result()


def test_party_messages_list_open_cases(result: AuditResult) -> None:
    accepted = {"accepteret": Decision("accepteret", "accept", "x", "admin", "2025-09-30")}
    composed = party_messages(result, settings_for(), accepted)
    assert [m.recipient for m in composed.messages] == ["hr@kommune.dk"]
    message = composed.messages[0]
    assert message.kind == "hr"
    assert message.subject == "Telefonnumre på roller i KLIK: 4 sager til HR/brugeradministration"
    assert message.user_ids == ("anne@kommune.dk", "kim", "o'brien", "søren")
    assert "Til HR/brugeradministration" in message.body
    assert "1. anne@kommune.dk (anne@kommune.dk) – roller: Sikkerhedsansvarlig" in message.body
    assert "Venlig hilsen\nKLIK-administratoren, Testkommune\n" in message.body


def test_party_without_address_is_reported(result: AuditResult) -> None:
    composed = party_messages(result, settings_for(**{"notify.parties": {}}))
    assert composed.messages == () and composed.missing_address == ("hr",)


def test_employee_messages_use_template(result: AuditResult) -> None:
    template = (
        "Hej {navn} ({brugernavn}) i {kommune}: registrér dit nummer på {hvor}. Roller: {roller}"
    )
    kalle = next(h for h in result.holders if h.user_id == "kalle")
    without_mail = msgspec.structs.replace(kalle, email="ikke en adresse")
    holders = tuple(without_mail if h is kalle else h for h in result.holders)
    result = dataclasses.replace(result, holders=holders)
    composed = employee_messages(result, settings_for(**{"notify.employee_text": template}))
    assert [m.recipient for m in composed.messages] == ["mette@kommune.dk"]
    assert composed.missing_address == ("kalle",)
    assert composed.messages[0].body == (
        "Hej Mette Ås (mette) i Testkommune: registrér dit nummer på "
        "https://selvbetjening.kommune.dk/telefon. Roller: A-rolle, B-rolle"
    )


@pytest.mark.parametrize(
    ("template", "match"),
    [
        ("Hej {fornavn}", "ukendte felter: fornavn"),
        ("Hej {navn", "klamme"),
        ("Hej {navn!x}", "ugyldigt felt"),  # format_map's ValueError was a crash
        ("Hej {navn:d}", "ugyldigt felt"),
    ],
)
def test_bad_template_is_a_config_error(result: AuditResult, template: str, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        employee_messages(result, settings_for(**{"notify.employee_text": template}))


def test_register_where_is_required(result: AuditResult) -> None:
    with pytest.raises(ConfigError, match=r"notify\.register_where"):
        employee_messages(result, settings_for(**{"notify.register_where": ""}))


def test_send_over_starttls_with_auth(smtp_server: SmtpServer, result: AuditResult) -> None:
    settings = settings_for(smtp_server.port)
    messages = [
        *party_messages(result, settings).messages,
        *employee_messages(result, settings).messages,
    ]
    log = FakeLog()
    env = {"TELEFONSPOR_SMTP_PASSWORD": PASSWORD}
    with SmtpTransport(settings, environ=env, ssl_context=smtp_server.client_context) as smtp:
        done = deliver(
            messages,
            smtp,
            log,
            sender="klik-admin@kommune.dk",
            dry_run=False,
            min_days_between=14,
            now=lambda: NOW,
        )
    assert [d.status for d in done] == ["sent", "sent", "sent"]
    assert smtp_server.received.recipients == [
        ["hr@kommune.dk"],
        ["-kalle@kommune.dk"],
        ["mette@kommune.dk"],
    ]
    party_raw = smtp_server.received.messages[0]
    assert b"Subject: Telefonnumre =?utf-8?q?p=C3=A5?= roller" in party_raw  # RFC 2047
    assert party_raw.isascii()
    party = email.message_from_bytes(party_raw, policy=email.policy.default)
    assert party["Subject"] == "Telefonnumre på roller i KLIK: 5 sager til HR/brugeradministration"
    raw = smtp_server.received.messages[2]
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == "Dit telefonnummer mangler i KLIK"
    body = parsed.get_body()
    assert body is not None
    text = body.get_content().replace("\r\n", "\n")  # type: ignore[attr-defined]
    assert text.startswith(
        "Kære Mette Ås\n\nDu har en eller flere roller i KLIK (A-rolle, B-rolle)"
    )
    assert "https://selvbetjening.kommune.dk/telefon" in text
    assert [(r[0], r[1], r[4]) for r in log.records] == [
        ("hr@kommune.dk", "hr", False),
        ("-kalle@kommune.dk", "employee", False),
        ("mette@kommune.dk", "employee", False),
    ]


def connect(settings: Settings, **kwargs: object) -> None:
    with SmtpTransport(settings, **kwargs):  # type: ignore[arg-type]
        pass


def test_wrong_password_is_an_auth_error(smtp_server: SmtpServer) -> None:
    settings = settings_for(smtp_server.port)
    env = {"TELEFONSPOR_SMTP_PASSWORD": "forkert"}
    with pytest.raises(AuthError, match="afviste brugeren telefonspor"):
        connect(settings, environ=env, ssl_context=smtp_server.client_context)


def test_non_ascii_password_is_a_config_error(smtp_server: SmtpServer) -> None:
    settings = settings_for(smtp_server.port)
    env = {"TELEFONSPOR_SMTP_PASSWORD": "blåbær"}
    with pytest.raises(ConfigError, match="uden for ASCII"):
        connect(settings, environ=env, ssl_context=smtp_server.client_context)


def test_missing_password_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="TELEFONSPOR_SMTP_PASSWORD"):
        connect(settings_for(), environ={})


def test_dry_run_writes_eml_and_sends_nothing(
    tmp_path: Path, smtp_server: SmtpServer, result: AuditResult
) -> None:
    settings = settings_for(smtp_server.port)
    log = FakeLog()
    with Outbox(tmp_path / "ud") as box:
        done = deliver(
            party_messages(result, settings).messages,
            box,
            log,
            sender="a@kommune.dk",
            dry_run=True,
            min_days_between=14,
            now=lambda: NOW,
        )
    assert [d.status for d in done] == ["written"]
    files = sorted(p.name for p in (tmp_path / "ud").iterdir())
    assert files == ["hr__hr_kommune.dk.eml"]
    parsed = email.message_from_bytes(
        (tmp_path / "ud" / files[0]).read_bytes(), policy=email.policy.default
    )
    assert parsed["To"] == "hr@kommune.dk"
    assert smtp_server.received.messages == []
    assert log.records[0][4] is True


def message(n: int) -> Message:
    return Message(f"m{n}@kommune.dk", "employee", "Emne", "Tekst", (f"u{n}",))


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class Collect:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, email: object, *, kind: str = "") -> None:
        self.sent.append(str(email["To"]))  # type: ignore[index]


def test_rate_limit_spaces_sends() -> None:
    clock = FakeClock()
    limiter = RateLimiter(30, monotonic=clock.monotonic, sleep=clock.sleep)
    transport = Collect()
    deliver(
        [message(n) for n in range(3)],
        transport,
        FakeLog(),
        sender="a@kommune.dk",
        dry_run=False,
        min_days_between=14,
        limiter=limiter,
        now=lambda: NOW,
    )
    assert clock.slept == [2.0, 2.0]
    assert transport.sent == ["m0@kommune.dk", "m1@kommune.dk", "m2@kommune.dk"]


def test_rate_limit_does_not_sleep_when_time_has_passed() -> None:
    clock = FakeClock()
    limiter = RateLimiter(60, monotonic=clock.monotonic, sleep=clock.sleep)
    limiter.wait()
    clock.now += 5
    limiter.wait()
    assert clock.slept == []


def test_never_twice_within_the_period() -> None:
    log = FakeLog()
    log.record_notification("m0@kommune.dk", "employee", 1, NOW - dt.timedelta(days=3), False)
    log.record_notification("m1@kommune.dk", "employee", 1, NOW - dt.timedelta(days=30), False)
    log.record_notification("m2@kommune.dk", "employee", 1, NOW - dt.timedelta(days=1), True)
    transport = Collect()
    done = deliver(
        [message(0), message(1), message(2), message(1)],
        transport,
        log,
        sender="a@kommune.dk",
        dry_run=False,
        min_days_between=14,
        now=lambda: NOW,
    )
    assert [d.status for d in done] == ["recent", "sent", "sent", "recent"]
    assert transport.sent == ["m1@kommune.dk", "m2@kommune.dk"]
