"""Where in the chain a holder's number was lost, why, and who must fix it (pure).

The decision follows the shared cause spec literally (see
``docs/readme/aarsager.md``): per slot the first true step wins, per holder
the slot whose cause comes first in :data:`CAUSE_PRIORITY` (the direct slot
on a tie). :class:`Diagnoser` builds every index once; a holder then costs a
few dict lookups and cached phone parses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple, Protocol

import msgspec

from telefonspor.actions import (
    HOLDER_FREE_RULES,
    Facts,
    explain,
    facts_but_holder,
    responsible,
    show_number,
)
from telefonspor.catalogue import CAUSES, CauseCode
from telefonspor.identity import Identity, IdentityResolver, Link
from telefonspor.model import (
    POSITIONS,
    SLOTS,
    Hop,
    KlikUser,
    PhoneEntry,
    PhoneValue,
    SourceData,
    SourceRecord,
)
from telefonspor.rules import (
    NOTHING,
    Passage,
    SlotOutcome,
    bound_rules,
    drops_landline,
    os2sync_ad,
    replayer_of,
)
from telefonspor.rules.os2sync import sync_rule_for
from telefonspor.rules.outcome import DELETED, NO_AFFILIATION, NO_ENGAGEMENT
from telefonspor.settings import Key, Settings
from telefonspor.texts import finding_label, system_label


def _priority(cause: CauseCode) -> int:
    return cause.priority if cause.priority is not None else len(CAUSES)


#: Holder cause = the slot cause earliest in this list (the catalogue's priorities).
CAUSE_PRIORITY: Final = tuple(
    c.code for c in sorted((c for c in CAUSES if c.priority is not None), key=_priority)
)
#: When a local system blocks several usable numbers, the rule earliest here is reported.
LOCAL_RULE_ORDER: Final = (
    "os2sofd.no_matching_affiliation",
    "os2sofd.ad_account_disabled",
    "os2sofd.no_active_affiliation",
    "os2sofd.do_not_transfer",
    "os2sofd.hidden_mobile_not_sent",
    "os2sofd.no_type_prime",
    "os2mo.no_engagement",
    "os2mo.it_user_no_engagement",
    "os2mo.empty_class_list",
    "os2mo.type_not_in_scope",
    "os2mo.visibility_not_public",
    "os2mo.address_on_person",
    "os2mo.other_address_sent",
)
_LOCAL_RANK: Final = {rule: i for i, rule in enumerate(LOCAL_RULE_ORDER)}

#: Holder flags, in the order they are listed.
FLAG_ORDER: Final = ("stale", "no_active_employment", "ambiguous_match", "several_fkorg_users")
_INACTIVE: Final = frozenset({NO_AFFILIATION, NO_ENGAGEMENT, DELETED})
_UPSTREAM: Final = frozenset({"source", "local", "sync"})
#: Flag on FK-ORG records read via OS2sync's /api/hierarchy (it never carries Landline).
LANDLINE_UNKNOWN: Final = "landline_unknown"

#: Danish notes on a hop for record flags worth seeing in the trace.
_FLAG_NOTES: Final = {
    "disabled": "AD-konto spærret",
    "deleted": "slettet",
    "no_affiliation": "ingen aktiv tilknytning",
    "do_not_transfer": "doNotTransferToFkOrg",
    "no_matching_affiliation": "AD-konto uden matchende tilknytning",
    "no_engagement": "intet engagement",
    "no_it_user_engagement": "AD-it-brugeren har intet engagement",
    "failure": "fejl i OS2sync",
    "skipped": "sprunget over af OS2sync (cache)",
}


class PhoneParser(Protocol):
    """What the diagnosis needs of ``phones.PhoneEngine``."""

    def parse(self, raw: str) -> PhoneValue: ...


# A Struct: one per holder (150,000 at national). ``gc=False``: it holds only strings and
# tuples of strings and Hops (untracked Structs), so it can never be part of a reference cycle.
class Diagnosis(msgspec.Struct, frozen=True, gc=False):
    cause: str | None
    cause_detail: str
    responsible: str
    action: str
    rule: str
    trace: tuple[Hop, ...]  # one per configured system (upstream first) + a final "klik" hop
    flags: tuple[str, ...]


class _View(NamedTuple):
    """One configured system as seen for one holder (a tuple: one is made per hop)."""

    source: SourceData
    link: Link
    passage: Passage
    record: SourceRecord | None  # link.record
    position: str  # source.position


#: ``_View(...)`` without the NamedTuple's Python ``__new__`` (five views per holder).
_new_view: Final = tuple.__new__


@dataclass(frozen=True, slots=True)
class _Verdict:
    cause: str
    rule: str
    facts: Facts


class Diagnoser:
    """Diagnoses every holder of one run against the same configured chain."""

    def __init__(
        self, sources: Sequence[SourceData], settings: Settings, engine: PhoneParser
    ) -> None:
        rank = {p: i for i, p in enumerate(POSITIONS)}
        sources = os2sync_ad.chain_sources(sources, settings)
        self._sources = tuple(sorted(sources, key=lambda s: rank.get(s.position, len(rank))))
        self._settings = settings
        self._preset = os2sync_ad.active(settings)
        self._phone_attribute = os2sync_ad.phone_attribute(settings)
        self._engine = engine
        self._resolver = IdentityResolver(self._sources)
        self._identities: dict[str, Identity] = {}
        self._parsed: dict[str, PhoneValue] = {}
        self._passages: dict[int, Passage] = {}  # by id(record): records live for the whole run
        rules = bound_rules(settings)  # every system's settings read once per run
        self._replay = replayer_of(rules)
        self._rule_of = rules.get
        self._missed: dict[tuple[str, str, str, str], Hop] = {}
        self._holder_free: dict[tuple[object, ...], tuple[str, str, str]] = {}
        self._drops_landline = drops_landline(settings)
        self._os2sync_version = settings.get(Key.OS2SYNC_VERSION)
        self._positions = frozenset(s.position for s in self._sources)
        # Places in a holder's views (the order of the sources) of FK-ORG and the local systems.
        places = list(enumerate(s.position for s in self._sources))
        self._fkorg_places = tuple(i for i, position in places if position == "fkorg")
        self._local_places = tuple(i for i, position in places if position == "local")
        self._has_fkorg = "fkorg" in self._positions
        self._local_kinds = [s.kind for s in self._sources if s.position == "local"]
        kinds = list(dict.fromkeys(s.kind for s in self._sources))
        self._systems = ", ".join(system_label(k) for k in kinds)
        upstream = list(dict.fromkeys(s.kind for s in self._sources if s.position in _UPSTREAM))
        self._upstream_systems = ", ".join(system_label(k) for k in upstream) or self._systems

    # --- public ----------------------------------------------------------------------

    @property
    def resolver(self) -> IdentityResolver:
        """The identity indexes of this run, for the what-if replay to reuse."""
        return self._resolver

    @property
    def passages(self) -> dict[int, Passage]:
        """The uncovered holders' records' replays under this run's settings, by
        ``id(record)``, for the what-if of the systemic ranking (it replays the rest itself)."""
        return self._passages

    @property
    def identities(self) -> dict[str, Identity]:
        """Every holder's links resolved so far, by user id."""
        return self._identities

    def diagnose(
        self, user: KlikUser, direct: PhoneValue, mobile: PhoneValue, covered: bool
    ) -> Diagnosis:
        klik_hop = Hop(
            "klik", "klik", True, user.direct_raw, user.mobile_raw
        )  # positional: cheaper
        if not self._sources:
            if covered:  # nothing to explain: no verdict to build
                return Diagnosis(None, "", "", "", "", (klik_hop,), ())
            verdict = _Verdict("undetermined", "chain.no_sources", Facts("direct", user.user_id))
            return self._finish(verdict, (klik_hop,), (), covered)
        identity = self._resolver.resolve(user)
        self._identities[user.user_id] = identity
        views = self._views(identity, keep=not covered)
        trace = (*map(self._hop, views), klik_hop)
        flags = self._flags(views, direct, mobile, identity.flags)
        if covered:
            return Diagnosis(None, "", "", "", "", trace, flags)
        return self._finish(self._verdict(user, views), trace, flags, covered)

    def _views(self, identity: Identity, keep: bool) -> list[_View]:
        """Each configured system as seen for this holder (``_passage`` inlined: five systems
        per holder). ``keep``: an uncovered holder's replays are kept for the what-if of the
        systemic ranking (``passages``); a covered holder's are not needed again."""
        passages, rule_of = self._passages, self._rule_of
        views = []
        for source, link in zip(self._sources, identity.links, strict=True):
            records = link.records
            if not records:
                views.append(_new_view(_View, (source, link, NOTHING, None, source.position)))
                continue
            record = records[0]
            # self._replay(record) inlined (rules.replayer_of): a call less per record
            if keep:
                found = passages.get(id(record))
                if found is None:
                    rule = rule_of(record.system)
                    found = passages[id(record)] = rule(record) if rule is not None else NOTHING
            else:
                rule = rule_of(record.system)
                found = rule(record) if rule is not None else NOTHING
            views.append(_new_view(_View, (source, link, found, record, source.position)))
        return views

    # --- the decision -------------------------------------------------------------------

    def _finish(
        self, verdict: _Verdict, trace: tuple[Hop, ...], flags: tuple[str, ...], covered: bool
    ) -> Diagnosis:
        if covered:
            return Diagnosis(None, "", "", "", "", trace, flags)
        detail, party, action = self._texts(verdict)
        return Diagnosis(verdict.cause, detail, party, action, verdict.rule, trace, flags)

    def _texts(self, verdict: _Verdict) -> tuple[str, str, str]:
        """(cause_detail, responsible, action); filled once per set of facts for the rules
        that do not name the holder (a KLIK export without a chain: every uncovered holder)."""
        key = None
        if verdict.rule in HOLDER_FREE_RULES:
            key = (verdict.cause, verdict.rule, facts_but_holder(verdict.facts))
            found = self._holder_free.get(key)
            if found is not None:
                return found
        detail, action = explain(verdict.rule, verdict.facts)
        texts = detail, responsible(verdict.cause, verdict.rule), action
        if key is not None:
            self._holder_free[key] = texts
        return texts

    def _verdict(self, user: KlikUser, views: list[_View]) -> _Verdict:
        if self._preset:
            account = self._os2sync_ad_account(user, views)
            if account is not None:
                return account
        if self._has_fkorg and not any(v.link.found for v in views if v.position == "fkorg"):
            facts = Facts("direct", user.user_id, systems=self._systems)
            return _Verdict("legacy_klik_user", "klik.legacy_user", facts)
        verdicts = [self._slot_verdict(user, views, slot) for slot in SLOTS]
        if self._preset:
            # OS2sync-AD never sends Direkte nummer: the mobile slot, the one that can be
            # repaired, wins a tie.
            verdicts.reverse()
        # min() keeps the first of equals: the direct slot wins a tie.
        return min(verdicts, key=lambda v: CAUSE_PRIORITY.index(v.cause))

    def _os2sync_ad_account(self, user: KlikUser, views: list[_View]) -> _Verdict | None:
        """OS2sync-AD chains: a disabled AD account, or an AD account FK-ORG never got."""
        ad = next((v for v in views if v.source.kind == "ad" and v.position == "local"), None)
        record = ad.record if ad is not None else None
        if ad is None or record is None or ad.link.confidence != "exact":
            return None  # an e-mail match may be another account of the same person
        facts = Facts(
            "mobile",
            user.user_id,
            system="ad",
            account=record.user_id,
            attribute=self._phone_attribute,
        )
        if os2sync_ad.stops(record, self._settings):
            return _Verdict("lost_local_to_fkorg", os2sync_ad.ACCOUNT_DISABLED, facts)
        if self._has_fkorg and not any(v.link.found for v in views if v.position == "fkorg"):
            return _Verdict("lost_local_to_fkorg", os2sync_ad.USER_NOT_SYNCED, facts)
        return None

    def _slot_verdict(self, user: KlikUser, views: list[_View], slot: str) -> _Verdict:
        found = [v for v in views if v.record is not None]
        fkorg = [v for v in found if v.position == "fkorg"]
        local = [v for v in found if v.position == "local"]
        sync = [v for v in found if v.position == "sync"]
        source = [v for v in found if v.position == "source"]
        uid = user.user_id

        for v in fkorg:  # a. FK-ORG has it, KLIK does not show it
            value = self._first_usable(v.passage.slot(slot).held)
            if value is not None:
                facts = self._facts(slot, uid, v, value)
                return _Verdict("lost_fkorg_to_klik", "klik.not_shown", facts)

        # FK-ORG read through OS2sync's /api/hierarchy carries no landline: unknown, not missing.
        if slot == "direct" and any(
            LANDLINE_UNKNOWN in (v.record.flags if v.record else ()) for v in fkorg
        ):
            facts = Facts(slot, uid, system="fkorg", account=_account(fkorg))
            return _Verdict("undetermined", "fkorg.landline_unknown", facts)

        for v in local:  # b. the local system sends it, FK-ORG lacks it
            sent = v.passage.slot(slot).sent
            value = self._parse(sent) if sent else None
            if value is not None and value.usable:
                rows = [r for s in sync for r in s.link.records]
                rule = sync_rule_for(slot, rows, self._drops_landline)
                error = next((r.error for r in rows if "failure" in r.flags and r.error), "")
                ad = self._preset and v.source.kind == "ad"
                if ad and rule == "os2sync.not_delivered":
                    rule = os2sync_ad.NOT_DELIVERED
                facts = self._facts(
                    slot,
                    uid,
                    v,
                    value,
                    entry=_entry(v, sent) if ad else None,
                    error=error,
                    version=self._os2sync_version,
                )
                return _Verdict("lost_local_to_fkorg", rule, facts)

        blocked = self._blocked(slot, uid, local)  # c. held locally, blocked by a rule
        if blocked is not None:
            return blocked

        for v in local:  # d. held locally only as a type that is never sent
            for raw in v.passage.slot(slot).other:
                value = self._parse(raw)
                if value.usable:
                    facts = self._facts(slot, uid, v, value, entry=_entry(v, raw))
                    rule = "os2sofd.wrong_phone_type"
                    if self._preset and v.source.kind == "ad":
                        rule = os2sync_ad.other_rule(slot)
                    return _Verdict("lost_local_to_fkorg", rule, facts)

        for v in source:  # e. the source has it, the next hop does not
            value = self._first_usable(v.passage.slot(slot).held)
            if value is None:
                continue
            entry = _entry(v, value.raw)
            if not self._local_kinds:
                facts = self._facts(slot, uid, v, value, entry=entry)
                return _Verdict("lost_before_fkorg", "chain.no_local_system", facts)
            target = local[0].source.kind if local else self._local_kinds[0]
            rule = "source_to_local.not_imported" if local else "source_to_local.person_missing"
            facts = self._facts(slot, uid, v, value, entry=entry, target=target)
            return _Verdict("lost_source_to_local", rule, facts)

        if not self._positions & _UPSTREAM:  # f. only FK-ORG was given
            facts = Facts(slot, uid, system="fkorg", account=_account(fkorg))
            return _Verdict("lost_before_fkorg", "fkorg.no_upstream", facts)

        upstream = [v for v in found if v.position in _UPSTREAM]
        for v in upstream:  # g. an unusable value upstream
            for raw in v.passage.slot(slot).held:
                value = self._parse(raw)
                if not value.usable:
                    problem = ", ".join(finding_label(f) for f in value.findings) or "ugyldigt"
                    facts = self._facts(
                        slot, uid, v, value, entry=_entry(v, raw), problem=problem, show_raw=True
                    )
                    return _Verdict("invalid_in_source", "source.invalid", facts)

        if upstream:  # h. the person is known upstream, the number never was
            first = upstream[0]
            facts = Facts(
                slot,
                uid,
                system=first.source.kind,
                account=first.record.user_id if first.record else "",
                systems=self._upstream_systems,
                attribute=self._phone_attribute,
            )
            rule = "source.missing"
            if self._preset and first.source.kind == "ad" and first.position == "local":
                rule = os2sync_ad.MISSING
            return _Verdict("missing_in_source", rule, facts)

        facts = Facts(slot, uid, systems=self._upstream_systems)  # i.
        return _Verdict("undetermined", "chain.not_found", facts)

    def _blocked(self, slot: str, uid: str, local: list[_View]) -> _Verdict | None:
        """Step c: a usable number a local system holds but its rules do not send."""
        best: tuple[int, _View, PhoneValue, str] | None = None
        for v in local:
            for raw, rule in v.passage.slot(slot).blocked:
                rank = _LOCAL_RANK.get(rule, len(_LOCAL_RANK))
                if best is not None and rank >= best[0]:
                    continue
                value = self._parse(raw)
                if value.usable:
                    best = (rank, v, value, rule)
        if best is None:
            return None
        _, v, value, rule = best
        outcome: SlotOutcome = v.passage.slot(slot)
        sent = show_number(self._parse(outcome.sent)) if outcome.sent else ""
        facts = self._facts(slot, uid, v, value, entry=_entry(v, value.raw), sent=sent)
        return _Verdict("lost_local_to_fkorg", rule, facts)

    # --- trace and flags --------------------------------------------------------------

    def _hop(self, v: _View) -> Hop:
        record = v.record
        link = v.link
        if record is None:
            # Every holder a system misses gets the same hop: made once per kind of miss.
            miss = (v.source.kind, v.position, link.key, link.confidence)
            hop = self._missed.get(miss)
            if hop is None:
                notes = ("flere mulige personer",) if link.confidence == "ambiguous" else ()
                hop = Hop(*miss[:2], False, key=link.key, confidence=link.confidence, notes=notes)
                self._missed[miss] = hop
            return hop
        passage = v.passage
        direct, mobile = passage.direct, passage.mobile
        if self._preset and v.source.kind == "ad":  # OS2sync-AD's AD also shows what it never sends
            shown_direct, shown_mobile = (
                (*direct.held, *direct.other),
                (*mobile.held, *mobile.other),
            )
        else:
            shown_direct, shown_mobile = direct.held, mobile.held
        return Hop(
            v.source.kind,
            v.position,
            True,
            # _best() inlined for a slot's one number or none (nearly every slot)
            shown_direct[0]
            if len(shown_direct) == 1
            else (self._best(shown_direct) if shown_direct else ""),
            shown_mobile[0]
            if len(shown_mobile) == 1
            else (self._best(shown_mobile) if shown_mobile else ""),
            direct.sent,
            mobile.sent,
            link.key,
            link.confidence,
            _notes(record.flags) if record.flags else (),
        )

    def _flags(
        self,
        views: list[_View],
        direct: PhoneValue,
        mobile: PhoneValue,
        identity_flags: tuple[str, ...],
    ) -> tuple[str, ...]:
        stale = False
        shown_usable = [
            (slot, shown)
            for slot, shown in (("direct", direct), ("mobile", mobile))
            if shown.usable
        ]
        # Only FK-ORG's and the local systems' views count: visited by their places.
        for place in self._fkorg_places if shown_usable else ():
            if stale:
                break  # only a usable number KLIK shows can be stale
            v = views[place]
            if v.record is None:
                continue
            for slot, shown in shown_usable:
                held = v.passage.slot(slot).held
                if len(held) == 1:  # nearly always: no set for one number
                    value = self._parse(held[0])
                    stale = stale or (value.usable and value.e164 != shown.e164)
                    continue
                numbers = {p.e164 for p in map(self._parse, held) if p.usable}
                stale = stale or bool(numbers and shown.e164 not in numbers)
        # A record without flags is active: most holders are settled by their first record.
        inactive = self._inactive(views)
        if not (stale or inactive or identity_flags):
            return ()
        flags = set(identity_flags)
        if stale:
            flags.add("stale")
        if inactive:
            flags.add("no_active_employment")
        return tuple(f for f in FLAG_ORDER if f in flags)

    def _inactive(self, views: list[_View]) -> bool:
        """The holder has local records and none of them is active."""
        found = False
        for place in self._local_places:
            for r in views[place].link.records:
                if not r.flags or _INACTIVE.isdisjoint(r.flags):
                    return False
                found = True
        return found

    # --- helpers ------------------------------------------------------------------------

    def _passage(self, record: SourceRecord | None) -> Passage:
        if record is None:
            return NOTHING
        found = self._passages.get(id(record))
        if found is None:
            found = self._replay(record)
            self._passages[id(record)] = found
        return found

    def _parse(self, raw: str) -> PhoneValue:
        value = self._parsed.get(raw)
        if value is None:
            value = self._engine.parse(raw)
            self._parsed[raw] = value
        return value

    def _first_usable(self, raws: Sequence[str]) -> PhoneValue | None:
        for raw in raws:
            value = self._parse(raw)
            if value.usable:
                return value
        return None

    def _best(self, raws: Sequence[str]) -> str:
        """The raw value to show for a slot: the first usable, else the first held."""
        if len(raws) < 2:  # nearly every slot: a parse keeps its raw, so the one held is shown
            return raws[0] if raws else ""
        value = self._first_usable(raws)
        if value is not None:
            return value.raw
        return raws[0] if raws else ""

    def _facts(
        self,
        slot: str,
        uid: str,
        v: _View,
        value: PhoneValue,
        *,
        entry: PhoneEntry | None = None,
        show_raw: bool = False,
        **extra: str,
    ) -> Facts:
        record = v.record
        return Facts(
            slot,
            uid,
            system=v.source.kind,
            account=record.user_id if record is not None else "",
            number=value.raw.strip() if show_raw else show_number(value),
            field=entry.type if entry is not None else "",
            visibility=entry.visibility if entry is not None else "",
            systems=self._upstream_systems,
            attribute=self._phone_attribute,
            **extra,
        )


def _notes(flags: frozenset[str]) -> tuple[str, ...]:
    """Danish notes for the record flags worth seeing in the trace, in flag order."""
    return tuple(_FLAG_NOTES[f] for f in sorted(flags) if f in _FLAG_NOTES)


def _entry(v: _View, raw: str) -> PhoneEntry | None:
    """The record's phone entry holding ``raw`` (for its type and visibility)."""
    record = v.record
    if record is None:
        return None
    return next((p for p in record.phones if p.raw == raw), None)


def _account(views: list[_View]) -> str:
    record = views[0].record if views else None
    return record.user_id if record is not None else ""
