"""Send a run's lists: the one way the command line and the web app notify.

:func:`plan` composes the messages (each responsible party its open cases, and
optionally each employee who must register a number); :func:`send` writes them
to the dry-run outbox or sends them by SMTP, never to the same recipient twice
within ``notify.min_days_between`` days. The front ends only render the outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from telefonspor.errors import ConfigError
from telefonspor.model import Decision, Holders
from telefonspor.notify.compose import Message, employee_messages, party_messages
from telefonspor.notify.dispatch import Delivery, NotificationLog, RateLimiter, Transport, deliver
from telefonspor.notify.outbox import Outbox
from telefonspor.notify.smtp import SmtpTransport
from telefonspor.settings import Key, Settings

#: The sender written into dry-run messages when smtp.sender is not set.
DRY_RUN_SENDER: Final = "telefonspor@localhost"


@dataclass(frozen=True, slots=True)
class Planned:
    """The messages of one run, and who could not be written to (no address)."""

    messages: tuple[Message, ...]
    #: party codes without an address in notify.parties
    missing_parties: tuple[str, ...] = ()
    #: user ids of employees without an e-mail address in the KLIK export
    missing_employees: tuple[str, ...] = ()


def plan(
    result: Holders,
    settings: Settings,
    decisions: Mapping[str, Decision] | None = None,
    *,
    employees: bool = False,
    links: Mapping[str, str] | None = None,
) -> Planned:
    """The messages for ``result``'s open cases (accepted cases are left out)."""
    parties = party_messages(result, settings, decisions)
    messages = list(parties.messages)
    missing_employees: tuple[str, ...] = ()
    if employees:
        staff = employee_messages(result, settings, decisions, links)
        messages.extend(staff.messages)
        missing_employees = staff.missing_address
    return Planned(tuple(messages), parties.missing_address, missing_employees)


def sender_for(settings: Settings, *, really: bool) -> str:
    """The From address; ConfigError when sending for real without smtp.sender."""
    sender = settings.get(Key.SMTP_SENDER).strip()
    if really and not sender:
        raise ConfigError("Angiv afsenderadressen i indstillingen smtp.sender for at sende.")
    return sender or DRY_RUN_SENDER


def send(
    messages: tuple[Message, ...],
    settings: Settings,
    log: NotificationLog,
    *,
    really: bool,
    outbox: Path,
    run_id: int | None = None,
    report: Callable[[Delivery], None] = lambda _: None,
) -> list[Delivery]:
    """Send by SMTP (``really``) or write .eml files into ``outbox``; each is logged in ``log``."""
    sender = sender_for(settings, really=really)

    def with_transport(transport: Transport) -> list[Delivery]:
        return deliver(
            messages,
            transport,
            log,
            sender=sender,
            dry_run=not really,
            min_days_between=settings.get(Key.NOTIFY_MIN_DAYS_BETWEEN),
            run_id=run_id,
            limiter=RateLimiter(settings.get(Key.NOTIFY_RATE_PER_MINUTE)),
            now=lambda: datetime.now(UTC),
            report=report,
        )

    if really:
        with SmtpTransport(settings) as smtp:
            return with_transport(smtp)
    with Outbox(outbox) as box:
        return with_transport(box)
