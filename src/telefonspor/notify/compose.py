"""Danish messages: one per responsible party with its open cases, one per employee without a number.

Pure text; :func:`to_email` turns a message into a MIME e-mail (UTF-8 body,
RFC 2047 subject) without sending anything.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from typing import Final

from telefonspor.errors import ConfigError
from telefonspor.fixfiles.plan import open_holders
from telefonspor.localtime import danish_datetime
from telefonspor.model import Decision, HolderResult, Holders
from telefonspor.settings import Key, Settings
from telefonspor.texts import cause_label, party_label, plural

EMPLOYEE_KIND: Final = "employee"
#: Placeholders the employee text may use.
EMPLOYEE_FIELDS: Final = ("navn", "brugernavn", "roller", "hvor", "kommune")
DEFAULT_EMPLOYEE_TEXT: Final = (
    "Kære {navn}\n\n"
    "Du har en eller flere roller i KLIK ({roller}), men der er ikke registreret et "
    "telefonnummer på dig. KOMBIT, leverandører og andre kommuner bruger nummeret til at "
    "kontakte dig om din rolle, fx ved driftsforstyrrelser og sikkerhedshændelser.\n\n"
    "Registrér dit direkte nummer eller dit mobilnummer her: {hvor}\n\n"
    "På forhånd tak.\n"
)
EMPLOYEE_SUBJECT: Final = "Dit telefonnummer mangler i KLIK"
#: Added under the text when ``{hvor}`` is a personal self-service link.
PERSONAL_LINK_NOTE: Final = (
    "\nLinket er personligt: del det ikke. Det virker én gang og i {days} dage. Har du ikke et "
    "arbejdsnummer, kan du skrive det på siden.\n"
)
_ADDRESS: Final = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


@dataclass(frozen=True, slots=True)
class Message:
    recipient: str  # one e-mail address
    kind: str  # a party code ("hr", ...) or "employee"
    subject: str
    body: str
    user_ids: tuple[str, ...]  # the holders it is about (logs show these, never numbers)


@dataclass(frozen=True, slots=True)
class Composed:
    messages: tuple[Message, ...]
    missing_address: tuple[str, ...] = ()  # party codes or user ids without an e-mail address


def is_address(text: str) -> bool:
    return bool(_ADDRESS.match(text))


def party_messages(
    result: Holders, settings: Settings, decisions: Mapping[str, Decision] | None = None
) -> Composed:
    """One message per responsible party (address from notify.parties) listing its open cases."""
    addresses: Mapping[str, str] = settings.get(Key.NOTIFY_PARTIES)
    cases: dict[str, list[HolderResult]] = {}
    for holder in open_holders(result, decisions):
        if holder.responsible and holder.responsible != EMPLOYEE_KIND:
            cases.setdefault(holder.responsible, []).append(holder)
    per_recipient: dict[str, list[tuple[str, list[HolderResult]]]] = {}
    missing: list[str] = []
    for party in sorted(cases):
        recipients = _split_addresses(str(addresses.get(party, "")))
        if not recipients:
            missing.append(party)
        holders = sorted(cases[party], key=lambda h: (h.name.casefold(), h.user_id))
        for recipient in recipients:
            per_recipient.setdefault(recipient.casefold(), []).append((party, holders))
    messages = []
    for key in sorted(per_recipient):
        sections = per_recipient[key]
        recipient = next(
            r
            for party, _ in sections
            for r in _split_addresses(str(addresses[party]))
            if r.casefold() == key
        )
        count = sum(len(holders) for _, holders in sections)
        names = " og ".join(party_label(party) for party, _ in sections)
        subject = f"Telefonnumre på roller i KLIK: {count} sager til {names}"
        body = "\n".join(_party_body(party, holders, settings) for party, holders in sections)
        body += _closing(result, settings)
        ids = tuple(h.user_id for _, holders in sections for h in holders)
        kind = "+".join(party for party, _ in sections)
        messages.append(Message(recipient, kind, subject, body, ids))
    return Composed(tuple(messages), tuple(missing))


def employee_messages(
    result: Holders,
    settings: Settings,
    decisions: Mapping[str, Decision] | None = None,
    links: Mapping[str, str] | None = None,
) -> Composed:
    """One short message per employee who must register their own number.

    ``links`` (user id -> personal self-service link) replaces ``{hvor}`` for those holders.
    """
    where = settings.get(Key.NOTIFY_REGISTER_WHERE).strip()
    if not where and not links:
        raise ConfigError(
            "Angiv, hvor medarbejderne selv registrerer deres nummer: indstillingen "
            "notify.register_where (fx en adresse til selvbetjening)."
        )
    template = settings.get(Key.NOTIFY_EMPLOYEE_TEXT) or DEFAULT_EMPLOYEE_TEXT
    by_address: dict[str, list[HolderResult]] = {}
    missing: list[str] = []
    for holder in open_holders(result, decisions):
        if holder.cause != "missing_in_source":
            continue
        address = holder.email.strip()
        if not is_address(address):
            missing.append(holder.user_id)
            continue
        by_address.setdefault(address.casefold(), []).append(holder)
    messages = []
    municipality = settings.get(Key.AUDIT_MUNICIPALITY_NAME)
    for key in sorted(by_address):
        holders = by_address[key]
        first = holders[0]
        roles = sorted({r for h in holders for r in h.roles})
        values = {
            "navn": first.name or first.user_id,
            "brugernavn": ", ".join(h.user_id for h in holders),
            "roller": ", ".join(roles),
            "hvor": _where(holders, where, links or {}),
            "kommune": municipality or first.municipality,
        }
        body = fill_template(template, values)
        if any(h.user_id in (links or {}) for h in holders):
            body += PERSONAL_LINK_NOTE.format(days=settings.get(Key.SELFSERVICE_LINK_DAYS))
        ids = tuple(h.user_id for h in holders)
        messages.append(Message(first.email.strip(), EMPLOYEE_KIND, EMPLOYEE_SUBJECT, body, ids))
    return Composed(tuple(messages), tuple(sorted(missing)))


def _where(holders: list[HolderResult], where: str, links: Mapping[str, str]) -> str:
    own = [links[h.user_id] for h in holders if h.user_id in links]
    return "\n".join(own) if own else where


def fill_template(template: str, values: Mapping[str, str]) -> str:
    """``{navn}``-style placeholders; an unknown or broken one is a ConfigError."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise ConfigError(
            f"notify.employee_text har en ugyldig klamme-parentes ({exc}). Skriv {{{{ og }}}} for "
            "en klamme i teksten."
        ) from exc
    unknown = sorted({f for f in fields if f not in values})
    if unknown:
        raise ConfigError(
            f"notify.employee_text bruger ukendte felter: {', '.join(unknown)}. "
            f"Mulige felter: {', '.join('{' + f + '}' for f in EMPLOYEE_FIELDS)}."
        )
    try:
        return template.format_map(values)
    except ValueError as exc:  # a conversion or format spec: {navn!x}, {navn:d}
        raise ConfigError(
            f"notify.employee_text har et ugyldigt felt ({exc}). Skriv felterne som {{navn}}."
        ) from exc


