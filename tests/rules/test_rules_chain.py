"""Sources, FK-ORG and the OS2sync database: slot by field, sent as held."""

from __future__ import annotations

import pytest

from telefonspor.model import PhoneEntry, SourceRecord
from telefonspor.rules import NOTHING, drops_landline, passage, sync_rule
from telefonspor.rules.os2sync import version_tuple
from telefonspor.settings import defaults

SETTINGS = defaults()


def rec(system: str, *phones: tuple[str, str], flags: frozenset[str] = frozenset()) -> SourceRecord:
    entries = tuple(PhoneEntry(raw, kind) for raw, kind in phones)
    return SourceRecord(system, "abc123", phones=entries, flags=flags)


def test_ad_default_attributes() -> None:
    record = rec("ad", ("33663366", "telephoneNumber"), ("20304050", "mobile"), ("1234", "ipPhone"))
    p = passage(record, SETTINGS)
    assert (p.direct.held, p.direct.sent) == (("33663366",), "33663366")
    assert (p.mobile.held, p.mobile.sent) == (("20304050",), "20304050")


def test_ad_attribute_names_are_configurable_and_case_insensitive() -> None:
    settings = SETTINGS.replace({"ad.direct_attribute": "ipPhone", "ad.mobile_attribute": ""})
    record = rec("ad", ("33663366", "telephonenumber"), ("44444444", "IPPHONE"), ("2030", "mobile"))
    p = passage(record, settings)
    assert p.direct.held == ("44444444",)
    assert p.mobile.held == ()


def test_opus_and_hr_fields() -> None:
    p = passage(rec("opus", ("33663366", "workPhone"), ("20304050", "mobilePhone")), SETTINGS)
    assert (p.direct.sent, p.mobile.sent) == ("33663366", "20304050")
    p = passage(rec("hr", ("33663366", "direct"), ("20304050", "mobile")), SETTINGS)
    assert (p.direct.sent, p.mobile.sent) == ("33663366", "20304050")


def test_source_sends_the_first_of_several_values() -> None:
    p = passage(rec("ad", ("11", "mobile"), ("20304050", "mobile")), SETTINGS)
    assert (p.mobile.held, p.mobile.sent) == (("11", "20304050"), "11")


def test_fkorg_roles_by_name_or_uuid() -> None:
    record = rec(
        "fkorg",
        ("33663366", "FastnetTelefon"),
        ("20304050", "5ef6be2d-59f4-4652-a680-585929924ba9"),
        ("x@y.dk", "Email"),
    )
    p = passage(record, SETTINGS)
    assert (p.direct.held, p.mobile.held) == (("33663366",), ("20304050",))


def test_os2sync_db_fields() -> None:
    p = passage(rec("os2sync-db", ("33663366", "Landline"), ("20304050", "PhoneNumber")), SETTINGS)
    assert (p.direct.sent, p.mobile.sent) == ("33663366", "20304050")


def test_unknown_system_holds_nothing() -> None:
    assert passage(rec("klik", ("20304050", "mobile")), SETTINGS) is NOTHING


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.0", (3, 0)),
        ("2.9.1", (2, 9, 1)),
        ("v2", (2,)),
        ("3.1-beta", (3, 1)),
        ("2.²", (2, 0)),  # "²".isdigit() is True, but int() refuses it
        ("3." + "9" * 5_000, (3, 999_999_999)),  # int() refuses 4,300+ digits
    ],
)
def test_version_tuple(text: str, expected: tuple[int, ...]) -> None:
    assert version_tuple(text) == expected


def test_versions_before_3_drop_landlines() -> None:
    assert not drops_landline(SETTINGS)
    assert drops_landline(SETTINGS.replace({"os2sync.version": "2.9"}))
    assert not drops_landline(SETTINGS.replace({"os2sync.version": "3.2.1"}))


def test_sync_rule_order() -> None:
    old = SETTINGS.replace({"os2sync.version": "2.5"})
    failure = rec("os2sync-db", flags=frozenset({"failure"}))
    skipped = rec("os2sync-db", flags=frozenset({"skipped"}))
    assert sync_rule("direct", [failure], old) == "os2sync.version_no_landline"
    assert sync_rule("mobile", [skipped, failure], old) == "os2sync.failure"
    assert sync_rule("mobile", [skipped], SETTINGS) == "os2sync.cache_skip"
    assert sync_rule("direct", [], SETTINGS) == "os2sync.not_delivered"
