"""The OS2mo -> FK-ORG export (os2mo-os2sync-export, via OS2sync), replayed from upstream.

Upstream (magenta-aps/os2mo-os2sync-export, ``os2sync_export/os2mo.py`` ``pick_address``
and ``os2mo_gql.py`` ``choose_public_address``): an address is sent when its
address type's class **UUID** is in ``phone_scope_classes`` (PhoneNumber) or
``landline_scope_classes`` (Landline) and its visibility is unset or PUBLIC;
among several, the class listed first wins. Both lists default to empty, and an
empty list sends nothing. We also accept a class ``user_key`` in the lists as a
convenience; upstream only takes UUIDs.

The old mode reads the person's addresses and needs a current engagement; the
new mode (upstream ``new = true``, here ``os2mo.addresses_on_it_user``) reads
only addresses on the AD it-user and needs an engagement on that it-user that
is current or starts in the future. See docs/upstream/os2mo.md.
"""

from __future__ import annotations

from functools import cache
from typing import Final

from telefonspor.model import PhoneEntry, SourceRecord
from telefonspor.rules.outcome import (
    NO_ENGAGEMENT,
    Passage,
    RecordRule,
    SlotOutcome,
    non_blank,
    outcome,
)
from telefonspor.settings import Key, Settings

#: Visibility scopes the export sends ("" = no visibility set).
PUBLIC: Final = frozenset({"PUBLIC", ""})
IT_USER: Final = "it_user"
#: Record flag: the AD it-user has no current or future engagement (new mode skips it).
NO_IT_USER_ENGAGEMENT: Final = "no_it_user_engagement"
CLASS_KEYS: Final = {
    "direct": Key.OS2MO_LANDLINE_SCOPE_CLASSES,
    "mobile": Key.OS2MO_PHONE_SCOPE_CLASSES,
}


def class_key(value: str) -> str:
    """How a configured class is compared: UUIDs lower-case, user_keys case-folded."""
    return value.strip().casefold()


def classes(settings: Settings, slot: str) -> list[str]:
    """The slot's address-type class list (class UUIDs, or user_keys), order kept."""
    return [class_key(c) for c in settings.get(CLASS_KEYS[slot])]


def class_of(p: PhoneEntry, class_list: list[str]) -> int | None:
    """Position of ``p``'s address type in ``class_list`` (UUID first, then user_key)."""
    for key in (p.type_uuid, p.type.casefold()):
        if key and key in class_list:
            return class_list.index(key)
    return None


def os2mo_rule(settings: Settings) -> RecordRule:
    """The export's replay with its class lists and mode read once (not once per record)."""
    landline, phone = classes(settings, "direct"), classes(settings, "mobile")
    return _bound(tuple(landline), tuple(phone), bool(settings.get(Key.OS2MO_ADDRESSES_ON_IT_USER)))


@cache  # one rule object per setting values: the what-if sees an unchanged rule by identity
def _bound(
    landline_classes: tuple[str, ...], phone_classes: tuple[str, ...], on_it_user: bool
) -> RecordRule:
    landline, phone = list(landline_classes), list(phone_classes)

    def rule(record: SourceRecord) -> Passage:
        return _replay(record, landline, phone, on_it_user)

    return rule


def os2mo(record: SourceRecord, settings: Settings) -> Passage:
    return os2mo_rule(settings)(record)


def _replay(
    record: SourceRecord, landline: list[str], phone: list[str], on_it_user: bool
) -> Passage:
    phones = non_blank(record.phones)
    # Any phone address outside the mobile classes is a desk line by default.
    direct = tuple(
        p for p in phones if class_of(p, landline) is not None or class_of(p, phone) is None
    )
    mobile = tuple(p for p in phones if class_of(p, phone) is not None)
    if on_it_user:
        stop = "os2mo.it_user_no_engagement" if NO_IT_USER_ENGAGEMENT in record.flags else ""
    else:
        stop = "os2mo.no_engagement" if NO_ENGAGEMENT in record.flags else ""
    return Passage(
        _slot(direct, landline, on_it_user, stop),
        _slot(mobile, phone, on_it_user, stop),
    )


def _eligible(p: PhoneEntry, on_it_user: bool) -> bool:
    return p.visibility.upper() in PUBLIC and (not on_it_user or p.owner == IT_USER)


def _slot(
    held: tuple[PhoneEntry, ...], class_list: list[str], on_it_user: bool, stop: str
) -> SlotOutcome:
    sent = None
    if not stop:
        # The class listed first wins, then the first address of it.
        ranked = [
            (rank, i)
            for i, p in enumerate(held)
            if _eligible(p, on_it_user) and (rank := class_of(p, class_list)) is not None
        ]
        if ranked:
            sent = held[min(ranked)[1]]
    reasons = {
        i: _why_not(p, class_list, on_it_user, stop) for i, p in enumerate(held) if p is not sent
    }
    return outcome(held, sent, reasons)


def _why_not(p: PhoneEntry, class_list: list[str], on_it_user: bool, stop: str) -> str:
    if stop:
        return stop
    if not class_list:
        return "os2mo.empty_class_list"
    if class_of(p, class_list) is None:
        return "os2mo.type_not_in_scope"
    if p.visibility.upper() not in PUBLIC:
        return "os2mo.visibility_not_public"
    if on_it_user and p.owner != IT_USER:
        return "os2mo.address_on_person"
    return "os2mo.other_address_sent"  # an earlier eligible address was sent instead
