"""What one system holds per slot and what its sync rules pass on (pure data)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

import msgspec

from telefonspor.model import PhoneEntry, SourceRecord

#: Record flags the rules read (set by the readers in ``sources/``).
DISABLED: Final = "disabled"
DELETED: Final = "deleted"
NO_AFFILIATION: Final = "no_affiliation"
DO_NOT_TRANSFER: Final = "do_not_transfer"
NO_MATCHING_AFFILIATION: Final = "no_matching_affiliation"
NO_ENGAGEMENT: Final = "no_engagement"
FAILURE: Final = "failure"
SKIPPED: Final = "skipped"


# msgspec Structs, not dataclasses: every record of every system is replayed once per run
# (millions at national), and a Struct is built ~5x faster than a frozen slots dataclass.
# ``gc=False``: they hold only strings and tuples of strings (a Passage: two SlotOutcomes),
# so they can never be part of a reference cycle and the collector need not track them.


class SlotOutcome(msgspec.Struct, frozen=True, gc=False):
    """One slot (direct or mobile) of one record after the system's rules."""

    held: tuple[str, ...]  # raw numbers the system holds that belong to this slot
    sent: str  # raw number passed on to the next hop ("" none)
    other: tuple[str, ...] = ()  # numbers held under a type that is never sent
    rule: str = ""  # rule code when a held number is not sent (the first one blocked)
    blocked: tuple[tuple[str, str], ...] = ()  # (raw, rule) for every held number not sent


class Passage(msgspec.Struct, frozen=True, gc=False):
    direct: SlotOutcome
    mobile: SlotOutcome

    def slot(self, name: str) -> SlotOutcome:
        return self.direct if name == "direct" else self.mobile


EMPTY_SLOT: Final = SlotOutcome((), "")
NOTHING: Final = Passage(EMPTY_SLOT, EMPTY_SLOT)

#: One system's replay with its settings already read: called once per record of a run.
RecordRule = Callable[[SourceRecord], Passage]


#: Whether a raw number is usable, by raw ('' is not). Systemic passes a lookup that asks
#: ``PhoneEngine.usable`` (no value is built), so a lookup costs a subscript.
Usable = Mapping[str, bool]
#: One record's counting twin of its rule: the bits of :func:`tally` of the direct slot, and
#: those of the mobile slot shifted by two (one int: a run counts the codes with a Counter).
RecordTally = Callable[[SourceRecord, Usable], int]

#: ``SlotOutcome(held, sent, other, rule, blocked)``, positional (the rules' name for it).
slot_outcome: Final = SlotOutcome
#: ``Passage(direct, mobile)``, positional.
make_passage: Final = Passage


def non_blank(entries: tuple[PhoneEntry, ...]) -> tuple[PhoneEntry, ...]:
    """Entries with a value; an empty cell is not a held number."""
    if not entries:
        return entries
    kept = [p for p in entries if p.raw.strip()]
    return entries if len(kept) == len(entries) else tuple(kept)


def outcome(
    held: tuple[PhoneEntry, ...],
    sent: PhoneEntry | None,
    reasons: dict[int, str],
    other: tuple[str, ...] = (),
) -> SlotOutcome:
    """A slot outcome; ``reasons`` maps the index in ``held`` of each blocked entry to its rule."""
    if not reasons:
        return slot_outcome(
            tuple(p.raw for p in held), sent.raw if sent is not None else "", other, "", ()
        )
    blocked = tuple((held[i].raw, rule) for i, rule in sorted(reasons.items()))
    return slot_outcome(
        tuple(p.raw for p in held),
        sent.raw if sent is not None else "",
        other,
        blocked[0][1],
        blocked,
    )


def pass_through(held: tuple[PhoneEntry, ...]) -> SlotOutcome:
    """A system without filters: it sends the first number it holds."""
    if not held:
        return EMPTY_SLOT
    return slot_outcome(tuple(p.raw for p in held), held[0].raw, (), "", ())


def pass_through_raws(held: list[str]) -> SlotOutcome:
    """:func:`pass_through` of raw values already picked out (the rules' single-loop fast path)."""
    if not held:
        return EMPTY_SLOT
    return slot_outcome(tuple(held), held[0], (), "", ())


