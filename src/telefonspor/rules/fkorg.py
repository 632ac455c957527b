"""FK Organisation: FastnetTelefon is the direct slot, Telefon the mobile slot."""

from __future__ import annotations

from typing import Final

from telefonspor.model import SourceRecord
from telefonspor.rules.outcome import Passage, make_passage, pass_through_raws
from telefonspor.settings import Settings

#: Address role names and their UUIDs (a reader may keep either).
DIRECT_TYPES: Final = frozenset({"fastnettelefon", "47c05422-5379-4c27-9ddf-e02b52b3d961"})
MOBILE_TYPES: Final = frozenset({"telefon", "5ef6be2d-59f4-4652-a680-585929924ba9"})


def fkorg_rule(record: SourceRecord) -> Passage:
    """FK-ORG holds and passes on by address role; one walk over the record's phones."""
    direct: list[str] = []
    mobile: list[str] = []
    for p in record.phones:
        raw = p.raw
        if not raw.strip():
            continue  # an empty address is not a held number
        kind = p.type.casefold()
        if kind in DIRECT_TYPES:
            direct.append(raw)
        elif kind in MOBILE_TYPES:
            mobile.append(raw)
    return make_passage(pass_through_raws(direct), pass_through_raws(mobile))


def fkorg(record: SourceRecord, settings: Settings) -> Passage:
    return fkorg_rule(record)
