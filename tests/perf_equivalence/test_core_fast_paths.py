"""Issue 15, audit core: the bound rules and the fast counting equal the slow paths they replace."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.perf_equivalence import reference_audit, reference_rules

from telefonspor import audit
from telefonspor.actions import HOLDER_FREE_RULES, TEMPLATES, Facts, explain, facts_but_holder
from telefonspor.edge.run import read_inputs
from telefonspor.identity import (
    _NORMALISE,
    CONFIDENCE,
    NO_LINK,
    Link,
    RecordIndex,
    email_key,
    employee_key,
    normalise_all,
    person_of,
    record_key,
    user_name_key,
    uuid_key,
)
from telefonspor.model import Finding, HolderResult, Hop, PhoneEntry, SourceData, SourceRecord
from telefonspor.phones import PhoneEngine, contextual_findings
from telefonspor.rules import Passage, bound_rules, passage, replayer
from telefonspor.rules.outcome import (
    DELETED,
    DISABLED,
    DO_NOT_TRANSFER,
    FAILURE,
    NO_AFFILIATION,
    NO_ENGAGEMENT,
    NO_MATCHING_AFFILIATION,
    SKIPPED,
)
from telefonspor.sample import generate_chain
from telefonspor.settings import Settings, defaults, load, parse_assignments
from telefonspor.sources import read_source
from telefonspor.systemic import _Population
from telefonspor.whatif import ChainReplayer

SYSTEMS = ("ad", "opus", "hr", "os2sofd", "os2mo", "os2sync-db", "fkorg", "klik")
#: Phone types of every system, in odd cases too, and a few no system knows.
TYPES = (
    "telephoneNumber",
    "TELEPHONENUMBER",
    "mobile",
    "Mobile",
    "ipPhone",
    "otherMobile",
    "workPhone",
    "mobilePhone",
    "direct",
    "LANDLINE",
    "landline",
    "IP",
    "BROADBAND",
    "MOBILE",
    "DEPARTMENT_NUMBER",
    "FAX_NUMBER",
    "DATA_SIM",
    "FastnetTelefon",
    "Telefon",
    "47c05422-5379-4c27-9ddf-e02b52b3d961",
    "Landline",
    "PhoneNumber",
    "PhoneEmployee",
    "MobilePhoneEmployee",
    "",
    "unknown",
)
FLAGS = (
    DISABLED,
    DELETED,
    NO_AFFILIATION,
    DO_NOT_TRANSFER,
    NO_MATCHING_AFFILIATION,
    NO_ENGAGEMENT,
    "no_it_user_engagement",
    FAILURE,
    SKIPPED,
)

phones = st.builds(
    PhoneEntry,
    raw=st.sampled_from(("33663366", "20 30 40 50", "", "  ", "+4520304050", "x", "20304050")),
    type=st.sampled_from(TYPES),
    visibility=st.sampled_from(("", "VISIBLE", "visible", "HIDDEN", "PUBLIC", "INTERNAL")),
    prime=st.booleans(),
    type_prime=st.booleans(),
    owner=st.sampled_from(("", "person", "it_user")),
    type_uuid=st.sampled_from(("", "c1", "c2")),
)
records = st.builds(
    SourceRecord,
    system=st.sampled_from(SYSTEMS),
    user_id=st.just("u"),
    phones=st.lists(phones, max_size=5).map(tuple),
    flags=st.frozensets(st.sampled_from(FLAGS), max_size=2),
)
overrides = st.fixed_dictionaries(
    {
        "ad.direct_attribute": st.sampled_from(("telephoneNumber", "mobile", "", "IPPHONE")),
        "ad.mobile_attribute": st.sampled_from(("mobile", "telephoneNumber", "")),
        "os2sofd.send_hidden_phone_numbers": st.booleans(),
        "os2mo.addresses_on_it_user": st.booleans(),
        "os2mo.phone_scope_classes": st.sampled_from(([], ["c2"], ["MobilePhoneEmployee"])),
        "os2mo.landline_scope_classes": st.sampled_from(([], ["c1", "PhoneEmployee"])),
        "chain.preset": st.sampled_from(("", "os2sync-ad")),
        "whatif.os2sync_ad_fill_phone_attribute": st.booleans(),
    }
)


def _settings(values: dict[str, object]) -> Settings:
    return defaults().replace(values)


@given(st.lists(records, min_size=1, max_size=8), overrides)
def test_bound_rules_equal_the_rules_before_issue_15(
    batch: list[SourceRecord], values: dict[str, object]
) -> None:
    settings = _settings(values)
    replay = replayer(settings)
    for record in batch:
        expected = reference_rules.passage(record, settings)
        assert replay(record) == expected
        assert passage(record, settings) == expected


def test_bound_rules_equal_the_rules_before_issue_15_on_every_type_pair() -> None:
    """Every system, every pair of phone types, the settings that change the slotting."""
    entries = [
        PhoneEntry(raw, kind, visibility, type_prime=prime, owner="it_user", type_uuid="c1")
        for kind in TYPES
        for raw, visibility, prime in (("20304050", "VISIBLE", True), (" ", "", False))
    ]
    grid = [
        {"ad.direct_attribute": d, "ad.mobile_attribute": m, "chain.preset": preset}
        for d in ("telephoneNumber", "")
        for m in ("mobile", "telephoneNumber", "")
        for preset in ("", "os2sync-ad")
    ]
    grid.append({"os2sofd.send_hidden_phone_numbers": True, "os2mo.addresses_on_it_user": True})
    for values in grid:
        settings = _settings(values)
        replay = replayer(settings)
        for system in SYSTEMS:
            for first in entries:
                for second in (None, *entries[::3]):
                    phones = (first,) if second is None else (first, second)
                    record = SourceRecord(system, "u", phones=phones)
                    assert replay(record) == reference_rules.passage(record, settings), record


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("core-chain")
    generate_chain(directory, holders=150, users=500, seed=11)
    return directory


def test_population_loops_equal_generic_count(chain: Path) -> None:
    settings = load(chain / "kaede.toml")
    sources = [read_source(spec, settings) for spec in settings.sources]
    facts = _Population(sources, settings, PhoneEngine())
    for kind in {s.kind for s in sources}:
        for slot in ("direct", "mobile"):
            holding = facts.count(kind, lambda r, slot=slot: facts.holds(r, slot))
            sending = facts.count(kind, lambda r, slot=slot: facts.sends(r, slot))
            assert facts.count_holding(kind, slot) == holding
            assert facts.count_sending(kind, slot) == sending
    for attribute in ("telephoneNumber", "MOBILE", "ipPhone", "pager"):
        generic = facts.count("ad", lambda r, a=attribute: facts.ad_attribute(r, a))
        assert facts.count_attribute(attribute) == generic


@given(st.lists(records, max_size=10), overrides)
def test_population_counts_equal_generic_count_on_any_records(
    batch: list[SourceRecord], values: dict[str, object]
) -> None:
    """The one-walk counts (records without phones skipped, the sent number's usability
    reused for the first held one) equal the generic count over every record."""
    settings = _settings(values)
    batch = [msgspec.structs.replace(r, user_id=f"u{i}") for i, r in enumerate(batch)]  # persons
    sources = [
        SourceData(kind, "local", tuple(r for r in batch if r.system == kind), "")
        for kind in SYSTEMS
    ]
    facts = _Population(sources, settings, PhoneEngine())
    for kind in SYSTEMS:
        for slot in ("direct", "mobile"):
            holding = facts.count(kind, lambda r, slot=slot: facts.holds(r, slot))
            sending = facts.count(kind, lambda r, slot=slot: facts.sends(r, slot))
            assert facts.count_holding(kind, slot) == holding
            assert facts.count_sending(kind, slot) == sending


@pytest.mark.parametrize(
    "assignment",
    [
        "whatif.import_source_phones=direct,mobile",
        "whatif.sync_delivers=direct,mobile",
        "whatif.klik_refreshed=true",
        "whatif.fix_type_prime=true",
        "os2sync.version=2.0",
        "os2sofd.send_hidden_phone_numbers=true",
        "ad.mobile_attribute=telephoneNumber",
    ],
)
def test_replay_users_equal_full_replay_and_shared_passages(chain: Path, assignment: str) -> None:
    """The systemic ranking's cheap replay gives the users and changes the full replay gives,
    and a replayer reusing the diagnosis' passages gives what one working alone gives."""
    settings = load(chain / "kaede.toml")
    klik, sources = read_inputs(next(chain.glob("klik*")), settings)
    engine = PhoneEngine()
    new = settings.replace(parse_assignments([assignment]))
    alone = ChainReplayer(klik, sources, settings, engine).replay(new)
    shared: dict[int, Passage] = {}
    replayer = ChainReplayer(klik, sources, settings, engine, passages=shared)
    users, changed = replayer.replay_users(new)
    assert (tuple(users), frozenset(changed)) == (alone.klik.users, alone.changed_users)
    assert shared  # the base replays went into the shared cache
    assert replayer.replay(new) == alone
    holders = [u for u in klik.users if u.roles]
    fresh = ChainReplayer(klik, sources, settings, engine)
    assert fresh.changed_users(new, holders) == [u for u in users if u.user_id in changed]


