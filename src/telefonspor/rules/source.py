"""Authoritative sources (AD, OPUS, HR): they send what they hold."""

from __future__ import annotations

from telefonspor.model import SourceRecord
from telefonspor.rules.outcome import Passage, make_passage, non_blank, pass_through
from telefonspor.settings import Key, Settings


def by_types(record: SourceRecord, direct_type: str, mobile_type: str) -> Passage:
    """Slot by the field the number came from; names compare case-insensitively (LDAP)."""
    phones = non_blank(record.phones)
    direct_key, mobile_key = direct_type.casefold(), mobile_type.casefold()
    direct = tuple(p for p in phones if direct_key and p.type.casefold() == direct_key)
    mobile = tuple(p for p in phones if mobile_key and p.type.casefold() == mobile_key)
    return make_passage(pass_through(direct), pass_through(mobile))


def ad(record: SourceRecord, settings: Settings) -> Passage:
    return by_types(
        record, settings.get(Key.AD_DIRECT_ATTRIBUTE), settings.get(Key.AD_MOBILE_ATTRIBUTE)
    )


def opus(record: SourceRecord, settings: Settings) -> Passage:
    return by_types(record, "workPhone", "mobilePhone")


def hr(record: SourceRecord, settings: Settings) -> Passage:
    return by_types(record, "direct", "mobile")
