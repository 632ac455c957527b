"""OS2sofd's FK-ORG integration (its OS2sync queue writer), replayed.

Modelled on OS2sofd/os2sofd ``OS2SyncService.updatePerson`` (commit 88a368a6, see
docs/upstream/os2sofd.md): no active affiliation deletes the person's users; an AD
account with no matching affiliation is skipped; a disabled AD account is deleted.
PhoneNumber is the MOBILE sorted first by typePrime, then by ``phoneNumber``
ascending, among VISIBLE ones (null visibility is not VISIBLE) unless
``sendHiddenPhoneNumbers``; Landline is the typePrime LANDLINE, else IP, else BROADBAND.
"""

from __future__ import annotations

from typing import Final

from telefonspor.model import PhoneEntry, SourceRecord
from telefonspor.rules.outcome import (
    DELETED,
    DISABLED,
    DO_NOT_TRANSFER,
    NO_AFFILIATION,
    NO_MATCHING_AFFILIATION,
    NOTHING,
    Passage,
    SlotOutcome,
    make_passage,
    non_blank,
    outcome,
)
from telefonspor.settings import Key, Settings

#: Landline order: typePrime LANDLINE, else typePrime IP, else typePrime BROADBAND.
DIRECT_TYPES: Final = ("LANDLINE", "IP", "BROADBAND")
MOBILE_TYPE: Final = "MOBILE"
#: Held by OS2sofd but never sent to FK-ORG.
OTHER_TYPES: Final = frozenset({"DEPARTMENT_NUMBER", "FAX_NUMBER", "DATA_SIM"})
#: Only VISIBLE is visible: a null visibility ("") is not (upstream compares to VISIBLE).
VISIBLE: Final = frozenset({"VISIBLE"})

#: Record flags that stop the whole user, in the order they are reported. An account
#: without a matching affiliation is skipped before the disabled check is reached.
_STOPPERS: Final = (
    (NO_MATCHING_AFFILIATION, "os2sofd.no_matching_affiliation"),
    (DISABLED, "os2sofd.ad_account_disabled"),
    (NO_AFFILIATION, "os2sofd.no_active_affiliation"),
    (DELETED, "os2sofd.no_active_affiliation"),
    (DO_NOT_TRANSFER, "os2sofd.do_not_transfer"),
)


def stop_rule(record: SourceRecord) -> str:
    """The rule that keeps the whole user out of FK-ORG, or ''."""
    for flag, rule in _STOPPERS:
        if flag in record.flags:
            return rule
    return ""


def os2sofd(record: SourceRecord, settings: Settings) -> Passage:
    phones = non_blank(record.phones)
    if not phones:
        return NOTHING
    direct = tuple(p for p in phones if p.type.upper() in DIRECT_TYPES)
    mobile = tuple(p for p in phones if p.type.upper() == MOBILE_TYPE)
    other = tuple(p.raw for p in phones if p.type.upper() in OTHER_TYPES)
    stop = stop_rule(record)
    if stop:
        return make_passage(_stopped(direct, stop, other), _stopped(mobile, stop, other))
    send_hidden = settings.get(Key.OS2SOFD_SEND_HIDDEN_PHONE_NUMBERS)
    return make_passage(_direct(direct, other), _mobile(mobile, other, send_hidden))


def _stopped(held: tuple[PhoneEntry, ...], rule: str, other: tuple[str, ...]) -> SlotOutcome:
    return outcome(held, None, dict.fromkeys(range(len(held)), rule), other)


def _direct(held: tuple[PhoneEntry, ...], other: tuple[str, ...]) -> SlotOutcome:
    sent = None
    for kind in DIRECT_TYPES:
        sent = next((p for p in held if p.type_prime and p.type.upper() == kind), None)
        if sent is not None:
            break
    reasons = {i: "os2sofd.no_type_prime" for i, p in enumerate(held) if p is not sent}
    return outcome(held, sent, reasons, other)


def _mobile(held: tuple[PhoneEntry, ...], other: tuple[str, ...], send_hidden: bool) -> SlotOutcome:
    candidates = [p for p in held if send_hidden or p.visibility.upper() in VISIBLE]
    # typePrime first, then the lowest phoneNumber (upstream sorts to avoid flip-flopping).
    sent = min(candidates, key=_mobile_order, default=None)
    reasons = {}
    for i, p in enumerate(held):
        if p is sent:
            continue
        hidden = not send_hidden and p.visibility.upper() not in VISIBLE
        reasons[i] = "os2sofd.hidden_mobile_not_sent" if hidden else "os2sofd.no_type_prime"
    return outcome(held, sent, reasons, other)


def _mobile_order(p: PhoneEntry) -> tuple[bool, str]:
    return (not p.type_prime, p.raw)
