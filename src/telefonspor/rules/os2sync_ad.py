"""The OS2sync-AD chain preset: AD synced straight to FK-ORG, no OS2sofd/OS2mo.

Replayed from OS2sync/OS2sync ``os2sync-ad/OS2syncAD`` (see
``docs/upstream/os2sync-ad.md``):

- ``EventMapper.MapUser`` sets ``PhoneNumber`` (FK-ORG *Telefon*, KLIK's
  Mobil nummer) from the one configured attribute ``AD:UserAttributes:Phone``
  (``telephoneNumber`` in the shipped ``appsettings.json``); a multi-valued
  attribute sends its first value. It never sets ``Landline``, so FK-ORG
  *FastnetTelefon* (Direkte nummer) is never filled, and OS2sync ends any
  FastnetTelefon address it finds on the next update of the user.
- ``ADEventBuilder`` turns a disabled account (``userAccountControl`` bit 2)
  into a removal when ``TerminateDisabledUsers`` is on (the default).

In the preset, AD takes the chain position of the local organisation system:
it is the system whose sync rules decide what reaches FK-ORG.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Final

from telefonspor.errors import ConfigError
from telefonspor.model import PhoneEntry, SourceData, SourceRecord
from telefonspor.rules.outcome import (
    DISABLED,
    EMPTY_SLOT,
    Passage,
    RecordRule,
    SlotOutcome,
    make_passage,
    non_blank,
    slot_outcome,
)
from telefonspor.settings import Key, Settings

PRESET: Final = "os2sync-ad"

#: Rule codes (stable; documented in docs/readme/aarsager.md).
ACCOUNT_DISABLED: Final = "os2sync_ad.account_disabled"
NOT_PHONE_ATTRIBUTE: Final = "os2sync_ad.not_phone_attribute"
NO_LANDLINE: Final = "os2sync_ad.no_landline"
NOT_DELIVERED: Final = "os2sync_ad.not_delivered"
USER_NOT_SYNCED: Final = "os2sync_ad.user_not_synced"
MISSING: Final = "os2sync_ad.missing"

#: AD attributes people put a work number in that OS2sync-AD does not send (unless one of
#: them is the configured phone attribute), by the slot they would naturally belong to.
MOBILE_LIKE: Final = ("mobile", "otherMobile")
DIRECT_LIKE: Final = ("telephoneNumber", "ipPhone", "otherTelephone", "otherIpPhone")
#: Local organisation systems: the preset has none.
_LOCAL_SYSTEMS: Final = frozenset({"os2sofd", "os2mo"})


def active(settings: Settings) -> bool:
    """Whether the chain is an OS2sync-AD chain (``[chain] preset = "os2sync-ad"``)."""
    return bool(settings.get(Key.CHAIN_PRESET) == PRESET)


def check_chain(kinds: Iterable[str], settings: Settings) -> None:
    """Refuse a local organisation system in an OS2sync-AD chain (a configuration error).

    Called before anything is read, so the message names the real problem.
    """
    if not active(settings):
        return
    local = sorted({k for k in kinds if k in _LOCAL_SYSTEMS})
    if local:
        raise ConfigError(
            f'[chain] preset = "{PRESET}" betyder, at AD sendes direkte til FK-ORG uden lokal '
            f"organisationsløsning, men kæden indeholder også {', '.join(local)}. Fjern "
            f'{", ".join(local)} fra kæden, eller fjern preset = "{PRESET}".'
        )


def chain_sources(sources: Sequence[SourceData], settings: Settings) -> tuple[SourceData, ...]:
    """The chain as the preset sees it: AD moves to the local position (idempotent)."""
    if not active(settings):
        return tuple(sources)
    check_chain((s.kind for s in sources), settings)
    out = []
    for s in sources:
        if s.kind == "ad" and s.position != "local":
            note = (
                "Kæden er en OS2sync-AD-kæde: AD sendes direkte til FK-ORG og står derfor på "
                "den lokale organisationsløsnings plads."
            )
            s = dataclasses.replace(s, position="local", notes=(*s.notes, note))
        out.append(s)
    return tuple(out)


def phone_attribute(settings: Settings) -> str:
    return settings.get(Key.OS2SYNC_AD_PHONE_ATTRIBUTE).strip() or "telephoneNumber"


def stops(record: SourceRecord, settings: Settings) -> bool:
    """A disabled account is removed from FK-ORG (``TerminateDisabledUsers``)."""
    return DISABLED in record.flags and settings.get(Key.OS2SYNC_AD_TERMINATE_DISABLED_USERS)


def replay_rule(settings: Settings) -> RecordRule:
    """OS2sync-AD's replay with its settings read once (not once per record)."""
    return _bound(
        phone_attribute(settings).casefold(),
        bool(settings.get(Key.OS2SYNC_AD_TERMINATE_DISABLED_USERS)),
        bool(settings.get(Key.WHATIF_OS2SYNC_AD_FILL_PHONE_ATTRIBUTE)),
    )


