"""Diagnosis: every cause, every rule code, priorities, flags, trace, invariants."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from telefonspor.actions import TEMPLATES
from telefonspor.diagnose import Diagnoser, Diagnosis
from telefonspor.model import (
    CAUSE_CODES,
    PARTY_CODES,
    KlikUser,
    PhoneEntry,
    SourceData,
    SourceRecord,
)
from telefonspor.phones import PhoneEngine
from telefonspor.settings import Settings, defaults

ENGINE = PhoneEngine([])
# Upstream's class lists are empty by default (nothing sent); these name the classes by
# user_key, which telefonspor accepts beside the class UUIDs upstream uses.
SETTINGS = defaults().replace(
    {
        "os2mo.landline_scope_classes": ["PhoneEmployee"],
        "os2mo.phone_scope_classes": ["MobilePhoneEmployee"],
    }
)
UUID = "aaaaaaaa-0000-4000-8000-000000000001"


def holder(direct: str = "", mobile: str = "", uid: str = "abc123") -> KlikUser:
    return KlikUser(
        user_id=uid,
        name="Anna Berg",
        email=f"{uid}@kommune.dk",
        unit="IT",
        municipality="",
        roles=("Sikkerhedsansvarlig",),
        direct_raw=direct,
        mobile_raw=mobile,
        row=2,
        user_name=uid,
    )


def ph(raw: str, kind: str, vis: str = "", *, tp: bool = False, owner: str = "") -> PhoneEntry:
    return PhoneEntry(raw, kind, vis, type_prime=tp, owner=owner)


def rec(system: str, *phones: PhoneEntry, uid: str = "abc123", **kw: object) -> SourceRecord:
    kw.setdefault("uuid", UUID)
    kw.setdefault("person_key", "p1" if system in {"os2sofd", "os2mo"} else "")
    return SourceRecord(system, uid, phones=phones, **kw)  # type: ignore[arg-type]


POSITION = {"ad": "source", "opus": "source", "hr": "source", "os2sofd": "local",
            "os2mo": "local", "os2sync-db": "sync", "fkorg": "fkorg"}  # fmt: skip


def src(kind: str, *records: SourceRecord) -> SourceData:
    return SourceData(kind, POSITION[kind], records, origin=f"{kind}.fil")


FK_EMPTY = src("fkorg", rec("fkorg"))


def diagnose(
    sources: list[SourceData], user: KlikUser | None = None, settings: Settings = SETTINGS
) -> Diagnosis:
    user = user or holder()
    direct, mobile = ENGINE.parse(user.direct_raw), ENGINE.parse(user.mobile_raw)
    covered = direct.usable or mobile.usable
    return Diagnoser(sources, settings, ENGINE).diagnose(user, direct, mobile, covered)


@dataclass
class Case:
    sources: list[SourceData]
    cause: str
    rule: str
    party: str
    settings: Settings = field(default_factory=lambda: SETTINGS)
    detail: str = ""  # a piece the cause_detail must contain


def sofd(*phones: PhoneEntry, flags: frozenset[str] = frozenset()) -> SourceData:
    return src("os2sofd", rec("os2sofd", *phones, flags=flags))


def mo(*phones: PhoneEntry, flags: frozenset[str] = frozenset()) -> SourceData:
    return src("os2mo", rec("os2mo", *phones, flags=flags))


MOBILE = ph("20304050", "MOBILE", "VISIBLE", tp=True)
LANDLINE = ph("33663366", "LANDLINE", "VISIBLE", tp=True)
MO_MOBILE = ph("20304050", "MobilePhoneEmployee", "PUBLIC", owner="it_user")
NO_HIDDEN = SETTINGS.replace({"os2sofd.send_hidden_phone_numbers": False})
OLD_SYNC = SETTINGS.replace({"os2sync.version": "2.9"})
IT_USER = SETTINGS.replace({"os2mo.addresses_on_it_user": True})
AD_PRESET = SETTINGS.replace({"chain.preset": "os2sync-ad"})


def sync_row(*flags: str, error: str = "") -> SourceData:
    return src("os2sync-db", rec("os2sync-db", flags=frozenset(flags), error=error))


CASES: dict[str, Case] = {
    "no sources": Case([], "undetermined", "chain.no_sources", "klik_admin"),
    "legacy": Case(
        [sofd(MOBILE), src("fkorg", rec("fkorg", uid="other", uuid="x"))],
        "legacy_klik_user", "klik.legacy_user", "klik_admin", detail="abc123",
    ),
    "fkorg has it": Case(
        [sofd(MOBILE), src("fkorg", rec("fkorg", ph("20304050", "Telefon")))],
        "lost_fkorg_to_klik", "klik.not_shown", "kombit", detail="20 30 40 50",
    ),
    "not delivered": Case(
        [sofd(MOBILE), FK_EMPTY], "lost_local_to_fkorg", "os2sync.not_delivered",
        "sync_operator", detail="OS2sofd sender 20 30 40 50 som PhoneNumber",
    ),
    "sync failure": Case(
        [sofd(MOBILE), sync_row("failure", error="Bruger er passiveret"), FK_EMPTY],
        "lost_local_to_fkorg", "os2sync.failure", "sync_operator", detail="Bruger er passiveret",
    ),
    "cache skip": Case(
        [sofd(MOBILE), sync_row("skipped"), FK_EMPTY],
        "lost_local_to_fkorg", "os2sync.cache_skip", "sync_operator",
    ),
    "old os2sync": Case(
        [sofd(LANDLINE), FK_EMPTY], "lost_local_to_fkorg", "os2sync.version_no_landline",
        "sync_operator", OLD_SYNC, detail="version 2.9",
    ),
    "disabled": Case(
        [sofd(MOBILE, flags=frozenset({"disabled"})), FK_EMPTY],
        "lost_local_to_fkorg", "os2sofd.ad_account_disabled", "hr",
    ),
    "no affiliation": Case(
        [sofd(MOBILE, flags=frozenset({"no_affiliation"})), FK_EMPTY],
        "lost_local_to_fkorg", "os2sofd.no_active_affiliation", "hr",
    ),
    # OS2sofd/os2sofd OS2SyncService.updatePerson (commit 88a368a6) skips such an account.
    "no matching affiliation": Case(
        [sofd(MOBILE, flags=frozenset({"no_matching_affiliation"})), FK_EMPTY],
        "lost_local_to_fkorg", "os2sofd.no_matching_affiliation", "hr",
        detail="ikke knyttet til nogen aktiv tilknytning",
    ),
    "do not transfer": Case(
        [sofd(MOBILE, flags=frozenset({"do_not_transfer"})), FK_EMPTY],
        "lost_local_to_fkorg", "os2sofd.do_not_transfer", "hr",
    ),
    "hidden mobile": Case(
        [sofd(ph("20304050", "MOBILE", "HIDDEN_FOR_CITIZENS", tp=True)), FK_EMPTY],
        "lost_local_to_fkorg", "os2sofd.hidden_mobile_not_sent", "supplier", NO_HIDDEN,
        detail="OS2sofd har mobilnummeret 20 30 40 50 med synligheden HIDDEN_FOR_CITIZENS",
    ),
    "no type prime": Case(
        [sofd(ph("33663366", "LANDLINE")), FK_EMPTY],
        "lost_local_to_fkorg", "os2sofd.no_type_prime", "hr", detail="LANDLINE",
    ),
    "wrong type": Case(
        [sofd(ph("33663366", "DEPARTMENT_NUMBER", tp=True)), FK_EMPTY],
        "lost_local_to_fkorg", "os2sofd.wrong_phone_type", "hr", detail="DEPARTMENT_NUMBER",
    ),
    "no engagement": Case(
        [mo(MO_MOBILE, flags=frozenset({"no_engagement"})), FK_EMPTY],
        "lost_local_to_fkorg", "os2mo.no_engagement", "hr",
    ),
    "it-user without engagement": Case(
        [mo(MO_MOBILE, flags=frozenset({"no_it_user_engagement"})), FK_EMPTY],
        "lost_local_to_fkorg", "os2mo.it_user_no_engagement", "hr", IT_USER,
    ),
    "empty class list": Case(
        [mo(ph("33663366", "PhoneEmployee")), FK_EMPTY],
        "lost_local_to_fkorg", "os2mo.empty_class_list", "supplier",
        SETTINGS.replace({"os2mo.landline_scope_classes": []}), detail="landline_scope_classes",
    ),
    "type not in scope": Case(
        [mo(ph("33663366", "AfdelingsTelefon")), FK_EMPTY],
        "lost_local_to_fkorg", "os2mo.type_not_in_scope", "supplier", detail="AfdelingsTelefon",
    ),
    "visibility": Case(
        [mo(ph("20304050", "MobilePhoneEmployee", "SECRET")), FK_EMPTY],
        "lost_local_to_fkorg", "os2mo.visibility_not_public", "hr", detail="SECRET",
    ),
    "on person": Case(
        [mo(ph("20304050", "MobilePhoneEmployee", owner="person")), FK_EMPTY],
        "lost_local_to_fkorg", "os2mo.address_on_person", "hr", IT_USER,
    ),
    "other address sent": Case(
        [mo(ph("1234", "MobilePhoneEmployee"), ph("20304050", "MobilePhoneEmployee")), FK_EMPTY],
        "lost_local_to_fkorg", "os2mo.other_address_sent", "hr", detail="1234",
    ),
    # OS2sync-AD chains (AD straight to FK-ORG); more in tests/rules/test_rules_os2sync_ad.py
    "os2sync-ad disabled": Case(
        [src("ad", rec("ad", ph("33663366", "telephoneNumber"), flags=frozenset({"disabled"}))),
         FK_EMPTY],
        "lost_local_to_fkorg", "os2sync_ad.account_disabled", "hr", AD_PRESET,
        detail="TerminateDisabledUsers",
    ),
    "os2sync-ad not synced": Case(
        [src("ad", rec("ad", ph("33663366", "telephoneNumber"))),
         src("fkorg", rec("fkorg", uid="other", uuid="x"))],
        "lost_local_to_fkorg", "os2sync_ad.user_not_synced", "sync_operator", AD_PRESET,
    ),
    "os2sync-ad number in mobile": Case(
        [src("ad", rec("ad", ph("20304050", "mobile"))), FK_EMPTY],
        "lost_local_to_fkorg", "os2sync_ad.not_phone_attribute", "hr", AD_PRESET,
        detail="AD har 20 30 40 50 i mobile",
    ),
    "os2sync-ad number in ipPhone": Case(
        [src("ad", rec("ad", ph("33663366", "ipPhone"))), FK_EMPTY],
        "lost_local_to_fkorg", "os2sync_ad.no_landline", "hr", AD_PRESET,
        detail="aldrig et Direkte nummer",
    ),
    "os2sync-ad not delivered": Case(
        [src("ad", rec("ad", ph("33663366", "telephoneNumber"))), FK_EMPTY],
        "lost_local_to_fkorg", "os2sync_ad.not_delivered", "sync_operator", AD_PRESET,
        detail="i telephoneNumber",
    ),
    "os2sync-ad missing": Case(
        [src("ad", rec("ad")), FK_EMPTY], "missing_in_source", "os2sync_ad.missing",
        "employee", AD_PRESET, detail="intet nummer i telephoneNumber",
    ),
    "not imported": Case(
        [src("ad", rec("ad", ph("33663366", "telephoneNumber"))), sofd(), FK_EMPTY],
        "lost_source_to_local", "source_to_local.not_imported", "supplier",
        detail="AD har 33 66 33 66 i telephoneNumber",
    ),
    "person missing": Case(
        [src("ad", rec("ad", ph("20304050", "mobile"))), src("os2sofd"), FK_EMPTY],
        "lost_source_to_local", "source_to_local.person_missing", "supplier",
    ),
    "no local system": Case(
        [src("opus", rec("opus", ph("33663366", "workPhone"))), FK_EMPTY],
        "lost_before_fkorg", "chain.no_local_system", "klik_admin", detail="OPUS",
    ),
    "only fkorg": Case([FK_EMPTY], "lost_before_fkorg", "fkorg.no_upstream", "klik_admin"),
    "landline unknown via hierarchy": Case(
        [src("os2sofd"), src("fkorg", rec("fkorg", flags=frozenset({"landline_unknown"})))],
        "undetermined", "fkorg.landline_unknown", "klik_admin", detail="/api/hierarchy",
    ),
    "invalid": Case(
        [src("hr", rec("hr", ph("12345678", "direct"))), FK_EMPTY],
        "invalid_in_source", "source.invalid", "hr", detail="12345678",
    ),
    "missing": Case(
        [src("ad", rec("ad")), sofd(), FK_EMPTY], "missing_in_source", "source.missing",
        "employee", detail="AD, OS2sofd",
    ),
    "not found": Case(
        [src("ad"), src("os2sofd"), FK_EMPTY], "undetermined", "chain.not_found", "klik_admin"
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_cause_rule_and_party(name: str) -> None:
    case = CASES[name]
    d = diagnose(case.sources, settings=case.settings)
    assert (d.cause, d.rule, d.responsible) == (case.cause, case.rule, case.party)
    assert case.detail in d.cause_detail
    assert d.cause_detail.endswith(".")
    assert d.action.endswith(".")
    assert "{" not in d.cause_detail + d.action


def test_every_rule_code_is_reachable_and_has_texts() -> None:
    assert {case.rule for case in CASES.values()} == set(TEMPLATES)
    assert {case.cause for case in CASES.values()} == set(CAUSE_CODES)


def test_actions_name_system_field_and_value() -> None:
    d = diagnose(CASES["no type prime"].sources)
    assert d.action == "Sæt LANDLINE 33 66 33 66 som typePrime i OS2sofd for brugeren abc123."
    d = diagnose(CASES["hidden mobile"].sources, settings=NO_HIDDEN)
    assert d.cause_detail == (
        "OS2sofd har mobilnummeret 20 30 40 50 med synligheden HIDDEN_FOR_CITIZENS (ikke "
        "VISIBLE), og sendHiddenPhoneNumbers er slået fra, så det sendes ikke til FK-ORG."
    )


def test_sync_rule_needs_a_failure_row_of_this_holder() -> None:
    other = src("os2sync-db", rec("os2sync-db", uid="zzz", uuid="z", flags=frozenset({"failure"})))
    d = diagnose([sofd(MOBILE), other, FK_EMPTY])
    assert d.rule == "os2sync.not_delivered"


def test_old_os2sync_only_blocks_the_direct_slot() -> None:
    d = diagnose([sofd(MOBILE), FK_EMPTY], settings=OLD_SYNC)
    assert d.rule == "os2sync.not_delivered"


def test_cause_priority_beats_slot_order() -> None:
    # direct: missing everywhere; mobile: lost between OS2sofd and FK-ORG.
    d = diagnose([src("ad", rec("ad")), sofd(MOBILE), FK_EMPTY])
    assert (d.cause, d.rule) == ("lost_local_to_fkorg", "os2sync.not_delivered")
    assert "PhoneNumber" in d.cause_detail


def test_direct_slot_wins_a_tie() -> None:
    d = diagnose([sofd(ph("33663366", "LANDLINE"), MOBILE), FK_EMPTY], settings=OLD_SYNC)
    # both slots are lost_local_to_fkorg: direct by no_type_prime, mobile by not_delivered
    assert (d.cause, d.rule) == ("lost_local_to_fkorg", "os2sofd.no_type_prime")


def test_usable_number_blocked_behind_an_unusable_sent_one() -> None:
    sources = [sofd(ph("1234", "MOBILE", tp=True), ph("20304050", "MOBILE")), FK_EMPTY]
    d = diagnose(sources)
    assert (d.cause, d.rule) == ("lost_local_to_fkorg", "os2sofd.no_type_prime")
    assert "20 30 40 50" in d.action


def test_local_rule_order_decides_between_two_blocked_numbers() -> None:
    sources = [
        mo(ph("20304050", "MobilePhoneEmployee", "SECRET"), ph("21212121", "Privat")),
        FK_EMPTY,
    ]
    settings = SETTINGS.replace({"os2mo.landline_scope_classes": []})
    # direct slot: 21212121 is outside every list -> empty class list (earlier in the order)
    d = diagnose(sources, settings=settings)
    assert d.rule == "os2mo.empty_class_list"


def test_unusable_in_klik_but_usable_in_fkorg_is_lost_to_klik() -> None:
    d = diagnose(CASES["fkorg has it"].sources, holder(direct="1234"))
    assert d.cause == "lost_fkorg_to_klik"


def test_covered_holder_gets_no_cause_but_a_trace() -> None:
    sources = [
        src("ad", rec("ad")),
        sofd(MOBILE),
        src("fkorg", rec("fkorg", ph("20304050", "Telefon"))),
    ]
    d = diagnose(sources, holder(mobile="20 30 40 50"))
    assert (d.cause, d.cause_detail, d.responsible, d.action, d.rule) == (None, "", "", "", "")
    assert [h.system for h in d.trace] == ["ad", "os2sofd", "fkorg", "klik"]
    assert d.flags == ()


def test_trace_holds_and_sends_per_hop_upstream_first() -> None:
    sources = [
        src("fkorg", rec("fkorg", ph("20304050", "Telefon"))),
        sofd(ph("1234", "LANDLINE", tp=True), ph("33663366", "LANDLINE"), MOBILE),
        src("ad", rec("ad", ph("33663366", "telephoneNumber"))),
    ]
    d = diagnose(sources, holder(mobile="20304050"))
    ad, local, fk, klik = d.trace
    assert (ad.system, ad.position, ad.found, ad.direct, ad.sent_direct) == (
        "ad",
        "source",
        True,
        "33663366",
        "33663366",
    )
    assert (ad.key, ad.confidence) == ("user_id", "exact")
    # best held value is the usable one; what is sent is the typePrime
    assert (local.direct, local.sent_direct, local.mobile, local.sent_mobile) == (
        "33663366",
        "1234",
        "20304050",
        "20304050",
    )
    assert (local.key, local.confidence) == ("uuid", "exact")
    assert (fk.mobile, fk.direct) == ("20304050", "")
    assert (klik.system, klik.mobile) == ("klik", "20304050")


def test_trace_of_unlinked_hop() -> None:
    d = diagnose([src("os2sofd"), FK_EMPTY])
    assert (d.trace[0].system, d.trace[0].found, d.trace[0].direct) == ("os2sofd", False, "")


def test_stale_flag_when_klik_differs_from_fkorg() -> None:
    fk = src("fkorg", rec("fkorg", ph("21212121", "Telefon")))
    assert diagnose([fk], holder(mobile="20304050")).flags == ("stale",)
    assert diagnose([fk], holder(mobile="+45 21 21 21 21")).flags == ()
    assert diagnose([fk], holder(direct="20304050")).flags == ()


def test_no_active_employment_flag() -> None:
    gone = rec("os2sofd", MOBILE, flags=frozenset({"no_affiliation"}))
    d = diagnose([src("os2sofd", gone), FK_EMPTY], holder(mobile="20304050"))
    assert "no_active_employment" in d.flags
    d = diagnose([sofd(MOBILE), FK_EMPTY], holder(mobile="20304050"))
    assert "no_active_employment" not in d.flags


def test_ambiguous_and_several_fkorg_users_flags() -> None:
    fk = src(
        "fkorg",
        rec("fkorg", person_key="P"),
        rec("fkorg", uid="abc123adm", uuid="b", person_key="P"),
    )
    twins = src(
        "hr",
        rec("hr", uid="", email="abc123@kommune.dk", person_key="1"),
        rec("hr", uid="", email="abc123@kommune.dk", person_key="2"),
    )
    d = diagnose([twins, fk])
    assert d.flags == ("ambiguous_match", "several_fkorg_users")
    assert d.trace[0].confidence == "ambiguous"
    assert d.trace[0].found is False


# --- property test over random small chains --------------------------------------------

RAWS = ["", "20304050", "33 66 33 66", "1234", "12345678", "abc", "+45 21212121"]
TYPES = {
    "ad": ["telephoneNumber", "mobile", "ipPhone"],
    "hr": ["direct", "mobile"],
    "os2sofd": ["MOBILE", "LANDLINE", "IP", "DEPARTMENT_NUMBER", "DATA_SIM"],
    "os2mo": ["PhoneEmployee", "MobilePhoneEmployee", "Privat"],
    "os2sync-db": ["Landline", "PhoneNumber"],
    "fkorg": ["FastnetTelefon", "Telefon"],
}
FLAGS = ["disabled", "deleted", "no_affiliation", "do_not_transfer", "no_matching_affiliation",
         "no_engagement", "failure",
         "skipped"]  # fmt: skip

entries = st.builds(
    PhoneEntry,
    raw=st.sampled_from(RAWS),
    type=st.just(""),
    visibility=st.sampled_from(["", "VISIBLE", "HIDDEN_FOR_CITIZENS", "PUBLIC", "SECRET"]),
    prime=st.booleans(),
    type_prime=st.booleans(),
    owner=st.sampled_from(["", "person", "it_user"]),
)


@st.composite
def system_data(draw: st.DrawFn, kind: str) -> SourceData:
    records = []
    for _ in range(draw(st.integers(0, 2))):
        phones = tuple(
            PhoneEntry(e.raw, draw(st.sampled_from(TYPES[kind])), e.visibility, e.prime,
                       e.type_prime, e.owner)
            for e in draw(st.lists(entries, max_size=3))
        )  # fmt: skip
        records.append(
            SourceRecord(
                kind,
                draw(st.sampled_from(["abc123", "ABC123", "KOMMUNE\\abc123", "xyz", ""])),
                uuid=draw(st.sampled_from(["", UUID, "bbbb"])),
                person_key=draw(st.sampled_from(["", "p1", "p2"])),
                email=draw(st.sampled_from(["", "abc123@kommune.dk"])),
                phones=phones,
                flags=frozenset(draw(st.lists(st.sampled_from(FLAGS), max_size=2))),
                error=draw(st.sampled_from(["", "Timeout"])),
            )
        )
    return src(kind, *records)


@st.composite
def chains(draw: st.DrawFn) -> list[SourceData]:
    kinds = draw(st.lists(st.sampled_from(list(TYPES)), unique=True, max_size=4))
    return [draw(system_data(kind)) for kind in kinds]


CHAIN_SETTINGS = st.sampled_from([SETTINGS, NO_HIDDEN, OLD_SYNC, IT_USER])


@hsettings(max_examples=200, deadline=None)
@given(chains(), st.sampled_from(RAWS), st.sampled_from(RAWS), CHAIN_SETTINGS)
def test_invariants_over_random_chains(
    sources: list[SourceData], direct: str, mobile: str, settings: Settings
) -> None:
    user = holder(direct, mobile)
    d = diagnose(sources, user, settings)
    covered = ENGINE.parse(direct).usable or ENGINE.parse(mobile).usable
    assert len(d.trace) == len(sources) + 1
    assert d.trace[-1].system == "klik"
    if covered:
        assert d.cause is None
        return
    assert d.cause in CAUSE_CODES
    assert d.responsible in PARTY_CODES
    assert d.rule in TEMPLATES
    assert d.cause_detail
    assert d.action
    has_fkorg = any(s.kind == "fkorg" for s in sources)
    if d.cause == "legacy_klik_user":
        assert has_fkorg
    if d.cause == "lost_fkorg_to_klik":
        fk_hops = [h for h in d.trace if h.system == "fkorg" and h.found]
        assert any(ENGINE.parse(v).usable for h in fk_hops for v in (h.direct, h.mobile))
    if not sources:
        assert d.cause == "undetermined"
