"""Systemic causes: the few configuration faults that explain most uncovered roles (pure).

Each detector reads the *whole* population (every record of every system, not
only role holders) for a pattern that only a setting or a mapping produces,
and proposes one change as a what-if assignment. Its gain is measured by
replaying the chain with that assignment (:mod:`telefonspor.whatif`), so
``telefonspor whatif --set <setting>`` yields exactly ``roles_gained``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import repeat
from operator import attrgetter
from typing import Final

from telefonspor.identity import Identity, IdentityResolver
from telefonspor.model import HolderResult, KlikExport, SourceData, SourceRecord, SystemicFinding
from telefonspor.phones import PhoneEngine
from telefonspor.rules import Passage, RecordTally, bound_tallies, os2sync_ad, replayer
from telefonspor.rules.os2mo import CLASS_KEYS as OS2MO_CLASS_KEYS
from telefonspor.rules.os2mo import class_of
from telefonspor.rules.os2mo import classes as os2mo_classes
from telefonspor.rules.os2sync import drops_landline
from telefonspor.rules.outcome import slot_bits
from telefonspor.settings import Key, Settings, parse_assignments
from telefonspor.texts import system_label
from telefonspor.whatif import ChainReplayer

#: A population share at or above this counts as "most"; at or below _NONE as "none".
_MOST: Final = 0.2
_NONE: Final = 0.02
_ALL_HIDDEN: Final = 0.9
_MIN_RECORDS: Final = 10
_AD_PHONE_ATTRIBUTES: Final = (
    "telephoneNumber",
    "ipPhone",
    "otherTelephone",
    "mobile",
    "otherMobile",
    "pager",
    "homePhone",
)
_SLOT_DA: Final = {"direct": "Direkte nummer", "mobile": "Mobil nummer"}
_AD_ATTRIBUTE_KEYS: Final = {"direct": Key.AD_DIRECT_ATTRIBUTE, "mobile": Key.AD_MOBILE_ATTRIBUTE}


@dataclass(frozen=True, slots=True)
class Candidate:
    code: str
    title: str
    evidence: Mapping[str, int]
    evidence_text: str
    fix: str
    assignments: tuple[str, ...]  # what-if --set values, e.g. ("os2sync.version=3.0",)
    responsible: str


def find_systemic(
    klik: KlikExport,
    sources: Sequence[SourceData],
    settings: Settings,
    holders: Sequence[HolderResult],
    engine: PhoneEngine,
    *,
    resolver: IdentityResolver | None = None,
    identities: Mapping[str, Identity] | None = None,
    groups: Sequence[SystemicFinding] = (),
    passages: dict[int, Passage] | None = None,
    precounted: Mapping[str, Mapping[str, int]] | None = None,
) -> tuple[SystemicFinding, ...]:
    """Systemic findings ranked by roles gained, each with its cumulative gain.

    ``groups`` are ranked items without a setting (e.g. the legacy users' role
    migration): their holders count as gained as they are, beside the replay.
    ``passages`` are the replays diagnose already made under the same ``settings``
    (by ``id(record)``): each record is replayed once per run, not once per stage.
    ``precounted`` are kinds' :func:`precount` made where their file was read (the forked
    reader of ``edge.parallel_read``), so they are not counted again here.
    """
    uncovered = {h.user_id: h for h in holders if not h.covered}
    if not uncovered or not sources:
        return ()
    facts = _Population(sources, settings, engine, passages, precounted)
    rules = Counter(h.rule for h in uncovered.values())
    replayer = ChainReplayer(
        klik,
        sources,
        settings,
        engine,
        resolver=resolver,
        identities=identities,
        passages=facts.passages,
    )
    roles = {h.user_id: len(h.roles) for h in uncovered.values()}
    uncovered_users = [u for u in klik.users if u.roles and u.user_id in uncovered]

    def gained(assignments: Sequence[str]) -> list[str]:
        new = settings.replace(_merge(settings, assignments))
        users = {u.user_id: u for u in replayer.changed_users(new, uncovered_users)}
        return sorted(
            uid
            for uid, u in users.items()
            if engine.parse(u.direct_raw).usable or engine.parse(u.mobile_raw).usable
        )

    found: list[SystemicFinding] = []
    seen: set[tuple[str, ...]] = set()
    for candidate in _candidates(facts, rules, settings):
        if candidate.assignments in seen:
            continue
        seen.add(candidate.assignments)
        users = gained(candidate.assignments)
        if not users:
            continue
        found.append(
            SystemicFinding(
                code=candidate.code,
                title=candidate.title,
                evidence=dict(candidate.evidence),
                evidence_text=candidate.evidence_text,
                fix=candidate.fix,
                setting=" ".join(candidate.assignments),
                responsible=candidate.responsible,
                roles_gained=sum(roles[u] for u in users),
                holders_gained=len(users),
                user_ids=tuple(users),
            )
        )
    found.extend(g for g in groups if g.roles_gained)
    found.sort(key=lambda f: (-f.roles_gained, f.code))
    out = []
    assignments: list[str] = []
    together: set[str] = set()
    grouped: set[str] = set()
    for finding in found:
        if finding.setting:
            assignments.extend(finding.setting.split(" "))
            together = set(gained(assignments))
        else:
            grouped.update(u for u in finding.user_ids if u in roles)
        reached = together | grouped
        out.append(replace(finding, cumulative_roles_gained=sum(roles[u] for u in reached)))
    return tuple(out)


def _merge(settings: Settings, assignments: Sequence[str]) -> dict[str, object]:
    """Parse ``key=value`` assignments; list settings named twice are united, not replaced."""
    merged: dict[str, object] = {}
    for item in assignments:
        for key, value in parse_assignments([item]).items():
            previous = merged.get(key)
            if isinstance(value, list) and isinstance(previous, list):
                merged[key] = list(dict.fromkeys([*previous, *value]))
            else:
                merged[key] = value
    return merged


class _Population:
    """Counts over every record of every system, for the detectors.

    Each kind's persons are listed once and walked once for every count the detectors
    ask (holding and sending, per slot, by the rules' counting twins); a raw value's
    usability is looked up once. The rules are bound to the settings once, and the
    diagnosis' replays are reused where a Passage is needed (the what-if).
    """

    def __init__(
        self,
        sources: Sequence[SourceData],
        settings: Settings,
        engine: PhoneEngine,
        passages: dict[int, Passage] | None = None,
        precounted: Mapping[str, Mapping[str, int]] | None = None,
    ) -> None:
        self.sources = sources
        self.settings = settings
        self._replay = replayer(settings)
        self.kinds = {s.kind for s in sources}
        self.local_kinds = [s.kind for s in sources if s.position == "local"]
        self.source_kinds = [s.kind for s in sources if s.position == "source"]
        self._passages: dict[int, Passage] = {} if passages is None else passages
        self._persons: dict[str, list[SourceRecord]] = {}
        self._usable_types: dict[int, frozenset[str]] = {}
        self._usable = UsableCache(engine)
        self._tallies = bound_tallies(settings)
        self._kind_counts: dict[str, Mapping[str, int]] = dict(precounted or {})

    @property
    def passages(self) -> dict[int, Passage]:
        """The replays under the run's settings, by ``id(record)`` (shared with the what-if)."""
        return self._passages

    def records(self, kind: str) -> Iterator[SourceRecord]:
        for s in self.sources:
            if s.kind == kind:
                yield from s.records

    def persons(self, kind: str) -> list[SourceRecord]:
        """The first record of each person of one kind (local systems count persons once)."""
        found = self._persons.get(kind)
        if found is None:
            found = self._persons[kind] = first_per_person(self.records(kind))
        return found

    def count(self, kind: str, test: Callable[[SourceRecord], bool]) -> tuple[int, int]:
        """(records passing ``test``, all records) of one kind; persons counted once for local systems."""
        records = self.persons(kind)
        return sum(1 for r in records if test(r)), len(records)

    def count_holding(self, kind: str, slot: str) -> tuple[int, int]:
        """``count(kind, lambda r: holds(r, slot))``, from one walk over the kind."""
        counts = self._counts(kind)
        return counts[f"holds_{slot}"], counts["total"]

    def count_sending(self, kind: str, slot: str) -> tuple[int, int]:
        """``count(kind, lambda r: sends(r, slot))``, from the same walk."""
        counts = self._counts(kind)
        return counts[f"sends_{slot}"], counts["total"]

    def _counts(self, kind: str) -> Mapping[str, int]:
        """Every count of ``kind``'s persons the detectors ask (:func:`population_counts`)."""
        found = self._kind_counts.get(kind)
        if found is None:
            found = population_counts(kind, self.persons(kind), self._tallies, self._usable)
            self._kind_counts[kind] = found
        return found

    def count_attribute(self, attribute: str) -> tuple[int, int]:
        """``count("ad", lambda r: ad_attribute(r, attribute))``, from the kind's counts."""
        counts = self._counts("ad")
        return counts.get(_TYPE + attribute.casefold(), 0), counts["total"]

    def count_hidden_mobiles(self) -> tuple[int, int]:
        """``count("os2sofd", has_hidden_mobile)``, from the kind's counts."""
        counts = self._counts("os2sofd")
        return counts[_HIDDEN_MOBILES], counts["total"]

    def passage(self, record: SourceRecord) -> Passage:
        """Each record's replay once per run: the detectors ask many times."""
        found = self._passages.get(id(record))
        if found is None:
            found = self._replay(record)
            self._passages[id(record)] = found
        return found

    def usable(self, raw: str) -> bool:
        return self._usable[raw]

    def holds(self, record: SourceRecord, slot: str) -> bool:
        return any(self.usable(raw) for raw in self.passage(record).slot(slot).held)

    def sends(self, record: SourceRecord, slot: str) -> bool:
        return self.usable(self.passage(record).slot(slot).sent)

    def ad_attribute(self, record: SourceRecord, attribute: str) -> bool:
        return attribute.casefold() in self._types(record)

    def _types(self, record: SourceRecord) -> frozenset[str]:
        """The case-folded phone types holding a usable number on ``record``."""
        types = self._usable_types.get(id(record))
        if types is None:
            types = frozenset(p.type.casefold() for p in record.phones if self.usable(p.raw))
            self._usable_types[id(record)] = types
        return types


_SYSTEM: Final = attrgetter("system")


def first_per_person(records: Iterable[SourceRecord]) -> list[SourceRecord]:
    """The first record of each person (by person key, else user name, else itself)."""
    seen: set[str] = set()
    found = []
    for r in records:
        person = r.person_key or r.user_id or str(id(r))
        if person in seen:
            continue
        seen.add(person)
        found.append(r)
    return found


def kind_counts(
    persons: Sequence[SourceRecord], tallies: Mapping[str, RecordTally], usable: Mapping[str, bool]
) -> dict[str, int]:
    """Of one kind's persons: how many hold and send a usable number, per slot; one walk.

    Each record is counted by its rule's counting twin (``rules.bound_tallies``): the
    counts are all the detectors need, so no Passage is built for the millions of
    records of a national run (the diagnosis' replays are not needed either). A record
    without phones counts 0 by every rule.
    """
    systems = set(map(_SYSTEM, persons))
    codes: Counter[int] = Counter()
    if len(systems) == 1:  # the usual kind: one rule, counted by map() and a Counter in C
        count = tallies.get(systems.pop())
        if count is not None:
            codes.update(map(count, persons, repeat(usable)))
    else:
        for r in persons:
            count = tallies.get(r.system)
            if count is not None:  # a system without rules holds nothing
                codes[count(r, usable)] += 1
    holds_direct = holds_mobile = sends_direct = sends_mobile = 0
    for code, n in codes.items():
        direct, mobile = slot_bits(code)
        sends_direct += n * (direct & 1)
        holds_direct += n * (direct >> 1)
        sends_mobile += n * (mobile & 1)
        holds_mobile += n * (mobile >> 1)
    return {
        "holds_direct": holds_direct,
        "holds_mobile": holds_mobile,
        "sends_direct": sends_direct,
        "sends_mobile": sends_mobile,
        "total": len(persons),
    }


#: Keys of :func:`population_counts` beside :func:`kind_counts`': an AD phone type's
#: persons with a usable number in it ("type:" + the type case-folded), and OS2sofd's
#: persons with a usable MOBILE that is not VISIBLE.
_TYPE: Final = "type:"
_HIDDEN_MOBILES: Final = "hidden_mobiles"


def population_counts(
    kind: str,
    persons: Sequence[SourceRecord],
    tallies: Mapping[str, RecordTally],
    usable: Mapping[str, bool],
) -> dict[str, int]:
    """Every count the detectors ask of one kind's persons: :func:`kind_counts`, and for
    AD each phone type's count, for OS2sofd the hidden mobiles (a second walk, over the
    usability the first one remembered in ``usable``, a :class:`UsableCache`)."""
    counts = kind_counts(persons, tallies, usable)
    if kind == "ad":
        counts.update(_type_counts(persons, usable))
    elif kind == "os2sofd":
        counts[_HIDDEN_MOBILES] = _hidden_mobile_count(persons, usable)
    return counts


def _type_counts(persons: Sequence[SourceRecord], usable: Mapping[str, bool]) -> dict[str, int]:
    """Per phone type (case-folded, with the "type:" key prefix): the persons holding a
    usable number in it, each person once per type."""
    keys = _TypeKeys()
    hits: list[str] = []
    extend = hits.extend
    for r in persons:
        if r.phones:
            extend({keys[p.type] for p in r.phones if usable[p.raw]})
    return dict(Counter(hits))  # counted in C, once


class _TypeKeys(dict[str, str]):
    """A phone type -> its count's key ("type:" + the type case-folded), made once per type."""

    def __missing__(self, type_: str) -> str:
        key = self[type_] = _TYPE + type_.casefold()
        return key


def _hidden_mobile_count(persons: Sequence[SourceRecord], usable: Mapping[str, bool]) -> int:
    """Persons with a usable MOBILE that is not VISIBLE (null visibility is not VISIBLE
    upstream)."""
    hidden = 0
    for r in persons:
        for p in r.phones:
            if p.type.upper() != "MOBILE":
                continue
            if p.visibility.upper() != "VISIBLE" and usable[p.raw]:
                hidden += 1
                break
    return hidden


def precount(
    data: SourceData, settings: Settings, usable: UsableCache | None = None
) -> dict[str, int]:
    """:func:`population_counts` of one system read alone, as the audit would count it (the
    same phone engine and rules): made by the process that read it, so the audit need not.

    ``usable``: one :class:`UsableCache` for every system a process counts (an engine made
    from ``settings``' placeholders): a number is usually stored alike in several systems
    of a chain, so it is parsed once per process.
    """
    if usable is None:
        usable = UsableCache(PhoneEngine(settings.get(Key.AUDIT_PLACEHOLDERS)))
    persons = first_per_person(data.records)
    return population_counts(data.kind, persons, bound_tallies(settings), usable)


class UsableCache(dict[str, bool]):
    """raw -> usable (``PhoneEngine.usable``: no value built), asked on the first lookup and
    remembered: a hit is one subscript, no call. A chain's systems mostly store the same
    numbers alike, and AD and OS2sofd are walked twice."""

    def __init__(self, engine: PhoneEngine) -> None:
        super().__init__()
        self._usable = engine.usable

    def __missing__(self, raw: str) -> bool:
        usable = self[raw] = self._usable(raw)
        return usable


def _share(hits: int, total: int) -> float:
    return hits / total if total else 0.0


def _candidates(facts: _Population, rules: Counter[str], settings: Settings) -> Iterator[Candidate]:
    for slot in ("direct", "mobile"):
        yield from _source_not_imported(facts, slot)
        yield from _ad_attribute_elsewhere(facts, slot)
    yield from _hidden_mobiles(facts, rules, settings)
    yield from _landlines_not_synced(facts, rules, settings)
    yield from _os2mo_classes(facts, settings)
    yield from _os2mo_visibility(facts)
    yield from _os2sync_ad_attribute(facts)
    yield from _os2sync_ad_outside_attribute(facts, rules)
    yield from _rule_groups(rules, settings)


def _source_not_imported(facts: _Population, slot: str) -> Iterator[Candidate]:
    if not facts.local_kinds or not facts.source_kinds:
        return
    local = facts.local_kinds[0]
    source = facts.source_kinds[0]
    src_hits, src_total = facts.count_holding(source, slot)
    loc_hits, loc_total = facts.count_holding(local, slot)
    evidence = {
        f"{source}_med_nummer": src_hits,
        f"{source}_i_alt": src_total,
        f"{local}_med_nummer": loc_hits,
        f"{local}_i_alt": loc_total,
    }
    text = (
        f"{src_hits} af {src_total} brugere i {system_label(source)} har et {_SLOT_DA[slot]}, "
        f"men kun {loc_hits} af {loc_total} personer i {system_label(local)}."
    )
    never = (
        src_total >= _MIN_RECORDS
        and _share(src_hits, src_total) >= _MOST
        and _share(loc_hits, loc_total) <= _NONE
    )
    attribute = facts.settings.get(_AD_ATTRIBUTE_KEYS[slot])
    if never and source == "ad" and local == "os2sofd":
        field = "Phone" if slot == "direct" else "Mobile"
        code = f"ad_{'phone' if slot == 'direct' else 'mobile'}_not_mapped"
        title = f"OS2sofds AD-integration henter ikke AD-feltet '{attribute}' ({field})"
        fix = (
            f"Sæt feltet '{field}' i OS2sofds AD-integration til AD-attributten '{attribute}', "
            f"så numrene kommer ind som {'LANDLINE' if slot == 'direct' else 'MOBILE'}."
        )
    elif never:
        code = f"{source}_{slot}_not_mapped"
        title = (
            f"{_SLOT_DA[slot]} fra {system_label(source)} overføres ikke til {system_label(local)}"
        )
        fix = f"Sæt integrationen fra {system_label(source)} til {system_label(local)} op til at overføre {_SLOT_DA[slot]}."
    else:
        code = f"{source}_{slot}_not_imported"
        title = (
            f"{_SLOT_DA[slot]} findes i {system_label(source)}, men mangler i {system_label(local)}"
        )
        fix = (
            f"Find ud af hvorfor integrationen fra {system_label(source)} til {system_label(local)} "
            f"springer disse personers {_SLOT_DA[slot]} over, og kør den igen."
        )
    yield Candidate(
        code, title, evidence, text, fix, (f"whatif.import_source_phones={slot}",), "supplier"
    )


def _ad_attribute_elsewhere(facts: _Population, slot: str) -> Iterator[Candidate]:
    if "ad" not in facts.source_kinds or not facts.local_kinds:
        return
    key = _AD_ATTRIBUTE_KEYS[slot]
    current = facts.settings.get(key)
    hits, total = facts.count_attribute(current)
    if total < _MIN_RECORDS or _share(hits, total) > _NONE * 2.5:
        return
    other_key = _AD_ATTRIBUTE_KEYS["mobile" if slot == "direct" else "direct"]
    taken = {current.casefold(), facts.settings.get(other_key).casefold()}
    best = max(
        (
            (facts.count_attribute(a)[0], a)
            for a in _AD_PHONE_ATTRIBUTES
            if a.casefold() not in taken
        ),
        default=(0, ""),
    )
    if _share(best[0], total) < _MOST:
        return
    attribute = best[1]
    yield Candidate(
        f"ad_{slot}_in_{attribute.lower()}",
        f"{_SLOT_DA[slot]} står i AD-feltet '{attribute}', ikke i '{current}'",
        {f"ad_{current}": hits, f"ad_{attribute}": best[0], "ad_i_alt": total},
        f"Kun {hits} af {total} AD-brugere har '{current}', men {best[0]} har '{attribute}'.",
        f"Lad integrationen læse {_SLOT_DA[slot]} fra AD-feltet '{attribute}' i stedet for '{current}'.",
        (f"{key.key}={attribute}",),
        "supplier",
    )


def _os2sync_ad_attribute(facts: _Population) -> Iterator[Candidate]:
    """OS2sync-AD chains: the configured phone attribute is (nearly) empty, another is not."""
    if not os2sync_ad.active(facts.settings) or "ad" not in facts.local_kinds:
        return
    current = os2sync_ad.phone_attribute(facts.settings)
    hits, total = facts.count_attribute(current)
    if total < _MIN_RECORDS or _share(hits, total) > _NONE * 2.5:
        return
    best = max(
        (
            (facts.count_attribute(a)[0], a)
            for a in (*os2sync_ad.MOBILE_LIKE, *os2sync_ad.DIRECT_LIKE)
            if a.casefold() != current.casefold()
        ),
        default=(0, ""),
    )
    if _share(best[0], total) < _MOST:
        return
    attribute = best[1]
    yield Candidate(
        f"os2sync_ad_phone_in_{attribute.lower()}",
        f"Numrene står i AD-feltet '{attribute}', men OS2sync-AD sender '{current}'",
        {f"ad_{current}": hits, f"ad_{attribute}": best[0], "ad_i_alt": total},
        f"Kun {hits} af {total} AD-brugere har '{current}', men {best[0]} har '{attribute}'; "
        "OS2sync-AD sender kun ét felt (som Mobil nummer).",
        f"Sæt AD:UserAttributes:Phone i OS2sync-AD's appsettings.json til '{attribute}' (eller "
        f"kopiér numrene til '{current}'), så numrene når FK-ORG som Telefon.",
        (f"os2sync_ad.phone_attribute={attribute}",),
        "sync_operator",
    )


def _os2sync_ad_outside_attribute(facts: _Population, rules: Counter[str]) -> Iterator[Candidate]:
    """OS2sync-AD chains: holders whose only number sits in an AD field that is never sent."""
    if not os2sync_ad.active(facts.settings) or "ad" not in facts.local_kinds:
        return
    in_mobile = rules.get(os2sync_ad.NOT_PHONE_ATTRIBUTE, 0)
    in_landline = rules.get(os2sync_ad.NO_LANDLINE, 0)
    if in_mobile + in_landline < 2:
        return
    current = os2sync_ad.phone_attribute(facts.settings)
    yield Candidate(
        "os2sync_ad_numbers_outside_phone_attribute",
        f"Numre står i andre AD-felter end '{current}', som OS2sync-AD sender",
        {
            f"regel_{os2sync_ad.NOT_PHONE_ATTRIBUTE}": in_mobile,
            f"regel_{os2sync_ad.NO_LANDLINE}": in_landline,
        },
        f"{in_mobile + in_landline} rolleindehavere uden nummer har kun deres nummer i fx "
        f"mobile eller ipPhone; OS2sync-AD sender kun '{current}' og aldrig et Direkte nummer.",
        f"Kopiér nummeret til AD-feltet '{current}' på disse konti (fx med PowerShell "
        "Set-ADUser), så KLIK viser det som Mobil nummer.",
        ("whatif.os2sync_ad_fill_phone_attribute=true",),
        "hr",
    )


def _hidden_mobiles(
    facts: _Population, rules: Counter[str], settings: Settings
) -> Iterator[Candidate]:
    if "os2sofd" not in facts.local_kinds or settings.get(Key.OS2SOFD_SEND_HIDDEN_PHONE_NUMBERS):
        return
    hidden, total = facts.count_hidden_mobiles()
    if not hidden:
        return
    yield Candidate(
        "hidden_mobiles_not_sent",
        "Skjulte mobilnumre i OS2sofd sendes ikke til FK-ORG",
        {
            "os2sofd_skjulte_mobilnumre": hidden,
            "os2sofd_i_alt": total,
            "regel_os2sofd.hidden_mobile_not_sent": rules["os2sofd.hidden_mobile_not_sent"],
        },
        f"{hidden} af {total} personer i OS2sofd har skjulte mobilnumre, og "
        "sendHiddenPhoneNumbers er slået fra.",
        "Slå indstillingen sendHiddenPhoneNumbers til i OS2sofd (FK-ORG har ingen synlighed: "
        "KLIK viser kun numre til kommuner, KOMBIT og leverandører).",
        ("os2sofd.send_hidden_phone_numbers=true",),
        "supplier",
    )


def _landlines_not_synced(
    facts: _Population, rules: Counter[str], settings: Settings
) -> Iterator[Candidate]:
    if not facts.local_kinds or "fkorg" not in facts.kinds:
        return
    local = facts.local_kinds[0]
    sends, _ = facts.count_sending(local, "direct")
    in_fkorg, fkorg_total = facts.count_holding("fkorg", "direct")
    evidence = {
        f"{local}_sender_direkte": sends,
        "fkorg_med_fastnettelefon": in_fkorg,
        "fkorg_i_alt": fkorg_total,
    }
    if drops_landline(settings):
        yield Candidate(
            "os2sync_pre_3",
            f"OS2sync {settings.get(Key.OS2SYNC_VERSION)} kan ikke sætte Direkte nummer (FastnetTelefon)",
            evidence,
            f"{system_label(local)} sender {sends} direkte numre, men kun {in_fkorg} af {fkorg_total} "
            "FK-ORG-brugere har FastnetTelefon.",
            "Opgradér OS2sync til version 3.0 eller nyere, som sender Landline til FK-ORG.",
            ("os2sync.version=3.0",),
            "sync_operator",
        )
    elif sends >= _MIN_RECORDS and _share(in_fkorg, fkorg_total) <= _NONE:
        yield Candidate(
            "landline_not_synced",
            "Ingen direkte numre når FK-ORG, selv om den lokale løsning har dem",
            evidence,
            f"{system_label(local)} sender {sends} direkte numre, men kun {in_fkorg} af {fkorg_total} "
            "FK-ORG-brugere har FastnetTelefon: OS2sync er ældre end 3.0, eller Landline sendes ikke.",
            "Kontrollér OS2syncs version (mindst 3.0) og at Landline udfyldes i det, der sendes til OS2sync.",
            ("whatif.sync_delivers=direct",),
            "sync_operator",
        )


def _os2mo_classes(facts: _Population, settings: Settings) -> Iterator[Candidate]:
    """Address types the export's class lists leave out; an empty list sends nothing at all.

    Upstream (os2mo-os2sync-export ``config.py``) defaults both lists to empty, so a
    municipality that never set them sends no phone numbers: that is one finding
    naming the setting, not a fault of each holder. The proposed value is the
    address type's class UUID, which is what upstream matches on.
    """
    if "os2mo" not in facts.local_kinds:
        return
    for slot, key, other in (
        ("direct", OS2MO_CLASS_KEYS["direct"], "mobile"),
        ("mobile", OS2MO_CLASS_KEYS["mobile"], "direct"),
    ):
        mine, theirs = os2mo_classes(settings, slot), os2mo_classes(settings, other)
        types: Counter[str] = Counter()
        ids: dict[str, str] = {}
        for r in facts.records("os2mo"):
            for p in r.phones:
                unmapped = class_of(p, mine) is None and class_of(p, theirs) is None
                if unmapped and facts.usable(p.raw):
                    types[p.type] += 1
                    ids.setdefault(p.type, p.type_uuid or p.type)
        wanted = _os2mo_type_for(slot, types)
        if not wanted:
            continue
        current = settings.get(key)
        name = key.key.split(".")[1]
        value = ids[wanted]
        shown = wanted if value == wanted else f"{wanted} ({value})"
        if not current:
            yield Candidate(
                f"os2mo_{'landline' if slot == 'direct' else 'phone'}_classes_empty",
                f"OS2mo-eksporten er sat op til ikke at sende noget {_SLOT_DA[slot]} "
                f"({name} er tom)",
                {f"os2mo_adresser_{wanted}": types[wanted], f"klasser_i_{name}": 0},
                f"{name} er tom i OS2mo-eksportens opsætning (eksportens standard), så intet "
                f"{_SLOT_DA[slot]} sendes til FK-ORG for nogen, selv om {types[wanted]} "
                f"adresser i OS2mo har typen '{wanted}'.",
                f"Sæt {name} i OS2mo-eksportens (os2mo-os2sync-export) indstillinger til "
                f"adressetypens klasse-UUID: {name} = [\"{value}\"] for '{wanted}'.",
                (f"{key.key}={value}",),
                "supplier",
            )
            continue
        yield Candidate(
            f"os2mo_{'landline' if slot == 'direct' else 'phone'}_class_missing",
            f"OS2mo-adressetypen '{wanted}' er ikke med i {name}",
            {f"os2mo_adresser_{wanted}": types[wanted], f"klasser_i_{name}": len(current)},
            f"{types[wanted]} adresser i OS2mo har typen '{wanted}', men OS2mo-eksporten sender kun "
            f"typerne {', '.join(current)} som {_SLOT_DA[slot]}.",
            f"Tilføj adressetypen {shown} til {name} i OS2mo-eksportens "
            "(os2mo-os2sync-export) indstillinger.",
            (f"{key.key}={','.join([*current, value])}",),
            "supplier",
        )


def _os2mo_type_for(slot: str, types: Counter[str]) -> str:
    """The unmapped OS2mo address type that most likely belongs to ``slot``."""
    for name, _count in types.most_common():
        lowered = name.casefold()
        is_mobile = "mobil" in lowered
        if (slot == "mobile") == is_mobile:
            return name
    return ""


def _os2mo_visibility(facts: _Population) -> Iterator[Candidate]:
    if "os2mo" not in facts.local_kinds:
        return
    per_type: dict[str, list[int]] = {}
    for r in facts.records("os2mo"):
        for p in r.phones:
            if not facts.usable(p.raw):
                continue
            c = per_type.setdefault(p.type, [0, 0])
            c[1] += 1
            c[0] += p.visibility.upper() not in {"", "PUBLIC"}
    for kind, (hidden, total) in sorted(per_type.items()):
        if total < _MIN_RECORDS or _share(hidden, total) < _ALL_HIDDEN:
            continue
        yield Candidate(
            f"os2mo_visibility_{kind.lower()}",
            f"Adressetypen '{kind}' er intern i OS2mo og sendes ikke til FK-ORG",
            {f"os2mo_{kind}_interne": hidden, f"os2mo_{kind}_i_alt": total},
            f"{hidden} af {total} adresser af typen '{kind}' har ikke synligheden PUBLIC "
            "(Må vises eksternt); OS2mo-eksporten sender kun PUBLIC.",
            f"Sæt synligheden for adressetypen '{kind}' til 'Må vises eksternt' (PUBLIC) i OS2mo, "
            "fx som standard for nye adresser og ved en samlet rettelse af de eksisterende.",
            (f"whatif.publish_address_types={kind}",),
            "hr",
        )


#: Rule groups that one change repairs: rule -> (code, title, fix, assignment, party).
_RULE_FIXES: Final = {
    "os2sofd.no_type_prime": (
        "os2sofd_no_type_prime",
        "Fastnetnumre i OS2sofd mangler typePrime",
        "Sæt typePrime på personernes fastnetnummer (LANDLINE) i OS2sofd; kun typePrime-numre sendes.",
        "whatif.fix_type_prime=true",
        "hr",
    ),
    "os2mo.address_on_person": (
        "os2mo_address_on_person",
        "Telefonadresser ligger på personen i OS2mo, ikke på AD-it-brugeren",
        "Flyt telefonadresserne til AD-it-brugeren i OS2mo, eller slå den nye tilstand fra i OS2mo-eksporten.",
        "os2mo.addresses_on_it_user=false",
        "supplier",
    ),
    "os2sync.failure": (
        "os2sync_failures",
        "OS2sync fejler for en gruppe brugere",
        "Ret fejlene i OS2syncs failure_users (se fejlteksterne) og send brugerne igen.",
        "whatif.sync_delivers=direct,mobile",
        "sync_operator",
    ),
    "os2sync.cache_skip": (
        "os2sync_cache_skips",
        "OS2sync springer uændrede brugere over, så rettelser direkte i FK-ORG består",
        "Tøm OS2syncs cache for brugerne (eller gennemtving en fuld synkronisering).",
        "whatif.sync_delivers=direct,mobile",
        "sync_operator",
    ),
    os2sync_ad.NOT_DELIVERED: (
        "os2sync_ad_not_delivered",
        "OS2sync-AD har ikke sendt AD-numre til FK-ORG for en gruppe brugere",
        "Gennemgå OS2sync-AD's log og lav en fuld synkronisering (slet DirSync-cookien), så "
        "alle konti sendes igen.",
        "whatif.sync_delivers=mobile",
        "sync_operator",
    ),
    "klik.not_shown": (
        "klik_not_refreshed",
        "FK-ORG har numrene, men KLIK viser dem ikke",
        "Kontakt KOMBIT: KLIK har ikke hentet de aktuelle numre fra FK-ORG.",
        "whatif.klik_refreshed=true",
        "kombit",
    ),
}


def _rule_groups(rules: Counter[str], settings: Settings) -> Iterator[Candidate]:
    for rule, (code, title, fix, assignment, party) in _RULE_FIXES.items():
        count = rules.get(rule, 0)
        if count < 2:
            continue
        if rule == "os2mo.address_on_person" and not settings.get(Key.OS2MO_ADDRESSES_ON_IT_USER):
            continue
        yield Candidate(
            code,
            title,
            {f"regel_{rule}": count},
            f"{count} rolleindehavere uden nummer mistede det ved reglen {rule}.",
            fix,
            (assignment,),
            party,
        )
