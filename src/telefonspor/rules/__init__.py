"""Replays of the sync tools' documented behaviour: what each system holds per
slot, and what it passes on to the next hop.

Every rule is a pure function of one :class:`~telefonspor.model.SourceRecord`
and the settings. Record flags read here: ``disabled``, ``deleted``,
``no_affiliation``, ``do_not_transfer``, ``no_matching_affiliation`` (OS2sofd),
``no_engagement`` (OS2mo),
``failure``, ``skipped`` (OS2sync database).

With ``[chain] preset = "os2sync-ad"`` an AD record is replayed by OS2sync-AD's
rules (:mod:`telefonspor.rules.os2sync_ad`) instead of as a plain source.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from telefonspor.model import SourceRecord
from telefonspor.rules import os2sync_ad
from telefonspor.rules.fkorg import fkorg
from telefonspor.rules.os2mo import os2mo
from telefonspor.rules.os2sofd import os2sofd
from telefonspor.rules.os2sync import drops_landline, os2sync_db, sync_rule
from telefonspor.rules.outcome import EMPTY_SLOT, NOTHING, Passage, SlotOutcome
from telefonspor.rules.source import ad, hr, opus
from telefonspor.settings import Key, Settings

__all__ = [
    "EMPTY_SLOT",
    "NOTHING",
    "RULES",
    "Passage",
    "SlotOutcome",
    "drops_landline",
    "os2sync_ad",
    "passage",
    "sync_rule",
]

Rule = Callable[[SourceRecord, Settings], Passage]

#: One replay per system kind.
RULES: Final[dict[str, Rule]] = {
    "ad": ad,
    "opus": opus,
    "hr": hr,
    "os2sofd": os2sofd,
    "os2mo": os2mo,
    "os2sync-db": os2sync_db,
    "fkorg": fkorg,
}


def passage(record: SourceRecord, settings: Settings) -> Passage:
    """What ``record``'s system holds per slot and sends on; unknown systems hold nothing."""
    if record.system == "ad" and settings.get(Key.CHAIN_PRESET) == os2sync_ad.PRESET:
        return os2sync_ad.replay(record, settings)
    rule = RULES.get(record.system)
    return rule(record, settings) if rule is not None else NOTHING
