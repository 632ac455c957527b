"""Systemic faults: each is found, its evidence and gain are exact, and whatif agrees."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path

import pytest

from telefonspor.audit import run_audit
from telefonspor.edge.run import audit_files
from telefonspor.model import (
    InputFile,
    KlikExport,
    KlikUser,
    PhoneEntry,
    SourceData,
    SourceRecord,
    SystemicFinding,
)
from telefonspor.sample import generate_chain
from telefonspor.sample.os2mo import CLASS_UUIDS
from telefonspor.scenario import run_scenario
from telefonspor.settings import Settings, defaults, load, parse_assignments

PEOPLE = 30
HOLDERS = 10  # the first HOLDERS people hold KLIK roles, without numbers in KLIK
ROLES = 2


def guid(uid: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, uid))


def landline(i: int) -> str:
    return f"33 66 {i // 100:02d} {i % 100:02d}"


def mobile(i: int) -> str:
    return f"20 30 {i // 100:02d} {i % 100:02d}"


def uid(i: int) -> str:
    return f"bruger{i:03d}"


def klik(*, with_numbers: Sequence[int] = ()) -> KlikExport:
    users = tuple(
        KlikUser(
            user_id=uid(i),
            name=f"Person {i}",
            email=f"{uid(i)}@kommune.dk",
            unit="IT",
            municipality="",
            roles=tuple(f"Rolle {r}" for r in range(ROLES)),
            direct_raw="",
            mobile_raw=mobile(i) if i in with_numbers else "",
            row=i + 2,
            user_name=uid(i),
        )
        for i in range(HOLDERS)
    )
    return KlikExport(users, InputFile("klik.xlsx", "klik"), True, {})


def ad(phones: dict[int, dict[str, str]]) -> SourceData:
    records = tuple(
        SourceRecord(
            "ad",
            uid(i),
            uuid=guid(uid(i)),
            phones=tuple(PhoneEntry(raw, attr) for attr, raw in phones.get(i, {}).items()),
        )
        for i in range(PEOPLE)
    )
    return SourceData("ad", "source", records, "ad.csv")


def sofd(phones: dict[int, list[PhoneEntry]]) -> SourceData:
    records = tuple(
        SourceRecord(
            "os2sofd",
            uid(i),
            uuid=guid(uid(i)),
            person_key=f"p{i}",
            phones=tuple(phones.get(i, [])),
        )
        for i in range(PEOPLE)
    )
    return SourceData("os2sofd", "local", records, "sofd.json")


def os2mo(phones: dict[int, list[PhoneEntry]]) -> SourceData:
    records = tuple(
        SourceRecord(
            "os2mo", uid(i), uuid=guid(uid(i)), person_key=f"e{i}", phones=tuple(phones.get(i, []))
        )
        for i in range(PEOPLE)
    )
    return SourceData("os2mo", "local", records, "mo.json")


def fkorg(phones: dict[int, dict[str, str]] | None = None) -> SourceData:
    phones = phones or {}
    records = tuple(
        SourceRecord(
            "fkorg",
            uid(i),
            uuid=guid(uid(i)),
            phones=tuple(PhoneEntry(raw, role) for role, raw in phones.get(i, {}).items()),
        )
        for i in range(PEOPLE)
    )
    return SourceData("fkorg", "fkorg", records, "fkorg.csv")


def finding(systemic: Sequence[SystemicFinding], code: str) -> SystemicFinding:
    by_code = {f.code: f for f in systemic}
    assert code in by_code, f"{code} not in {sorted(by_code)}"
    return by_code[code]


def check_whatif_agrees(
    export: KlikExport, sources: list[SourceData], settings: Settings, found: SystemicFinding
) -> None:
    scenario = run_scenario(export, sources, settings, parse_assignments(found.setting.split(" ")))
    assert scenario.roles_gained == found.roles_gained
    gained = sorted(c.user_id for c in scenario.changes if c.covered_after and not c.covered_before)
    assert gained == list(found.user_ids)


def test_ad_phone_never_mapped_into_os2sofd() -> None:
    sources = [
        ad({i: {"telephoneNumber": landline(i)} for i in range(PEOPLE)}),
        sofd({}),
        fkorg(),
    ]
    export, settings = klik(), defaults()
    result = run_audit(export, sources, settings)
    found = finding(result.systemic, "ad_phone_not_mapped")
    assert found.evidence == {
        "ad_med_nummer": 30,
        "ad_i_alt": 30,
        "os2sofd_med_nummer": 0,
        "os2sofd_i_alt": 30,
    }
    assert (found.holders_gained, found.roles_gained) == (HOLDERS, HOLDERS * ROLES)
    assert found.setting == "whatif.import_source_phones=direct"
    assert found.responsible == "supplier"
    check_whatif_agrees(export, sources, settings, found)


def test_hidden_mobiles_not_sent() -> None:
    hidden = {
        i: [PhoneEntry(mobile(i), "MOBILE", "HIDDEN_FOR_CITIZENS")] for i in range(0, PEOPLE, 2)
    }
    sources = [sofd(hidden), fkorg()]
    export = klik()
    settings = defaults().replace({"os2sofd.send_hidden_phone_numbers": False})
    result = run_audit(export, sources, settings)
    found = finding(result.systemic, "hidden_mobiles_not_sent")
    assert found.evidence["os2sofd_skjulte_mobilnumre"] == 15
    assert found.evidence["os2sofd_i_alt"] == 30
    assert found.evidence["regel_os2sofd.hidden_mobile_not_sent"] == 5
    assert (found.holders_gained, found.roles_gained) == (5, 10)
    assert found.setting == "os2sofd.send_hidden_phone_numbers=true"
    check_whatif_agrees(export, sources, settings, found)


def test_null_visibility_mobiles_count_as_hidden() -> None:
    """OS2sofd/os2sofd OS2SyncService.updatePerson (commit 88a368a6) sends a mobile only when
    ``visibility == VISIBLE`` (or sendHiddenPhoneNumbers): a null visibility is hidden too."""
    hidden = {
        i: [PhoneEntry(mobile(i), "MOBILE", "" if i % 4 else "HIDDEN_FOR_EVERYBODY")]
        for i in range(0, PEOPLE, 2)
    }
    sources = [sofd(hidden), fkorg()]
    export = klik()
    settings = defaults().replace({"os2sofd.send_hidden_phone_numbers": False})
    result = run_audit(export, sources, settings)
    found = finding(result.systemic, "hidden_mobiles_not_sent")
    assert found.evidence["os2sofd_skjulte_mobilnumre"] == 15
    assert found.evidence["regel_os2sofd.hidden_mobile_not_sent"] == 5
    check_whatif_agrees(export, sources, settings, found)


def test_os2sync_before_3_drops_every_landline() -> None:
    phones = {
        i: [PhoneEntry(landline(i), "LANDLINE", "VISIBLE", type_prime=True)] for i in range(PEOPLE)
    }
    sources = [sofd(phones), fkorg()]
    export = klik(with_numbers=[0, 1])  # two holders are covered by a mobile already
    settings = defaults().replace({"os2sync.version": "2.9"})
    result = run_audit(export, sources, settings)
    found = finding(result.systemic, "os2sync_pre_3")
    assert found.evidence == {
        "os2sofd_sender_direkte": 30,
        "fkorg_med_fastnettelefon": 0,
        "fkorg_i_alt": 30,
    }
    assert (found.holders_gained, found.roles_gained) == (8, 16)
    assert found.responsible == "sync_operator"
    check_whatif_agrees(export, sources, settings, found)


def test_landlines_never_reach_fkorg_although_os2sync_claims_3() -> None:
    phones = {
        i: [PhoneEntry(landline(i), "LANDLINE", "VISIBLE", type_prime=True)] for i in range(PEOPLE)
    }
    sources = [sofd(phones), fkorg()]
    export, settings = klik(), defaults()
    result = run_audit(export, sources, settings)
    found = finding(result.systemic, "landline_not_synced")
    assert found.setting == "whatif.sync_delivers=direct"
    assert found.roles_gained == HOLDERS * ROLES
    check_whatif_agrees(export, sources, settings, found)


DESK_CLASS = "cbadfa0f-ce4f-40b9-86a0-2e85d8961f5d"
MOBILE_CLASS = "f376deb8-4743-4ca6-a047-3241de8fe9d2"
OTHER_CLASS = "7a1f0c55-2b1e-4f7e-9d9e-0d6a4b8c1e21"


def test_os2mo_export_with_upstream_default_classes_is_one_finding_per_slot() -> None:
    """magenta-aps/os2mo-os2sync-export 5539c62, os2sync_export/config.py: the class
    lists default to []; pick_address then sends nothing. The report says so once per
    slot and proposes the address type's class UUID, which is what upstream matches."""
    phones = {
        i: [
            PhoneEntry(
                landline(i), "PhoneEmployee", "PUBLIC", owner="it_user", type_uuid=DESK_CLASS
            ),
            PhoneEntry(
                mobile(i), "MobilePhoneEmployee", "PUBLIC", owner="it_user", type_uuid=MOBILE_CLASS
            ),
        ]
        for i in range(PEOPLE)
    }
    sources = [os2mo(phones), fkorg()]
    export, settings = klik(), defaults()
    result = run_audit(export, sources, settings)
    found = finding(result.systemic, "os2mo_landline_classes_empty")
    assert found.evidence == {
        "os2mo_adresser_PhoneEmployee": 30,
        "klasser_i_landline_scope_classes": 0,
    }
    assert found.setting == f"os2mo.landline_scope_classes={DESK_CLASS}"
    assert "tom" in found.title and "ikke at sende" in found.title
    assert f'landline_scope_classes = ["{DESK_CLASS}"]' in found.fix
    assert found.responsible == "supplier"
    assert found.roles_gained == HOLDERS * ROLES
    check_whatif_agrees(export, sources, settings, found)
    mobile_found = finding(result.systemic, "os2mo_phone_classes_empty")
    assert mobile_found.setting == f"os2mo.phone_scope_classes={MOBILE_CLASS}"
    # Every holder's own cause names the empty setting, not a per-holder fault.
    assert {h.rule for h in result.holders if not h.covered} == {"os2mo.empty_class_list"}
    assert all("er tom" in h.cause_detail for h in result.holders if not h.covered)


