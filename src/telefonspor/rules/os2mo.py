"""The OS2mo -> FK-ORG export (via OS2sync), replayed from its documented behaviour."""

from __future__ import annotations

from typing import Final

from telefonspor.model import PhoneEntry, SourceRecord
from telefonspor.rules.outcome import NO_ENGAGEMENT, Passage, SlotOutcome, non_blank, outcome
from telefonspor.settings import Settings

#: Visibility scopes the export sends ("" = no visibility set).
PUBLIC: Final = frozenset({"PUBLIC", ""})
IT_USER: Final = "it_user"


def classes(settings: Settings, slot: str) -> list[str]:
    """The slot's address-type class list (user_key or UUID), order kept."""
    key = "os2mo.landline_scope_classes" if slot == "direct" else "os2mo.phone_scope_classes"
    return [c.casefold() for c in settings.strings(key)]


def os2mo(record: SourceRecord, settings: Settings) -> Passage:
    phones = non_blank(record.phones)
    landline, phone = classes(settings, "direct"), classes(settings, "mobile")
    phone_set, landline_set = frozenset(phone), frozenset(landline)
    # Any phone address outside the mobile classes is a desk line by default.
    direct = tuple(
        p for p in phones if p.type.casefold() in landline_set or p.type.casefold() not in phone_set
    )
    mobile = tuple(p for p in phones if p.type.casefold() in phone_set)
    on_it_user = settings.flag("os2mo.addresses_on_it_user")
    no_engagement = NO_ENGAGEMENT in record.flags
    return Passage(
        _slot(direct, landline, on_it_user, no_engagement),
        _slot(mobile, phone, on_it_user, no_engagement),
    )


def _eligible(p: PhoneEntry, on_it_user: bool) -> bool:
    return p.visibility.upper() in PUBLIC and (not on_it_user or p.owner == IT_USER)


def _slot(
    held: tuple[PhoneEntry, ...], class_list: list[str], on_it_user: bool, no_engagement: bool
) -> SlotOutcome:
    sent = None
    if not no_engagement:
        for cls in class_list:  # first class in the list wins, then the first address of it
            sent = next(
                (p for p in held if p.type.casefold() == cls and _eligible(p, on_it_user)), None
            )
            if sent is not None:
                break
    reasons = {
        i: _why_not(p, class_list, on_it_user, no_engagement)
        for i, p in enumerate(held)
        if p is not sent
    }
    return outcome(held, sent, reasons)


def _why_not(p: PhoneEntry, class_list: list[str], on_it_user: bool, no_engagement: bool) -> str:
    if no_engagement:
        return "os2mo.no_engagement"
    if not class_list:
        return "os2mo.empty_class_list"
    if p.type.casefold() not in class_list:
        return "os2mo.type_not_in_scope"
    if p.visibility.upper() not in PUBLIC:
        return "os2mo.visibility_not_public"
    if on_it_user and p.owner != IT_USER:
        return "os2mo.address_on_person"
    return "os2mo.other_address_sent"  # an earlier eligible address was sent instead
