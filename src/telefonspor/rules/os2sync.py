"""OS2sync: its database rows are evidence of what was last sent, and why not."""

from __future__ import annotations

from collections.abc import Iterable

from telefonspor.model import SourceRecord
from telefonspor.rules.outcome import (
    FAILURE,
    SKIPPED,
    Passage,
    make_passage,
    non_blank,
    pass_through,
)
from telefonspor.settings import Key, Settings


def os2sync_db(record: SourceRecord, settings: Settings) -> Passage:
    phones = non_blank(record.phones)
    direct = tuple(p for p in phones if p.type.casefold() == "landline")
    mobile = tuple(p for p in phones if p.type.casefold() == "phonenumber")
    return make_passage(pass_through(direct), pass_through(mobile))


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
    if slot == "direct" and drops_landline(settings):
        return "os2sync.version_no_landline"
    flags: set[str] = set()
    for row in rows:
        flags.update(row.flags)
    if FAILURE in flags:
        return "os2sync.failure"
    if SKIPPED in flags:
        return "os2sync.cache_skip"
    return "os2sync.not_delivered"