def test_os2mo_landline_class_missing() -> None:
    phones = {
        i: [
            PhoneEntry(
                landline(i), "PhoneEmployee", "PUBLIC", owner="it_user", type_uuid=DESK_CLASS
            )
        ]
        for i in range(PEOPLE)
    }
    sources = [os2mo(phones), fkorg()]
    export = klik()
    settings = defaults().replace({"os2mo.landline_scope_classes": [OTHER_CLASS]})
    result = run_audit(export, sources, settings)
    found = finding(result.systemic, "os2mo_landline_class_missing")
    assert found.evidence == {
        "os2mo_adresser_PhoneEmployee": 30,
        "klasser_i_landline_scope_classes": 1,
    }
    assert found.setting == f"os2mo.landline_scope_classes={OTHER_CLASS},{DESK_CLASS}"
    assert found.roles_gained == HOLDERS * ROLES
    check_whatif_agrees(export, sources, settings, found)


def test_os2mo_whole_address_type_internal() -> None:
    phones = {
        i: [PhoneEntry(mobile(i), "MobilePhoneEmployee", "INTERNAL", owner="it_user")]
        for i in range(PEOPLE)
    }
    sources = [os2mo(phones), fkorg()]
    export = klik()
    settings = defaults().replace({"os2mo.phone_scope_classes": ["MobilePhoneEmployee"]})
    result = run_audit(export, sources, settings)
    found = finding(result.systemic, "os2mo_visibility_mobilephoneemployee")
    assert found.evidence == {
        "os2mo_MobilePhoneEmployee_interne": 30,
        "os2mo_MobilePhoneEmployee_i_alt": 30,
    }
    assert found.setting == "whatif.publish_address_types=MobilePhoneEmployee"
    assert found.responsible == "hr"
    assert found.roles_gained == HOLDERS * ROLES
    check_whatif_agrees(export, sources, settings, found)