def to_email(message: Message, *, sender: str, now: datetime) -> EmailMessage:
    email = EmailMessage(policy=SMTP)
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(now)
    domain = sender.rpartition("@")[2] or None
    email["Message-ID"] = make_msgid(domain=domain)
    email.set_content(message.body, charset="utf-8", cte="quoted-printable")
    return email


def _party_body(party: str, holders: list[HolderResult], settings: Settings) -> str:
    lines = [
        f"Til {party_label(party)}",
        "",
        f"Telefonspor har fundet {len(holders)} {plural(len(holders), 'rolleindehaver', 'rolleindehavere')} i KLIK uden brugbart telefonnummer, "
        "hvor I er dem, der kan rette årsagen. KOMBIT, leverandører og andre kommuner bruger "
        "numrene til at kontakte rolleindehaverne.",
        "",
    ]
    for number, holder in enumerate(holders, start=1):
        roles = ", ".join(holder.roles)
        lines.append(
            f"{number}. {holder.name or holder.user_id} ({holder.user_id}) – roller: {roles}"
        )
        lines.append(f"   Årsag: {cause_label(holder.cause)}")
        if holder.action:
            lines.append(f"   Det skal gøres: {holder.action}")
        lines.append("")
    return "\n".join(lines)


def _closing(result: Holders, settings: Settings) -> str:
    municipality = settings.get(Key.AUDIT_MUNICIPALITY_NAME)
    lines = []
    if result.generated_at:
        lines.append(f"Listen bygger på kørslen fra {danish_datetime(result.generated_at)}.")
        lines.append("")
    lines.append("Venlig hilsen")
    lines.append(f"KLIK-administratoren{', ' + municipality if municipality else ''}")
    return "\n".join(lines) + "\n"


def _split_addresses(text: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"[,;]", text)]
    return [p for p in parts if p]
