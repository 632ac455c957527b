"""OS2sofd's FK-ORG integration (its OS2sync queue writer), replayed.

Modelled on OS2sofd/os2sofd ``OS2SyncService.updatePerson`` (commit 88a368a6, see
docs/upstream/os2sofd.md): no active affiliation deletes the person's users; an AD
account with no matching affiliation is skipped; a disabled AD account is deleted.
PhoneNumber is the MOBILE sorted first by typePrime, then by ``phoneNumber``
ascending, among VISIBLE ones (null visibility is not VISIBLE) unless
``sendHiddenPhoneNumbers``; Landline is the typePrime LANDLINE, else IP, else BROADBAND.
"""

from __future__ import annotations

from functools import cache, partial
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
    RecordRule,
    SlotOutcome,
    Usable,
    held_bits,
    make_passage,
    register_tally,
    slot_outcome,
    tally,
)
from telefonspor.settings import Key, Settings

#: Landline order: typePrime LANDLINE, else typePrime IP, else typePrime BROADBAND.
DIRECT_TYPES: Final = ("LANDLINE", "IP", "BROADBAND")
MOBILE_TYPE: Final = "MOBILE"
#: Held by OS2sofd but never sent to FK-ORG.
OTHER_TYPES: Final = frozenset({"DEPARTMENT_NUMBER", "FAX_NUMBER", "DATA_SIM"})
#: Only VISIBLE is visible: a null visibility ("") is not (upstream compares to VISIBLE).
VISIBLE: Final = frozenset({"VISIBLE"})
NO_TYPE_PRIME: Final = "os2sofd.no_type_prime"
HIDDEN: Final = "os2sofd.hidden_mobile_not_sent"

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
    if not record.flags:
        return ""
    for flag, rule in _STOPPERS:
        if flag in record.flags:
            return rule
    return ""


def os2sofd_rule(settings: Settings) -> RecordRule:
    """OS2sofd's replay with ``sendHiddenPhoneNumbers`` read once (not once per record)."""
    return _bound(bool(settings.get(Key.OS2SOFD_SEND_HIDDEN_PHONE_NUMBERS)))


@cache  # one rule object per setting value: the what-if sees an unchanged rule by identity
def _bound(send_hidden: bool) -> RecordRule:
    def rule(record: SourceRecord) -> Passage:
        return _replay(record, send_hidden)

    register_tally(rule, partial(_tally, send_hidden))
    return rule


def os2sofd(record: SourceRecord, settings: Settings) -> Passage:
    return _replay(record, bool(settings.get(Key.OS2SOFD_SEND_HIDDEN_PHONE_NUMBERS)))


def _replay(record: SourceRecord, send_hidden: bool) -> Passage:
    direct: list[PhoneEntry] = []
    mobile: list[PhoneEntry] = []
    other: list[str] = []
    for p in record.phones:  # one walk sorts every phone into its slot
        if not p.raw.strip():
            continue  # an empty cell is not a held number
        kind = p.type.upper()
        if kind in DIRECT_TYPES:
            direct.append(p)
        elif kind == MOBILE_TYPE:
            mobile.append(p)
        elif kind in OTHER_TYPES:
            other.append(p.raw)
    if not (direct or mobile or other):
        return NOTHING  # what every rule below gives for no slot-typed phone, by value
    held_direct, held_mobile, never = tuple(direct), tuple(mobile), tuple(other)
    stop = stop_rule(record)
    if stop:
        return make_passage(_stopped(held_direct, stop, never), _stopped(held_mobile, stop, never))
    return make_passage(_direct(held_direct, never), _mobile(held_mobile, never, send_hidden))


def _tally(send_hidden: bool, record: SourceRecord, usable: Usable) -> int:
    """The counting twin of :func:`_replay` (``outcome.tally`` of each slot): a slot with
    one number (nearly all) without building outcomes, nor a list; a crowded slot is
    counted by :func:`_tally_crowded`."""
    direct: PhoneEntry | None = None
    mobile: PhoneEntry | None = None
    for p in record.phones:
        if not p.raw.strip():
            continue
        kind = p.type.upper()
        if kind in DIRECT_TYPES:
            if direct is not None:
                return _tally_crowded(send_hidden, record, usable)
            direct = p
        elif kind == MOBILE_TYPE:
            if mobile is not None:
                return _tally_crowded(send_hidden, record, usable)
            mobile = p
    if direct is None and mobile is None:
        return 0
    if record.flags and stop_rule(record):  # nothing is sent: only what is held counts
        direct_held = 2 if direct is not None and usable[direct.raw] else 0
        return direct_held | (2 if mobile is not None and usable[mobile.raw] else 0) << 2
    direct_bits = 0
    if direct is not None and usable[direct.raw]:  # sent when typePrime, else only held
        direct_bits = 3 if direct.type_prime else 2
    mobile_bits = 0
    if mobile is not None and usable[mobile.raw]:  # sent when it may be, else only held
        mobile_bits = 3 if send_hidden or mobile.visibility.upper() in VISIBLE else 2
    return direct_bits | mobile_bits << 2


