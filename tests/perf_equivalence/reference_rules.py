"""The chain rules as they were before issue 15's fast paths: the slow path the fast one must equal.

A frozen, straightforward copy (settings read per record, one tuple per filter). Only the
equivalence tests import it; the rules themselves live in ``telefonspor.rules``.
"""

from __future__ import annotations

from telefonspor.model import PhoneEntry, SourceRecord
from telefonspor.rules import os2sync_ad
from telefonspor.rules.os2mo import os2mo
from telefonspor.rules.os2sofd import DIRECT_TYPES, MOBILE_TYPE, OTHER_TYPES, VISIBLE, stop_rule
from telefonspor.rules.outcome import (
    NOTHING,
    Passage,
    SlotOutcome,
    make_passage,
    non_blank,
    outcome,
    pass_through,
)
from telefonspor.settings import Key, Settings

_FK_DIRECT = frozenset({"fastnettelefon", "47c05422-5379-4c27-9ddf-e02b52b3d961"})
_FK_MOBILE = frozenset({"telefon", "5ef6be2d-59f4-4652-a680-585929924ba9"})


def by_types(record: SourceRecord, direct_type: str, mobile_type: str) -> Passage:
    phones = non_blank(record.phones)
    direct_key, mobile_key = direct_type.casefold(), mobile_type.casefold()
    direct = tuple(p for p in phones if direct_key and p.type.casefold() == direct_key)
    mobile = tuple(p for p in phones if mobile_key and p.type.casefold() == mobile_key)
    return make_passage(pass_through(direct), pass_through(mobile))


def fkorg(record: SourceRecord) -> Passage:
    phones = non_blank(record.phones)
    direct = tuple(p for p in phones if p.type.casefold() in _FK_DIRECT)
    mobile = tuple(p for p in phones if p.type.casefold() in _FK_MOBILE)
    return make_passage(pass_through(direct), pass_through(mobile))


def os2sync_db(record: SourceRecord) -> Passage:
    phones = non_blank(record.phones)
    direct = tuple(p for p in phones if p.type.casefold() == "landline")
    mobile = tuple(p for p in phones if p.type.casefold() == "phonenumber")
    return make_passage(pass_through(direct), pass_through(mobile))


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
    sent = min(candidates, key=lambda p: (not p.type_prime, p.raw), default=None)
    reasons = {}
    for i, p in enumerate(held):
        if p is sent:
            continue
        hidden = not send_hidden and p.visibility.upper() not in VISIBLE
        reasons[i] = "os2sofd.hidden_mobile_not_sent" if hidden else "os2sofd.no_type_prime"
    return outcome(held, sent, reasons, other)


def passage(record: SourceRecord, settings: Settings) -> Passage:
    """``telefonspor.rules.passage`` before issue 15."""
    if record.system == "ad" and settings.get(Key.CHAIN_PRESET) == os2sync_ad.PRESET:
        return os2sync_ad.replay(record, settings)
    system = record.system
    if system == "ad":
        return by_types(
            record, settings.get(Key.AD_DIRECT_ATTRIBUTE), settings.get(Key.AD_MOBILE_ATTRIBUTE)
        )
    if system == "opus":
        return by_types(record, "workPhone", "mobilePhone")
    if system == "hr":
        return by_types(record, "direct", "mobile")
    if system == "os2sofd":
        return os2sofd(record, settings)
    if system == "os2mo":
        return os2mo(record, settings)
    if system == "os2sync-db":
        return os2sync_db(record)
    if system == "fkorg":
        return fkorg(record)
    return NOTHING
