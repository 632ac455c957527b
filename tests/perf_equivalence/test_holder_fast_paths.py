"""Issue 15, round 3 (per-holder and per-record cost): each fast path equals the slow path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.perf_equivalence import reference_rules
from tests.perf_equivalence.test_core_fast_paths import (
    SYSTEMS,
    identity_records,
    overrides,
    phones,
    records,
)

from telefonspor.diagnose import _INACTIVE, FLAG_ORDER, Diagnoser
from telefonspor.edge.run import read_inputs
from telefonspor.identity import (
    _FROM_FKORG,
    _FROM_LOCAL,
    RecordIndex,
    _fkorg_probes,
    _local_probes,
    person_of,
    record_probes,
)
from telefonspor.model import KlikUser, PhoneEntry, SourceData, SourceRecord
from telefonspor.phones import PhoneEngine
from telefonspor.rules import bound_rules, bound_tallies
from telefonspor.rules.outcome import NOTHING, SlotOutcome, passage_tally, slot_bits, tally
from telefonspor.sample import generate_chain
from telefonspor.settings import Settings, defaults, load, parse_assignments
from telefonspor.systemic import _Population
from telefonspor.whatif import ChainReplayer


def _settings(values: dict[str, object]) -> Settings:
    return defaults().replace(values)


class _Usable(dict[str, bool]):
    """Usability by raw, parsed on a miss (as systemic's cache), counting the parses."""

    def __missing__(self, raw: str) -> bool:
        usable = bool(raw) and PhoneEngine().parse(raw).usable
        self[raw] = usable
        return usable


def _slow_tally(outcome: SlotOutcome, usable: dict[str, bool]) -> int:
    """What systemic counted before the counting twins: the slot's Passage, read plainly."""
    sends = bool(outcome.sent) and usable[outcome.sent]
    holds = any(usable[raw] for raw in outcome.held)
    return int(sends) + 2 * int(holds)


@given(st.lists(records, min_size=1, max_size=8), overrides)
def test_counting_twins_equal_the_tally_of_the_reference_passage(
    batch: list[SourceRecord], values: dict[str, object]
) -> None:
    """Every system's counting (its rule's twin where it has one) gives, per slot, whether it
    holds and whether it sends a usable number exactly as the replay before issue 15 does."""
    settings = _settings(values)
    tallies = bound_tallies(settings)
    usable = _Usable()
    for record in batch:
        count = tallies.get(record.system)
        if count is None:
            assert reference_rules.passage(record, settings) == reference_rules.NOTHING
            continue
        expected = reference_rules.passage(record, settings)
        slow = (_slow_tally(expected.direct, usable), _slow_tally(expected.mobile, usable))
        assert slot_bits(count(record, usable)) == slow, record
        assert (tally(expected.direct, usable), tally(expected.mobile, usable)) == slow


many_phones = st.lists(phones, min_size=2, max_size=6).map(tuple)


@given(
    st.sampled_from(SYSTEMS),
    many_phones,
    st.frozensets(st.sampled_from(("disabled", "deleted", "do_not_transfer")), max_size=1),
    overrides,
)
def test_counting_twins_on_crowded_slots(
    system: str, entries: tuple[object, ...], flags: frozenset[str], values: dict[str, object]
) -> None:
    """Several numbers per slot (the twins' fallback to the Passage) and stopped users."""
    settings = _settings(values)
    record = SourceRecord(system, "u", phones=entries, flags=flags)  # type: ignore[arg-type]
    rule = bound_rules(settings).get(system)
    if rule is None:
        return
    usable = _Usable()
    assert bound_tallies(settings)[system](record, usable) == passage_tally(rule)(record, usable)


#: Per system, the phone types its rules slot (and one they ignore), in odd cases too.
SYSTEM_TYPES = {
    "ad": ("telephoneNumber", "MOBILE", "ipPhone", "pager"),
    "opus": ("workPhone", "MOBILEPHONE", "fax"),
    "hr": ("direct", "Mobile", "x"),
    "os2sofd": ("LANDLINE", "ip", "BROADBAND", "MOBILE", "DATA_SIM", "x"),
    "os2mo": ("PhoneEmployee", "MobilePhoneEmployee", "x"),
    "os2sync-db": ("Landline", "PHONENUMBER", "x"),
    "fkorg": ("FastnetTelefon", "telefon", "5ef6be2d-59f4-4652-a680-585929924ba9", "x"),
}
_ENTRY_SHAPES = (  # raw, visibility, typePrime, owner, class uuid
    ("20304050", "VISIBLE", True, "it_user", "c1"),
    ("33663366", "", False, "person", ""),
    ("x", "HIDDEN", True, "it_user", "c2"),
    (" ", "PUBLIC", False, "", "c1"),
)
_SETTINGS_GRID = (
    {},
    {"ad.direct_attribute": "mobile", "ad.mobile_attribute": "mobile"},  # one field, both slots
    {"ad.direct_attribute": "", "chain.preset": "os2sync-ad"},
    {
        "os2sofd.send_hidden_phone_numbers": True,
        "os2mo.addresses_on_it_user": True,
        "os2mo.phone_scope_classes": ["c2"],
        "os2mo.landline_scope_classes": ["c1", "PhoneEmployee"],
    },
)


def test_counting_twins_equal_the_reference_on_every_pair_of_numbers() -> None:
    """Every system, every pair of its phone types and shapes (one number per slot, two in
    one slot, sendable or not, usable or not), stopped or not, under settings that change
    the slotting: the counting equals the tally of the replay before issue 15."""

    usable = _Usable()
    for values in _SETTINGS_GRID:
        settings = _settings(values)
        tallies = bound_tallies(settings)
        for system, types in SYSTEM_TYPES.items():
            entries = [
                PhoneEntry(raw, kind, vis, type_prime=prime, owner=owner, type_uuid=uuid)
                for kind in types
                for raw, vis, prime, owner, uuid in _ENTRY_SHAPES
            ]
            for flags in (frozenset(), frozenset({"disabled"}), frozenset({"no_engagement"})):
                for first in entries:
                    for second in (None, *entries):
                        pair = (first,) if second is None else (first, second)
                        record = SourceRecord(system, "u", phones=pair, flags=flags)
                        expected = reference_rules.passage(record, settings)
                        slow = (
                            _slow_tally(expected.direct, usable),
                            _slow_tally(expected.mobile, usable),
                        )
                        assert slot_bits(tallies[system](record, usable)) == slow, (values, record)


population_records = st.builds(
    SourceRecord,
    system=st.just("os2sofd"),
    user_id=st.sampled_from(("", "anna", "bo", "p1", "cy")),
    person_key=st.sampled_from(("", "p1", "p2", "p3")),
    phones=st.lists(phones, max_size=3).map(tuple),
)


@given(st.lists(population_records, max_size=10), st.booleans(), st.booleans())
def test_hidden_mobiles_equal_the_generic_count(
    batch: list[SourceRecord], all_person_keys: bool, no_person_keys: bool
) -> None:
    """The hidden-mobile loop equals the generic count with the test it replaces."""
    if all_person_keys:
        batch = [msgspec.structs.replace(r, person_key=r.person_key or "p9") for r in batch]
    elif no_person_keys:
        batch = [msgspec.structs.replace(r, person_key="") for r in batch]
    facts = _Population(
        [SourceData("os2sofd", "local", tuple(batch), "")], defaults(), PhoneEngine()
    )
    hidden = facts.count(
        "os2sofd",
        lambda r: any(
            p.type.upper() == "MOBILE" and p.visibility.upper() != "VISIBLE" and facts.usable(p.raw)
            for p in r.phones
        ),
    )
    assert facts.count_hidden_mobiles() == hidden


#: User names that normalise to nothing although they are not blank ("@k.dk", "kommune\\").
_EMPTIED = st.sampled_from(("@k.dk", "kommune\\", "anna", " ", "anna@k.dk", "@x"))


@given(st.lists(identity_records, max_size=12), st.booleans(), st.lists(_EMPTIED, max_size=12))
def test_shares_person_equals_a_scan(
    records: list[SourceRecord], no_person_keys: bool, names: list[str]
) -> None:
    """Whether a record's person has another record in its index (the holder's
    several-FK-ORG-users check), by the user-name index when no record has a person key."""
    if names:
        records = [
            msgspec.structs.replace(r, user_id=name)
            for r, name in zip(records, names, strict=False)
        ] + records[len(names) :]
    if no_person_keys:
        records = [msgspec.structs.replace(r, person_key="") for r in records]
    index = RecordIndex(records)
    if records:
        index.lookup("user_id", "anna")  # the holder's FK-ORG lookup builds this index first
    for record in records:
        scan = sum(person_of(r) == person_of(record) for r in records)
        assert index.shares_person(record) == (scan > 1), record
        assert index.shares_person(record) == (len(RecordIndex(records).same_person(record)) > 1)


# --- diagnose: the views and flags of one holder ------------------------------------------

_HOLDER_RAWS = ("20304050", "20 30 40 50", "33663366", "", "x", "+4533663366")
_fkorg_phone = st.builds(
    PhoneEntry,
    raw=st.sampled_from(_HOLDER_RAWS),
    type=st.sampled_from(("FastnetTelefon", "Telefon")),
)
_local_flags = st.sampled_from(
    [frozenset(), *map(frozenset, ({"disabled"}, {"deleted"}, {"disabled", "no_affiliation"}))]
)


def _flags_before(diagnoser: Diagnoser, views: list[Any], direct: Any, mobile: Any, ids: Any):  # type: ignore[no-untyped-def]
    """Diagnoser._flags before issue 15's round 3 (the reference)."""
    flags = set(ids)
    for v in views:
        if v.position != "fkorg" or v.record is None:
            continue
        for slot, shown in (("direct", direct), ("mobile", mobile)):
            if not shown.usable:
                continue
            held = {p.e164 for p in map(diagnoser._parse, v.passage.slot(slot).held) if p.usable}
            if held and shown.e164 not in held:
                flags.add("stale")
    local_records = [r for v in views if v.position == "local" for r in v.link.records]
    if local_records and all(_INACTIVE & r.flags for r in local_records):
        flags.add("no_active_employment")
    return tuple(f for f in FLAG_ORDER if f in flags)


@given(
    st.lists(st.lists(_fkorg_phone, max_size=3), max_size=2),
    st.lists(_local_flags, min_size=1, max_size=3),
    st.sampled_from(_HOLDER_RAWS),
    st.sampled_from(_HOLDER_RAWS),
)
def test_views_and_flags_equal_the_diagnosis_before(
    fkorg_phones: list[list[PhoneEntry]],
    local_flags: list[frozenset[str]],
    direct_raw: str,
    mobile_raw: str,
) -> None:
    """A holder's views (each record replayed once a run) and flags (stale, no active
    employment, with the one-number and no-flag shortcuts) equal the code before."""
    fkorg = tuple(SourceRecord("fkorg", "anna", phones=tuple(p), uuid="u-1") for p in fkorg_phones)
    local = tuple(
        SourceRecord("os2sofd", "anna", uuid="u-1", person_key="p1", flags=f) for f in local_flags
    )
    sources = [SourceData("fkorg", "fkorg", fkorg, ""), SourceData("os2sofd", "local", local, "")]
    engine = PhoneEngine()
    diagnoser = Diagnoser(sources, defaults(), engine)
    user = KlikUser("anna", "Anna", "anna@k.dk", "", "", ("R",), direct_raw, mobile_raw, 2, "anna")
    direct, mobile = engine.parse(direct_raw), engine.parse(mobile_raw)
    identity = diagnoser.resolver.resolve(user)
    views = diagnoser._views(identity, keep=True)
    passage = bound_rules(defaults())
    for view, link in zip(views, identity.links, strict=True):
        assert view.record is link.record
        expected = passage[view.source.kind](link.record) if link.record else NOTHING
        assert view.passage == expected
    assert diagnoser._views(identity, keep=True) == views  # kept: the same passages again
    assert diagnoser._views(identity, keep=False) == views  # replayed again, alike
    kept = {id(link.record) for link in identity.links if link.record is not None}
    assert set(diagnoser.passages) == kept
    assert diagnoser._flags(views, direct, mobile, identity.flags) == _flags_before(
        diagnoser, views, direct, mobile, identity.flags
    )


# --- what-if: one replayer for the whole systemic ranking ---------------------------------

_ASSIGNMENTS = (
    ("os2sofd.send_hidden_phone_numbers=true",),
    ("whatif.import_source_phones=direct,mobile",),
    ("os2sofd.send_hidden_phone_numbers=true", "whatif.fix_type_prime=true"),
    ("whatif.sync_delivers=direct,mobile", "os2sofd.send_hidden_phone_numbers=true"),
    ("ad.mobile_attribute=telephoneNumber", "os2sofd.send_hidden_phone_numbers=true"),
    ("os2sync.version=2.0", "whatif.import_source_phones=mobile"),
    ("whatif.klik_refreshed=true",),
    # Two other AD rules in turn: the same source record replayed under each.
    ("ad.mobile_attribute=ipPhone", "whatif.import_source_phones=mobile"),
    ("ad.direct_attribute=mobile", "whatif.import_source_phones=direct,mobile"),
)


@pytest.fixture(scope="module")
def small_chain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("holder-chain")
    generate_chain(directory, holders=150, users=500, seed=5)
    return directory


def test_one_replayer_for_many_settings_equals_a_fresh_one_each(small_chain: Path) -> None:
    """The ranking replays the uncovered holders under a dozen settings with one replayer,
    which keeps each record's replay per rule: each answer equals a fresh replayer's."""
    settings = load(small_chain / "kaede.toml")
    klik, sources = read_inputs(next(small_chain.glob("klik*")), settings)
    engine = PhoneEngine()
    holders = [u for u in klik.users if u.roles]
    shared = ChainReplayer(klik, sources, settings, engine)
    changed = 0
    for assignments in (*_ASSIGNMENTS, *_ASSIGNMENTS[::-1]):
        new = settings.replace(parse_assignments(list(assignments)))
        fresh = ChainReplayer(klik, sources, settings, engine)
        expected = fresh.changed_users(new, holders)
        assert shared.changed_users(new, holders) == expected, assignments
        assert shared.replay(new) == fresh.replay(new), assignments
        changed += len(expected)
    assert changed  # the settings do change what KLIK would show


@given(identity_records)
def test_written_out_probes_equal_record_probes(record: SourceRecord) -> None:
    """A holder's probes from its FK-ORG and local records, written out, equal the generic
    ``record_probes`` they replace in ``IdentityResolver.resolve``."""
    assert _fkorg_probes(record) == record_probes(record, _FROM_FKORG)
    assert _local_probes(record) == record_probes(record, _FROM_LOCAL)


ad_records = st.builds(
    SourceRecord,
    system=st.just("ad"),
    user_id=st.sampled_from(("", "anna", "bo", "cy")),
    person_key=st.sampled_from(("", "p1", "p2")),
    phones=st.lists(
        st.builds(
            PhoneEntry,
            raw=st.sampled_from(("33663366", "20 30 40 50", "", "x", "12345678")),
            type=st.sampled_from(("telephoneNumber", "TELEPHONENUMBER", "mobile", "ipPhone", "")),
        ),
        max_size=3,
    ).map(tuple),
)


@given(st.lists(ad_records, max_size=10))
def test_ad_type_counts_equal_the_generic_count(batch: list[SourceRecord]) -> None:
    """The per-type counts made in the kind's walk (systemic.population_counts) equal the
    generic count of each attribute, in any case, for every attribute the detectors ask."""
    facts = _Population([SourceData("ad", "source", tuple(batch), "")], defaults(), PhoneEngine())
    for attribute in ("telephoneNumber", "Mobile", "ipPhone", "pager", "otherMobile"):
        generic = facts.count("ad", lambda r, a=attribute: facts.ad_attribute(r, a))
        assert facts.count_attribute(attribute) == generic, attribute
