"""FK Organisation: FastnetTelefon is the direct slot, Telefon the mobile slot."""

from __future__ import annotations

from typing import Final

from telefonspor.model import SourceRecord
from telefonspor.rules.outcome import (
    Passage,
    pass_through_by_type,
    pass_through_by_type_tally,
    register_tally,
)
from telefonspor.settings import Settings

#: Address role names and their UUIDs (a reader may keep either).
DIRECT_TYPES: Final = frozenset({"fastnettelefon", "47c05422-5379-4c27-9ddf-e02b52b3d961"})
MOBILE_TYPES: Final = frozenset({"telefon", "5ef6be2d-59f4-4652-a680-585929924ba9"})


def fkorg_rule(record: SourceRecord) -> Passage:
    """FK-ORG holds and passes on by address role."""
    return pass_through_by_type(record, DIRECT_TYPES, MOBILE_TYPES)


register_tally(fkorg_rule, pass_through_by_type_tally(DIRECT_TYPES, MOBILE_TYPES))


def fkorg(record: SourceRecord, settings: Settings) -> Passage:
    return fkorg_rule(record)
