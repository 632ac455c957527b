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
from telefonspor.rules.fkorg import fkorg, fkorg_rule
from telefonspor.rules.os2mo import os2mo, os2mo_rule
from telefonspor.rules.os2sofd import os2sofd, os2sofd_rule
from telefonspor.rules.os2sync import drops_landline, os2sync_db, os2sync_db_rule, sync_rule
from telefonspor.rules.outcome import (
    EMPTY_SLOT,
    NOTHING,
    Passage,
    RecordRule,
    RecordTally,
    SlotOutcome,
    Usable,
    tally_of,
)
from telefonspor.rules.source import ad, ad_rule, hr, hr_rule, opus, opus_rule
from telefonspor.settings import Key, Settings

__all__ = [
    "EMPTY_SLOT",
    "NOTHING",
    "RULES",
    "Passage",
    "RecordRule",
    "RecordTally",
    "SlotOutcome",
    "Usable",
    "bound_rules",
    "bound_tallies",
    "drops_landline",
    "os2sync_ad",
    "passage",
    "replayer",
    "replayer_of",
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


def _fixed(rule: RecordRule) -> Callable[[Settings], RecordRule]:
    return lambda settings: rule


#: Per system kind: the replay bound to one run's settings (settings read once, not per record).
_BINDERS: Final[dict[str, Callable[[Settings], RecordRule]]] = {
    "ad": ad_rule,
    "opus": _fixed(opus_rule),
    "hr": _fixed(hr_rule),
    "os2sofd": os2sofd_rule,
    "os2mo": os2mo_rule,
    "os2sync-db": _fixed(os2sync_db_rule),
    "fkorg": _fixed(fkorg_rule),
}


def _binder(system: str, settings: Settings) -> Callable[[Settings], RecordRule] | None:
    if system == "ad" and settings.get(Key.CHAIN_PRESET) == os2sync_ad.PRESET:
        return os2sync_ad.replay_rule
    return _BINDERS.get(system)


def passage(record: SourceRecord, settings: Settings) -> Passage:
    """What ``record``'s system holds per slot and sends on; unknown systems hold nothing.

    For many records under the same settings use :func:`replayer`: it reads them once.
    """
    bind = _binder(record.system, settings)
    return bind(settings)(record) if bind is not None else NOTHING


def bound_rules(settings: Settings) -> dict[str, RecordRule]:
    """Each system kind's replay under ``settings``, its settings read once.

    A rule bound to the same values is the same object, so ``a[kind] is b[kind]`` says
    that two settings replay that kind's records alike.
    """
    return {kind: bind(settings) for kind in _BINDERS if (bind := _binder(kind, settings))}


def bound_tallies(settings: Settings) -> dict[str, RecordTally]:
    """Each system kind's counting under ``settings`` (see ``outcome.tally``): per record,
    whether each slot holds and sends a usable number, without building its Passage."""
    return {kind: tally_of(rule) for kind, rule in bound_rules(settings).items()}


def replayer(settings: Settings) -> RecordRule:
    """:func:`passage` under ``settings``, with every system's settings read once."""
    return replayer_of(bound_rules(settings))


def replayer_of(rules: dict[str, RecordRule]) -> RecordRule:
    """:func:`passage` by rules already bound (see :func:`bound_rules`)."""
    rule_of = rules.get

    def replay(record: SourceRecord) -> Passage:
        rule = rule_of(record.system)
        return rule(record) if rule is not None else NOTHING

    return replay
