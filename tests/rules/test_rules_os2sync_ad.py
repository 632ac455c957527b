"""OS2sync-AD chains (``[chain] preset = "os2sync-ad"``): replay, causes, systemic findings.

Upstream: OS2sync/OS2sync at commit 7c8a175a8a1a61d338ed190d7a57221e113ae161,
folder ``os2sync-ad/OS2syncAD`` (see docs/upstream/os2sync-ad.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

import pytest

from telefonspor.audit import run_audit
from telefonspor.diagnose import Diagnoser, Diagnosis
from telefonspor.errors import ConfigError
from telefonspor.model import InputFile, KlikExport, KlikUser, PhoneEntry, SourceData, SourceRecord
from telefonspor.phones import PhoneEngine
from telefonspor.rules import passage
from telefonspor.rules.os2sync_ad import chain_sources
from telefonspor.scenario import run_scenario
from telefonspor.settings import Settings, defaults, parse_assignments

ENGINE = PhoneEngine([])
PLAIN = defaults()
PRESET = PLAIN.replace({"chain.preset": "os2sync-ad"})
DISABLED = frozenset({"disabled"})


def ad(*phones: tuple[str, str], flags: frozenset[str] = frozenset()) -> SourceRecord:
    entries = tuple(PhoneEntry(raw, attribute) for attribute, raw in phones)
    return SourceRecord("ad", "abc123", uuid=guid("abc123"), phones=entries, flags=flags)


def guid(user_id: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, user_id))


# --- the replay ---------------------------------------------------------------------------


def test_telephone_number_goes_to_the_mobile_slot_and_no_landline_is_sent() -> None:
    """EventMapper.MapUser sets user.PhoneNumber from AppConfiguration.UserAttributePhone
    ("Phone": "telephoneNumber" in appsettings.json) and never sets Landline.
    OS2sync/OS2sync@7c8a175a: os2sync-ad/OS2syncAD/activeDirectory/EventMapper.cs,
    os2sync-ad/OS2syncAD/appsettings.json."""
    out = passage(ad(("telephoneNumber", "33663366")), PRESET)
    assert (out.mobile.held, out.mobile.sent) == (("33663366",), "33663366")
    assert (out.direct.held, out.direct.sent) == ((), "")
    # Without the preset the same record is a plain source: telephoneNumber is the direct slot.
    plain = passage(ad(("telephoneNumber", "33663366")), PLAIN)
    assert (plain.direct.sent, plain.mobile.sent) == ("33663366", "")


def test_the_phone_attribute_is_configurable() -> None:
    """AD:UserAttributes:Phone names the attribute; an empty setting sends nothing.
    OS2sync/OS2sync@7c8a175a: os2sync-ad/OS2syncAD/AppConfiguration.cs (UserAttributePhone)."""
    record = ad(("telephoneNumber", "33663366"), ("mobile", "20304050"))
    out = passage(record, PRESET.replace({"os2sync_ad.phone_attribute": "mobile"}))
    assert out.mobile.sent == "20304050"
    assert out.direct.other == ("33663366",)  # telephoneNumber is now never sent


def test_a_multi_valued_attribute_sends_its_first_value() -> None:
    """getSingleAttribute picks values[0] of an ADMultiValueAttribute.
    OS2sync/OS2sync@7c8a175a: os2sync-ad/OS2syncAD/activeDirectory/EventMapper.cs."""
    record = ad(("telephoneNumber", "33663366"), ("telephoneNumber", "33990000"))
    assert passage(record, PRESET).mobile.sent == "33663366"


def test_numbers_in_other_attributes_are_held_but_never_sent() -> None:
    """Only the one Phone attribute is mapped to a user; mobile and ipPhone are not read.
    OS2sync/OS2sync@7c8a175a: os2sync-ad/OS2syncAD/activeDirectory/EventMapper.cs (MapUser)."""
    record = ad(("mobile", "20304050"), ("ipPhone", "33445566"), ("homePhone", "40506070"))
    out = passage(record, PRESET)
    assert (out.mobile.sent, out.mobile.other) == ("", ("20304050",))
    assert (out.direct.sent, out.direct.other) == ("", ("33445566",))


def test_a_disabled_account_is_removed_unless_terminate_is_off() -> None:
    """userAccountControl & 2 with TerminateDisabledUsers = "true" (the default) gives a
    Remove event, i.e. a DELETE of the FK-ORG user.
    OS2sync/OS2sync@7c8a175a: os2sync-ad/OS2syncAD/activeDirectory/ADEventBuilder.cs
    (EventOnObjectDeleted), os2sync-ad/OS2syncAD/appsettings.json."""
    record = ad(("telephoneNumber", "33663366"), flags=DISABLED)
    out = passage(record, PRESET)
    assert (out.mobile.sent, out.mobile.blocked) == (
        "",
        (("33663366", "os2sync_ad.account_disabled"),),
    )
    kept = PRESET.replace({"os2sync_ad.terminate_disabled_users": False})
    assert passage(record, kept).mobile.sent == "33663366"


def test_whatif_fill_copies_the_number_into_the_phone_attribute() -> None:
    record = ad(("mobile", "20304050"))
    filled = PRESET.replace({"whatif.os2sync_ad_fill_phone_attribute": True})
    assert passage(record, filled).mobile.sent == "20304050"
    assert passage(
        ad(("telephoneNumber", "33663366"), ("mobile", "20304050")), filled
    ).mobile.sent == ("33663366")


# --- the chain ----------------------------------------------------------------------------


def source(kind: str, position: str, *records: SourceRecord) -> SourceData:
    return SourceData(kind, position, records, origin=f"{kind}.fil")


def test_the_preset_moves_ad_to_the_local_position_once() -> None:
    chain = [source("ad", "source", ad()), source("fkorg", "fkorg")]
    moved = chain_sources(chain, PRESET)
    assert [s.position for s in moved] == ["local", "fkorg"]
    assert chain_sources(moved, PRESET) == moved
    assert chain_sources(chain, PLAIN) == tuple(chain)


def test_the_preset_refuses_a_local_organisation_system() -> None:
    chain = [source("ad", "source"), source("os2sofd", "local")]
    with pytest.raises(ConfigError, match="os2sofd"):
        chain_sources(chain, PRESET)


# --- diagnosis ----------------------------------------------------------------------------


def holder(direct: str = "", mobile: str = "") -> KlikUser:
    return KlikUser("abc123", "Anna Berg", "abc123@k.dk", "IT", "", ("Rolle",), direct, mobile, 2,
                    user_name="abc123")  # fmt: skip


def diagnose(sources: list[SourceData], settings: Settings = PRESET) -> Diagnosis:
    user = holder()
    direct, mobile = ENGINE.parse(""), ENGINE.parse("")
    return Diagnoser(sources, settings, ENGINE).diagnose(user, direct, mobile, False)


FK_EMPTY = source("fkorg", "fkorg", SourceRecord("fkorg", "abc123", uuid=guid("abc123")))


def test_the_mobile_slot_wins_a_tie() -> None:
    """Both slots lost between AD and FK-ORG: the repairable Mobil nummer is reported."""
    record = ad(("ipPhone", "33445566"), ("mobile", "20304050"))
    d = diagnose([source("ad", "source", record), FK_EMPTY])
    assert (d.cause, d.rule) == ("lost_local_to_fkorg", "os2sync_ad.not_phone_attribute")


def test_a_disabled_account_beats_legacy_and_needs_no_number() -> None:
    gone = source("fkorg", "fkorg", SourceRecord("fkorg", "other", uuid="x"))
    d = diagnose([source("ad", "source", ad(flags=DISABLED)), gone])
    assert (d.cause, d.rule, d.responsible) == (
        "lost_local_to_fkorg",
        "os2sync_ad.account_disabled",
        "hr",
    )
    # Without the preset an AD account FK-ORG never got is a legacy KLIK user, as before.
    d = diagnose([source("ad", "source", ad(flags=DISABLED)), gone], PLAIN)
    assert d.rule == "klik.legacy_user"


def test_an_invalid_value_in_a_field_never_sent_is_not_blamed() -> None:
    """ipPhone '4417' is never sent: the cause is the empty telephoneNumber, not the extension."""
    d = diagnose([source("ad", "source", ad(("ipPhone", "4417"))), FK_EMPTY])
    assert (d.cause, d.rule) == ("missing_in_source", "os2sync_ad.missing")
    assert "telephoneNumber" in d.action


def test_an_os2sync_failure_row_still_names_os2sync() -> None:
    """OS2sync-AD queues users in OS2sync's own tables (UserDao.Save), so its failure rows count.
    OS2sync/OS2sync@7c8a175a: os2sync-ad/OS2syncAD/scheduler/EventListenerProcessor.cs."""
    row = SourceRecord("os2sync-db", "abc123", uuid=guid("abc123"), flags=frozenset({"failure"}),
                       error="Timeout mod Serviceplatformen")  # fmt: skip
    record = ad(("telephoneNumber", "33663366"))
    d = diagnose([source("ad", "source", record), source("os2sync-db", "sync", row), FK_EMPTY])
    assert (d.rule, d.responsible) == ("os2sync.failure", "sync_operator")
    assert "Timeout" in d.cause_detail


# --- systemic findings and what-if --------------------------------------------------------

PEOPLE, HOLDERS = 30, 10


def population(phones: Mapping[int, Sequence[tuple[str, str]]]) -> list[SourceData]:
    uids = [f"bruger{i:03d}" for i in range(PEOPLE)]
    ad_records = tuple(
        SourceRecord("ad", u, uuid=guid(u), phones=tuple(PhoneEntry(r, a) for a, r in phones.get(i, ())))
        for i, u in enumerate(uids)
    )  # fmt: skip
    fk_records = tuple(SourceRecord("fkorg", u, uuid=guid(u)) for u in uids)
    return [source("ad", "source", *ad_records), source("fkorg", "fkorg", *fk_records)]


def export() -> KlikExport:
    users = tuple(
        KlikUser(f"bruger{i:03d}", f"Person {i}", f"bruger{i:03d}@k.dk", "IT", "",
                 ("Rolle A", "Rolle B"), "", "", i + 2, user_name=f"bruger{i:03d}")
        for i in range(HOLDERS)
    )  # fmt: skip
    return KlikExport(users, InputFile("klik.xlsx", "klik"), True, {})


def test_numbers_in_mobile_across_the_population_suggest_another_phone_attribute() -> None:
    sources = population({i: [("mobile", f"20 30 40 {i:02d}")] for i in range(PEOPLE)})
    result = run_audit(export(), sources, PRESET)
    found = {f.code: f for f in result.systemic}["os2sync_ad_phone_in_mobile"]
    assert found.setting == "os2sync_ad.phone_attribute=mobile"
    assert found.evidence == {"ad_telephoneNumber": 0, "ad_mobile": 30, "ad_i_alt": 30}
    assert (found.roles_gained, found.responsible) == (HOLDERS * 2, "sync_operator")
    scenario = run_scenario(export(), sources, PRESET, parse_assignments([found.setting]))
    assert scenario.roles_gained == found.roles_gained


def test_holders_with_numbers_outside_the_phone_attribute_are_one_systemic_fix() -> None:
    # Most AD users have telephoneNumber; three holders only have a number elsewhere.
    phones: dict[int, list[tuple[str, str]]] = {
        i: [("telephoneNumber", f"33 66 40 {i:02d}")] for i in range(HOLDERS, PEOPLE)
    }
    phones |= {
        0: [("mobile", "20304000")],
        1: [("mobile", "20304001")],
        2: [("ipPhone", "33445502")],
    }
    sources = population(phones)
    result = run_audit(export(), sources, PRESET)
    found = {f.code: f for f in result.systemic}["os2sync_ad_numbers_outside_phone_attribute"]
    assert found.setting == "whatif.os2sync_ad_fill_phone_attribute=true"
    assert found.user_ids == ("bruger000", "bruger001", "bruger002")
    scenario = run_scenario(export(), sources, PRESET, parse_assignments([found.setting]))
    assert scenario.roles_gained == found.roles_gained == 6


# --- settings -----------------------------------------------------------------------------


def test_the_preset_setting_accepts_only_known_presets() -> None:
    from telefonspor.settings import coerce, load

    assert coerce("chain.preset", " OS2sync-AD ") == "os2sync-ad"
    assert coerce("chain.preset", "") == ""
    with pytest.raises(ConfigError, match='"os2sync-ad"'):
        coerce("chain.preset", "os2sofd")
    settings = load(environ={"TELEFONSPOR_CHAIN_PRESET": "os2sync-ad"})
    assert settings["chain.preset"] == "os2sync-ad"
    assert settings["os2sync_ad.phone_attribute"] == "telephoneNumber"
    assert settings.flag("os2sync_ad.terminate_disabled_users") is True


def test_an_ad_account_found_only_by_e_mail_is_not_blamed_for_a_legacy_user() -> None:
    other = SourceRecord("ad", "anbe", uuid=guid("anbe"), email="abc123@k.dk",
                         phones=(PhoneEntry("33663366", "telephoneNumber"),))  # fmt: skip
    gone = source("fkorg", "fkorg", SourceRecord("fkorg", "anbe", uuid=guid("anbe")))
    d = diagnose([source("ad", "source", other), gone])
    assert d.rule == "klik.legacy_user"


def test_numbers_lost_between_ad_and_fkorg_are_one_sync_fix() -> None:
    phones = {i: [("telephoneNumber", f"33 66 40 {i:02d}")] for i in range(PEOPLE)}
    sources = population(phones)  # FK-ORG has none of them
    result = run_audit(export(), sources, PRESET)
    found = {f.code: f for f in result.systemic}["os2sync_ad_not_delivered"]
    assert (found.setting, found.responsible) == ("whatif.sync_delivers=mobile", "sync_operator")
    assert found.holders_gained == HOLDERS
    scenario = run_scenario(export(), sources, PRESET, parse_assignments([found.setting]))
    assert scenario.roles_gained == found.roles_gained == HOLDERS * 2
