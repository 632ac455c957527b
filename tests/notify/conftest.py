"""A real SMTP server (aiosmtpd) on 127.0.0.1 with STARTTLS and AUTH, and a fake notification log."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER = "telefonspor"
PASSWORD = "hemmelig-K0de!"


@dataclass
class Received:
    messages: list[bytes] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.original_content or envelope.content)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = (
        isinstance(data, LoginPassword)
        and data.login == USER.encode()
        and (data.password == PASSWORD.encode("utf-8"))
    )
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535


def self_signed(tmp: Path) -> tuple[Path, Path, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    import ipaddress

    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM)
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(pem)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path, pem


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class SmtpServer:
    port: int
    received: Received
    client_context: ssl.SSLContext
    cert_file: Path


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[SmtpServer]:
    cert, key, pem = self_signed(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    received = Received()
    port = free_port()
    controller = Controller(
        received,
        hostname="127.0.0.1",
        port=port,
        tls_context=server_context,
        require_starttls=True,
        authenticator=authenticate,
        auth_required=True,
        auth_require_tls=True,
    )
    controller.start()
    try:
        client = ssl.create_default_context(cadata=pem.decode("ascii"))
        yield SmtpServer(port, received, client, cert)
    finally:
        controller.stop()


@dataclass
class FakeLog:
    """The store's notification API, in memory (dry-run records do not count as sent)."""

    records: list[tuple[str, str, int | None, dt.datetime, bool]] = field(default_factory=list)

    def was_notified(self, recipient: str, within_days: int, now: dt.datetime) -> bool:
        since = now - dt.timedelta(days=within_days)
        return any(r[0] == recipient.casefold() and r[3] > since and not r[4] for r in self.records)

    def record_notification(
        self, recipient: str, kind: str, run_id: int | None, sent_at: dt.datetime, dry_run: bool
    ) -> None:
        self.records.append((recipient.casefold(), kind, run_id, sent_at, dry_run))
