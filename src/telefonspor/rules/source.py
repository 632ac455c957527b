"""Authoritative sources (AD, OPUS, HR): they send what they hold."""

from __future__ import annotations

from functools import cache

from telefonspor.model import SourceRecord
from telefonspor.rules.outcome import (
    EMPTY_SLOT,
    Passage,
    RecordRule,
    Usable,
    make_passage,
    register_tally,
    slot_outcome,
    tally,
)
from telefonspor.settings import Key, Settings


@cache  # one rule object per pair of fields: the what-if sees an unchanged rule by identity
def by_types_rule(direct_type: str, mobile_type: str) -> RecordRule:
    """Slot by the field the number came from; names compare case-insensitively (LDAP).

    The field names are case-folded once here, and each record's phones are walked once
    (every record of every source is replayed in a run).
    """
    # An empty field name matches no field: None never equals a case-folded type.
    direct_key = direct_type.casefold() or None
    mobile_key = mobile_type.casefold() or None

    def held(record: SourceRecord) -> tuple[list[str], list[str]]:
        """The raw numbers in the direct and the mobile field, in the record's order."""
        direct: list[str] = []
        mobile: list[str] = []
        for p in record.phones:
            kind = p.type.casefold()
            if kind != direct_key and kind != mobile_key:
                continue
            raw = p.raw
            if not raw.strip():
                continue  # an empty cell is not a held number
            if kind == direct_key:
                direct.append(raw)
            if kind == mobile_key:  # both slots may name the same field
                mobile.append(raw)
        return direct, mobile

    def rule(record: SourceRecord) -> Passage:
        direct, mobile = held(record)
        # pass_through_raws() of each slot inlined: two calls less per record
        return make_passage(
            slot_outcome(tuple(direct), direct[0], (), "", ()) if direct else EMPTY_SLOT,
            slot_outcome(tuple(mobile), mobile[0], (), "", ()) if mobile else EMPTY_SLOT,
        )

    def count(record: SourceRecord, usable: Usable) -> int:
        """The counting twin of ``rule`` (see ``outcome.tally``): the same walk, no Passage."""
        # held() written out (every record of every source is counted), and a slot with one
        # number (nearly all) needs no list; a second one hands the record to crowded().
        direct = mobile = ""
        for p in record.phones:
            kind = p.type.casefold()
            if kind != direct_key and kind != mobile_key:
                continue
            raw = p.raw
            if not raw.strip():
                continue
            if kind == direct_key:
                if direct:
                    return crowded(record, usable)
                direct = raw
            if kind == mobile_key:
                if mobile:
                    return crowded(record, usable)
                mobile = raw
        d = 3 if direct and usable[direct] else 0
        return d | (3 if mobile and usable[mobile] else 0) << 2

    def crowded(record: SourceRecord, usable: Usable) -> int:
        # Two numbers in a slot (rare): the rule's own Passage, tallied.
        passage = rule(record)
        return tally(passage.direct, usable) | tally(passage.mobile, usable) << 2

    register_tally(rule, count)
    return rule


def by_types(record: SourceRecord, direct_type: str, mobile_type: str) -> Passage:
    """One record by :func:`by_types_rule` (a loop over many records binds the rule once)."""
    return by_types_rule(direct_type, mobile_type)(record)


def ad_rule(settings: Settings) -> RecordRule:
    return by_types_rule(
        settings.get(Key.AD_DIRECT_ATTRIBUTE), settings.get(Key.AD_MOBILE_ATTRIBUTE)
    )


opus_rule: RecordRule = by_types_rule("workPhone", "mobilePhone")
hr_rule: RecordRule = by_types_rule("direct", "mobile")


def ad(record: SourceRecord, settings: Settings) -> Passage:
    return ad_rule(settings)(record)


def opus(record: SourceRecord, settings: Settings) -> Passage:
    return opus_rule(record)


def hr(record: SourceRecord, settings: Settings) -> Passage:
    return hr_rule(record)