@given(
    st.text(max_size=30)
    | st.sampled_from(
        ("33663366", "tlf. 3366 3366", "0045 33663366", "+45 33 66 33 66", " 33663366 ", "1234")
    )
    | st.sampled_from(("3366 3366 / 2233 4455", "33663366.0", "+46 8 123 456 78", "70 10 20 30"))
)
def test_a_parse_keeps_the_raw_it_was_given(raw: str) -> None:
    """A trace hop shows a slot's one held number without parsing it (Diagnoser._best): the
    first usable value's raw and the first held raw are then the same text."""
    assert PhoneEngine().parse(raw).raw == raw
    assert PhoneEngine(("+4533663366",)).parse(raw).raw == raw


# Columns that take the one-call fold and columns that must not: every character the value-by-value
# normalisation treats (whitespace, line breaks, braces, domains, @, leading zeros, non-ASCII folds).
_column_values = st.lists(
    st.text(alphabet="aB9-{}\\@0 \t\n\x1cΣςßİ\xa0", max_size=6)
    | st.sampled_from(("", "Anna", "ABC-1", "kommune\\bo", "bo@k.dk", "007")),
    max_size=8,
)


@given(st.sampled_from(("uuid", "user_id", "employee_id", "email")), _column_values)
def test_normalise_all_equals_value_by_value(key: str, raws: list[str]) -> None:
    """A whole column normalised at once (one fold when it can) equals record_key per value."""
    expected = [_NORMALISE[key](raw) if raw else "" for raw in raws]
    assert normalise_all(key, raws) == expected
    assert normalise_all(key, [raw.strip() for raw in raws]) == [  # the one-call fold's shape
        _NORMALISE[key](raw.strip()) if raw.strip() else "" for raw in raws
    ]