@cache  # one rule object per setting values: the what-if sees an unchanged rule by identity
def _bound(attribute: str, terminate: bool, fill: bool) -> RecordRule:
    def rule(record: SourceRecord) -> Passage:
        return _replay(record, attribute, terminate, fill)

    return rule


def replay(record: SourceRecord, settings: Settings) -> Passage:
    """What OS2sync-AD sends for one AD account: PhoneNumber only, never Landline."""
    return replay_rule(settings)(record)


def _replay(record: SourceRecord, attribute: str, terminate: bool, fill: bool) -> Passage:
    phones = non_blank(record.phones)
    if not phones:
        return make_passage(EMPTY_SLOT, EMPTY_SLOT)
    held = tuple(p for p in phones if p.type.casefold() == attribute)
    mobile_other = _others(phones, MOBILE_LIKE, attribute)
    direct_other = _others(phones, DIRECT_LIKE, attribute)
    if terminate and DISABLED in record.flags:  # what stops() says, settings read once
        blocked = tuple((p.raw, ACCOUNT_DISABLED) for p in held)
        mobile = slot_outcome(
            _raws(held), "", _raws(mobile_other), ACCOUNT_DISABLED if held else "", blocked
        )
        return make_passage(_never_sent(direct_other), mobile)
    sent: PhoneEntry | None = held[0] if held else None
    if sent is None and fill:
        # What-if: the number is copied into the phone attribute from where it was found.
        sent = next(iter((*mobile_other, *direct_other)), None)
        if sent is not None:
            held = (sent,)
            mobile_other = tuple(p for p in mobile_other if p is not sent)
            direct_other = tuple(p for p in direct_other if p is not sent)
    mobile = (
        slot_outcome(_raws(held), sent.raw, _raws(mobile_other), "", ())
        if sent is not None
        else slot_outcome((), "", _raws(mobile_other), "", ())
    )
    return make_passage(_never_sent(direct_other), mobile)


def other_rule(slot: str) -> str:
    """The rule for a number held in an AD attribute OS2sync-AD never sends."""
    return NO_LANDLINE if slot == "direct" else NOT_PHONE_ATTRIBUTE


def _others(
    phones: tuple[PhoneEntry, ...], names: tuple[str, ...], attribute: str
) -> tuple[PhoneEntry, ...]:
    wanted = {n.casefold() for n in names} - {attribute}
    return tuple(p for p in phones if p.type.casefold() in wanted)


def _never_sent(other: tuple[PhoneEntry, ...]) -> SlotOutcome:
    """The direct slot: OS2sync-AD has no Landline, so nothing is held for it or sent."""
    return slot_outcome((), "", _raws(other), "", ()) if other else EMPTY_SLOT


def _raws(phones: tuple[PhoneEntry, ...]) -> tuple[str, ...]:
    return tuple(p.raw for p in phones)