def test_numbers_in_another_ad_attribute() -> None:
    sources = [
        ad({i: {"ipPhone": landline(i)} for i in range(PEOPLE)}),
        sofd({}),
        fkorg(),
    ]
    export, settings = klik(), defaults()
    result = run_audit(export, sources, settings)
    found = finding(result.systemic, "ad_direct_in_ipphone")
    assert found.evidence == {"ad_telephoneNumber": 0, "ad_ipPhone": 30, "ad_i_alt": 30}
    assert found.setting == "ad.direct_attribute=ipPhone"
    assert found.roles_gained == HOLDERS * ROLES
    check_whatif_agrees(export, sources, settings, found)


def test_ranking_and_cumulative_gain() -> None:
    # Half the people only have a hidden mobile, everybody has an AD landline never imported.
    hidden = {
        i: [PhoneEntry(mobile(i), "MOBILE", "HIDDEN_FOR_CITIZENS")] for i in range(0, PEOPLE, 2)
    }
    sources = [
        ad({i: {"telephoneNumber": landline(i)} for i in range(PEOPLE)}),
        sofd(hidden),
        fkorg(),
    ]
    export = klik()
    settings = defaults().replace({"os2sofd.send_hidden_phone_numbers": False})
    result = run_audit(export, sources, settings)
    gains = [(f.code, f.roles_gained, f.cumulative_roles_gained) for f in result.systemic]
    assert gains[0] == ("ad_phone_not_mapped", 20, 20)
    assert ("hidden_mobiles_not_sent", 10, 20) in gains
    assert [g[1] for g in gains] == sorted((g[1] for g in gains), reverse=True)


