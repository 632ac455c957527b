"""OS2sync: its database rows are evidence of what was last sent, and why not."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from telefonspor.model import SourceRecord
from telefonspor.rules.outcome import (
    FAILURE,
    SKIPPED,
    Passage,
    pass_through_by_type,
    pass_through_by_type_tally,
    register_tally,
)
from telefonspor.settings import Key, Settings

#: OS2sync's database fields, case-folded: Landline feeds FastnetTelefon, PhoneNumber Telefon.
_DIRECT_FIELDS: Final = frozenset({"landline"})
_MOBILE_FIELDS: Final = frozenset({"phonenumber"})


def os2sync_db_rule(record: SourceRecord) -> Passage:
    """What the OS2sync database last sent, by field."""
    return pass_through_by_type(record, _DIRECT_FIELDS, _MOBILE_FIELDS)


register_tally(os2sync_db_rule, pass_through_by_type_tally(_DIRECT_FIELDS, _MOBILE_FIELDS))


def os2sync_db(record: SourceRecord, settings: Settings) -> Passage:
    return os2sync_db_rule(record)


def version_tuple(text: str) -> tuple[int, ...]:
    """'2.9.1' -> (2, 9, 1); parts without digits count as 0."""
    parts = []
    for part in text.strip().lstrip("vV").split("."):
        # ASCII digits, at most 9: int() refuses "²" (isdigit) and 4,300+ digit numbers.
        digits = "".join(ch for ch in part if ch.isascii() and ch.isdigit())[:9]
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def drops_landline(settings: Settings) -> bool:
    """OS2sync before 3.0 cannot set a user's landline (FastnetTelefon)."""
    return version_tuple(settings.get(Key.OS2SYNC_VERSION)) < (3,)


def sync_rule(slot: str, rows: Iterable[SourceRecord], settings: Settings) -> str:
    """Why a number the local system sends did not reach FK-ORG (checked in spec order)."""
    return sync_rule_for(slot, rows, drops_landline(settings))


def sync_rule_for(slot: str, rows: Iterable[SourceRecord], landline_dropped: bool) -> str:
    """:func:`sync_rule` with :func:`drops_landline` already worked out (once per run)."""
    if slot == "direct" and landline_dropped:
        return "os2sync.version_no_landline"
    flags: set[str] = set()
    for row in rows:
        flags.update(row.flags)
    if FAILURE in flags:
        return "os2sync.failure"
    if SKIPPED in flags:
        return "os2sync.cache_skip"
    return "os2sync.not_delivered"