_names = st.sampled_from(
    ("anna", "ANNA", " anna ", "KOMMUNE\\anna", "anna@k.dk", "bo", "", "  ", "kommune\\", "Bo@x")
)
identity_records = st.builds(
    SourceRecord,
    system=st.just("fkorg"),
    user_id=_names,
    uuid=st.sampled_from(("", "{ABC-1}", "abc-1", " Abc-1 ", "def-2")),
    person_key=st.sampled_from(("", "", "p1", "p2")),
    employee_id=st.sampled_from(("", "007", "7", "0", "70", " 007 ")),
    email=st.sampled_from(("", "Anna@K.dk", "anna@k.dk ", "bo@k.dk")),
)


@given(st.lists(identity_records, max_size=12))
def test_record_index_equals_a_scan(records: list[SourceRecord]) -> None:
    """Each index (built column-wise, one record per value unless shared) finds what a scan finds."""
    index = RecordIndex(records)
    probes = [("user_id", user_name_key(n)) for n in ("anna", "bo", "KOMMUNE\\", "x")]
    probes += [("uuid", uuid_key(u)) for u in ("abc-1", "def-2")]
    probes += [("employee_id", employee_key(e)) for e in ("7", "70", "0")]
    probes += [("email", email_key(e)) for e in ("anna@k.dk", "bo@k.dk")]
    for key, value in probes:
        scan = tuple(r for r in records if value and record_key(r, key) == value)
        assert index.lookup(key, value) == scan
        persons = {person_of(r) for r in scan}
        expected = (
            Link((), key, "ambiguous") if len(persons) > 1 else Link(scan, key, CONFIDENCE[key])
        )
        assert index.find([(key, value)]) == (expected if scan else NO_LINK)
    for record in records:
        same = tuple(r for r in records if person_of(r) == person_of(record))
        assert index.same_person(record) == same


def test_holder_result_fields_are_in_the_order_the_audit_passes_them() -> None:
    """run_audit builds HolderResult and Finding positionally (hot loop): pin their field order."""
    assert [f.name for f in msgspec.structs.fields(HolderResult)][:18] == [
        "user_id",
        "name",
        "email",
        "unit",
        "municipality",
        "roles",
        "row",
        "direct",
        "mobile",
        "covered",
        "direct_reach",
        "cause",
        "cause_detail",
        "responsible",
        "action",
        "rule",
        "trace",
        "flags",
    ]
    assert [f.name for f in dataclasses.fields(Finding)] == [
        "code",
        "message",
        "field",
        "row",
        "user_id",
        "system",
    ]
    assert list(Hop.__struct_fields__) == [
        "system",
        "position",
        "found",
        "direct",
        "mobile",
        "sent_direct",
        "sent_mobile",
        "key",
        "confidence",
        "notes",
    ]