def _tally_crowded(send_hidden: bool, record: SourceRecord, usable: Usable) -> int:
    """:func:`_tally` of a record with two or more numbers in a slot."""
    direct: list[PhoneEntry] = []
    mobile: list[PhoneEntry] = []
    for p in record.phones:
        if not p.raw.strip():
            continue
        kind = p.type.upper()
        if kind in DIRECT_TYPES:
            direct.append(p)
        elif kind == MOBILE_TYPE:
            mobile.append(p)
    if not (direct or mobile):
        return 0
    if record.flags and stop_rule(record):  # nothing is sent: only what is held counts
        direct_held = held_bits([p.raw for p in direct], usable)
        return direct_held | held_bits([p.raw for p in mobile], usable) << 2
    if not direct:
        direct_bits = 0
    elif len(direct) == 1:  # one landline: sent when typePrime, else only held
        direct_bits = (3 if direct[0].type_prime else 2) if usable[direct[0].raw] else 0
    else:
        direct_bits = tally(_direct(tuple(direct), ()), usable)
    if not mobile:
        mobile_bits = 0
    elif len(mobile) == 1:  # one mobile: sent when it may be, else only held
        sendable = send_hidden or mobile[0].visibility.upper() in VISIBLE
        mobile_bits = (3 if sendable else 2) if usable[mobile[0].raw] else 0
    else:
        mobile_bits = tally(_mobile(tuple(mobile), (), send_hidden), usable)
    return direct_bits | mobile_bits << 2


def _stopped(held: tuple[PhoneEntry, ...], rule: str, other: tuple[str, ...]) -> SlotOutcome:
    blocked = tuple((p.raw, rule) for p in held)
    return slot_outcome(tuple(p.raw for p in held), "", other, rule if held else "", blocked)


def _direct(held: tuple[PhoneEntry, ...], other: tuple[str, ...]) -> SlotOutcome:
    if len(held) == 1 and held[0].type_prime:  # the common case: one typePrime landline
        raw = held[0].raw
        return slot_outcome((raw,), raw, other, "", ())
    # The typePrime entry of the earliest type in DIRECT_TYPES; the first one of that type.
    sent = None
    best = len(DIRECT_TYPES)
    for p in held:
        if p.type_prime:
            rank = DIRECT_TYPES.index(p.type.upper())  # held only has DIRECT_TYPES
            if rank < best:
                sent, best = p, rank
    blocked = tuple((p.raw, NO_TYPE_PRIME) for p in held if p is not sent)
    return _outcome(held, sent, other, blocked)


def _mobile(held: tuple[PhoneEntry, ...], other: tuple[str, ...], send_hidden: bool) -> SlotOutcome:
    if len(held) == 1 and (send_hidden or held[0].visibility.upper() in VISIBLE):
        raw = held[0].raw  # the common case: one mobile that may be sent
        return slot_outcome((raw,), raw, other, "", ())
    candidates = held if send_hidden else [p for p in held if p.visibility.upper() in VISIBLE]
    # typePrime first, then the lowest phoneNumber (upstream sorts to avoid flip-flopping).
    sent = min(candidates, key=_mobile_order, default=None)
    blocked = tuple(
        (p.raw, NO_TYPE_PRIME if send_hidden or p.visibility.upper() in VISIBLE else HIDDEN)
        for p in held
        if p is not sent
    )
    return _outcome(held, sent, other, blocked)


def _outcome(
    held: tuple[PhoneEntry, ...],
    sent: PhoneEntry | None,
    other: tuple[str, ...],
    blocked: tuple[tuple[str, str], ...],
) -> SlotOutcome:
    """``outcome()`` with the blocked entries already listed in ``held``'s order."""
    return slot_outcome(
        tuple(p.raw for p in held),
        sent.raw if sent is not None else "",
        other,
        blocked[0][1] if blocked else "",
        blocked,
    )


def _mobile_order(p: PhoneEntry) -> tuple[bool, str]:
    return (not p.type_prime, p.raw)