def pass_through_by_type(
    record: SourceRecord, direct_types: frozenset[str], mobile_types: frozenset[str]
) -> Passage:
    """Each slot holds and passes on the record's non-empty numbers of its (case-folded) types,
    in order; one walk over the phones. FK-ORG's address roles and OS2sync's fields work so."""
    direct: list[str] = []
    mobile: list[str] = []
    for p in record.phones:
        raw = p.raw
        if not raw.strip():
            continue  # an empty field is not a held number
        kind = p.type.casefold()
        if kind in direct_types:
            direct.append(raw)
        elif kind in mobile_types:
            mobile.append(raw)
    # pass_through_raws() of each slot inlined: two calls less per record
    return make_passage(
        slot_outcome(tuple(direct), direct[0], (), "", ()) if direct else EMPTY_SLOT,
        slot_outcome(tuple(mobile), mobile[0], (), "", ()) if mobile else EMPTY_SLOT,
    )


# --- counting -----------------------------------------------------------------------
# Systemic counts, over every person of a system, who holds and who sends a usable number
# per slot (millions of records at national). Only those two bits are needed, not the
# Passage, so the simple rules have a counting twin that builds no outcome objects. Each
# twin must give what :func:`tally` gives on the rule's Passage
# (tests/perf_equivalence/test_holder_fast_paths.py); a rule without one is counted by its
# Passage (:func:`passage_tally`).


def tally(outcome: SlotOutcome, usable: Usable) -> int:
    """1 when the slot sends a usable number, + 2 when it holds one."""
    sent = outcome.sent
    ok = bool(sent) and usable[sent]
    held = outcome.held
    if ok and held and held[0] == sent:
        return 3  # the sent number is mostly the first held one: settled without a 2nd lookup
    for raw in held:
        if usable[raw]:
            return ok + 2
    return int(ok)


def held_bits(held: list[str], usable: Usable) -> int:
    """:func:`tally` of a slot that holds ``held`` and sends nothing."""
    for raw in held:
        if usable[raw]:
            return 2
    return 0


def passage_tally(rule: RecordRule) -> RecordTally:
    """The counting of any rule: :func:`tally` of its Passage."""

    def count(record: SourceRecord, usable: Usable) -> int:
        passage = rule(record)
        return tally(passage.direct, usable) | tally(passage.mobile, usable) << 2

    return count


def slot_bits(code: int) -> tuple[int, int]:
    """A :data:`RecordTally` code as (direct bits, mobile bits)."""
    return code & 3, code >> 2


_TALLIES: dict[RecordRule, RecordTally] = {}


def register_tally(rule: RecordRule, count: RecordTally) -> None:
    """Make ``count`` the counting twin of ``rule`` (see :func:`tally_of`)."""
    _TALLIES[rule] = count


def tally_of(rule: RecordRule) -> RecordTally:
    """How systemic counts the records ``rule`` replays: its twin, else by its Passage."""
    found = _TALLIES.get(rule)
    return found if found is not None else passage_tally(rule)


def pass_through_by_type_tally(
    direct_types: frozenset[str], mobile_types: frozenset[str]
) -> RecordTally:
    """The counting twin of :func:`pass_through_by_type` with these types."""

    def count(record: SourceRecord, usable: Usable) -> int:
        # A slot with one number (nearly all) needs no list: its first is sent; a second
        # number in a slot hands the record to the walk with lists.
        direct = mobile = ""
        for p in record.phones:
            raw = p.raw
            if not raw.strip():
                continue
            kind = p.type.casefold()
            if kind in direct_types:
                if direct:
                    return crowded(record, usable)
                direct = raw
            elif kind in mobile_types:
                if mobile:
                    return crowded(record, usable)
                mobile = raw
        d = 3 if direct and usable[direct] else 0
        return d | (3 if mobile and usable[mobile] else 0) << 2

    def crowded(record: SourceRecord, usable: Usable) -> int:
        # Two numbers in a slot (rare): the rule's own Passage, tallied.
        passage = pass_through_by_type(record, direct_types, mobile_types)
        return tally(passage.direct, usable) | tally(passage.mobile, usable) << 2

    return count