@given(st.lists(records, min_size=1, max_size=6), overrides, overrides)
def test_the_same_bound_rule_replays_alike(
    batch: list[SourceRecord], first: dict[str, object], second: dict[str, object]
) -> None:
    """The what-if reuses the base replay of a system whose bound rule is the same object:
    that must mean the same replay under both settings."""
    a, b = _settings(first), _settings(second)
    rules_a, rules_b = bound_rules(a), bound_rules(b)
    for record in batch:
        if rules_a.get(record.system) is rules_b.get(record.system):
            # Judged by the slow path: the bound rules themselves would agree by construction.
            assert reference_rules.passage(record, a) == reference_rules.passage(record, b)
    assert bound_rules(a) == rules_a  # bound again: the very same rule objects


def test_a_setting_a_rule_reads_gives_another_rule() -> None:
    base = defaults().replace({"os2sofd.send_hidden_phone_numbers": False})
    hidden = base.replace({"os2sofd.send_hidden_phone_numbers": True})
    attribute = base.replace({"ad.mobile_attribute": "pager"})
    assert bound_rules(hidden)["os2sofd"] is not bound_rules(base)["os2sofd"]
    assert bound_rules(hidden)["ad"] is bound_rules(base)["ad"]
    assert bound_rules(attribute)["ad"] is not bound_rules(base)["ad"]
    assert bound_rules(attribute)["os2sofd"] is bound_rules(base)["os2sofd"]


def test_holder_free_rules_are_exactly_those_whose_texts_ignore_the_holder() -> None:
    """Diagnoser fills a holder-free rule's texts once per set of other facts."""
    for rule in TEMPLATES:
        one = explain(rule, Facts("mobile", "holder-one", system="ad", number="20 30 40 50"))
        two = explain(rule, Facts("mobile", "holder-two", system="ad", number="20 30 40 50"))
        assert (one == two) == (rule in HOLDER_FREE_RULES), rule
    facts = Facts("direct", "x", system="fkorg", account="a", number="1")
    assert facts_but_holder(facts) == facts_but_holder(dataclasses.replace(facts, user="y"))
    assert facts_but_holder(facts) != facts_but_holder(dataclasses.replace(facts, number="2"))


_RAWS = ("20304050", "20 30 40 50", "33663366", "", "12345", "+4520304050", "x", "70 10 20 30")


@given(
    st.lists(
        st.tuples(
            st.sampled_from(_RAWS),
            st.sampled_from(_RAWS),
            st.lists(st.sampled_from(("R1", "R2", "R3")), max_size=3).map(tuple),
            st.sampled_from(("Enhed A", "Enhed B")),
            st.sampled_from((None, "missing_in_source", "undetermined")),
        ),
        max_size=12,
    ),
    st.integers(min_value=1, max_value=3),
)
def test_audit_summary_helpers_equal_the_ones_before_issue_15(
    rows: list[tuple[str, str, tuple[str, ...], str, str | None]], threshold: int
) -> None:
    engine = PhoneEngine()
    parsed = [(engine.parse(d), engine.parse(m)) for d, m, *_ in rows]
    phones = [contextual_findings(d, m) for d, m in parsed]
    assert phones == [reference_audit.contextual_findings(d, m) for d, m in parsed]
    assert audit._mark_shared(list(phones), threshold) == reference_audit.mark_shared(
        list(phones), threshold
    )
    phones = reference_audit.mark_shared(phones, threshold)
    holders = [
        HolderResult(
            f"u{i}", "N", "e", unit, "K", roles, i, direct, mobile,
            direct.usable or mobile.usable, direct.usable, cause=cause,
        )
        for i, ((direct, mobile), (_, _, roles, unit, cause)) in enumerate(
            zip(phones, rows, strict=True)
        )
    ]  # fmt: skip
    assert audit._phone_findings(holders) == reference_audit.phone_findings(holders)
    assert audit._summary(holders, 2) == reference_audit.summary(holders, 2)
    assert audit._by_role(holders) == reference_audit.by_group(holders, reference_audit.roles_of)
    assert audit._by_unit(holders) == reference_audit.by_group(holders, reference_audit.unit_of)