def test_no_systemic_finding_on_a_healthy_chain() -> None:
    phones = {i: [PhoneEntry(mobile(i), "MOBILE", "VISIBLE")] for i in range(PEOPLE)}
    sources = [sofd(phones), fkorg({i: {"Telefon": mobile(i)} for i in range(PEOPLE)})]
    export = klik(with_numbers=range(HOLDERS))
    assert run_audit(export, sources, defaults()).systemic == ()


def test_replay_with_unchanged_settings_changes_nothing() -> None:
    sources = [ad({i: {"telephoneNumber": landline(i)} for i in range(PEOPLE)}), sofd({}), fkorg()]
    scenario = run_scenario(klik(), sources, defaults(), {"audit.shared_threshold": 3})
    assert scenario.roles_gained == 0
    assert scenario.changes == ()


@pytest.mark.parametrize("assignment", ["whatif.klik_refreshed=true"])
def test_klik_refresh_shows_what_fkorg_has(assignment: str) -> None:
    sources = [fkorg({i: {"Telefon": mobile(i)} for i in range(PEOPLE)})]
    export, settings = klik(), defaults()
    result = run_audit(export, sources, settings)
    assert result.summary.causes == {"lost_fkorg_to_klik": HOLDERS}
    found = finding(result.systemic, "klik_not_refreshed")
    assert found.setting == assignment and found.responsible == "kombit"
    check_whatif_agrees(export, sources, settings, found)


def test_sample_chain_with_upstream_default_classes_names_both_settings(tmp_path: Path) -> None:
    """A municipality whose OS2mo export runs on upstream's defaults (os2mo-os2sync-export
    5539c62, config.py: both class lists []) gets the two settings named, with the class
    UUIDs its OS2mo uses, and the whole loss explained by them."""
    chain = generate_chain(
        tmp_path, holders=200, users=700, seed=11, local="os2mo", faults=("os2mo_default_classes",)
    )
    result = audit_files(chain.klik, load(chain.config))
    found = {f.code: f for f in result.systemic}
    assert found["os2mo_landline_classes_empty"].setting == (
        f"os2mo.landline_scope_classes={CLASS_UUIDS['PhoneEmployee']}"
    )
    assert found["os2mo_phone_classes_empty"].setting == (
        f"os2mo.phone_scope_classes={CLASS_UUIDS['MobilePhoneEmployee']}"
    )
    lost = chain.fault_holders["os2mo_default_classes"]
    assert (
        lost
        and max(f.cumulative_roles_gained for f in result.systemic)
        >= (chain.fault_roles["os2mo_default_classes"])
    )
