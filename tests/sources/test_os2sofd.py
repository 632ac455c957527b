"""OS2sofd readers: /api/v2/persons JSON (pages, lists) and the SOFD_yyyymmdd.csv file."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from msgspec import structs

from telefonspor.errors import ConfigError, InputError
from telefonspor.model import PhoneEntry, SourceRecord
from telefonspor.sources import os2sofd

from .chain_files import SETTINGS, sofd_person, sofd_phone, write_csv, write_json

TODAY = date.today()


def read(path: Path) -> list[SourceRecord]:
    return list(os2sofd.read_os2sofd(path, options={}, settings=SETTINGS).records)


def people() -> list[dict[str, object]]:
    return [
        sofd_person(
            1,
            phones=[
                sofd_phone("20304050", "MOBILE", visibility="HIDDEN_FOR_CITIZENS", prime=True),
                sofd_phone("33123456", "LANDLINE", type_prime=False),
                sofd_phone("33999999", "DEPARTMENT_NUMBER"),
                sofd_phone("", "FAX_NUMBER"),
            ],
            chosen="Søs",
        ),
        sofd_person(2, phones=[sofd_phone("22222222", "MOBILE")]),
        sofd_person(3),
    ]


def test_one_page_object(tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "persons.json", {"persons": people(), "page": 0, "nextOffset": None}
    )
    data = os2sofd.read_os2sofd(path, options={}, settings=SETTINGS)
    assert (data.kind, data.position) == ("os2sofd", "local")
    first = data.records[0]
    assert first.user_id == "sae001"
    assert first.uuid == "abcdef00-0000-4000-8000-000000000001"
    assert first.person_key == "00000000-0000-4000-8000-000000000001"
    assert (first.name, first.email, first.employee_id) == ("Søs", "sae001@kommune.dk", "5001")
    # Phones as OS2sofd holds them: no slot decided, empty numbers left out.
    assert first.phones == (
        PhoneEntry("20304050", "MOBILE", "HIDDEN_FOR_CITIZENS", prime=True, type_prime=True),
        PhoneEntry("33123456", "LANDLINE", "VISIBLE", prime=False, type_prime=False),
        PhoneEntry("33999999", "DEPARTMENT_NUMBER", "VISIBLE", type_prime=True),
    )
    assert first.active and not first.flags
    assert first.location == "persons.json persons[0].users[0]"
    assert data.records[1].name == "Søren Ærø 2"
    assert data.files[0].rows == 3


def test_list_of_pages_and_plain_list_give_the_same_records(tmp_path: Path) -> None:
    persons = people()
    pages = write_json(
        tmp_path / "pages.json",
        [
            {"persons": persons[:2], "page": 0, "nextOffset": persons[1]["uuid"]},
            {"persons": persons[2:], "page": 1, "nextOffset": None},
        ],
    )
    plain = write_json(tmp_path / "plain.json", persons)

    def strip(records: list[SourceRecord]) -> list[SourceRecord]:
        return [structs.replace(r, location="") for r in records]

    assert strip(read(pages)) == strip(read(plain))
    assert len(read(plain)) == 3


def test_flags_for_each_reason_os2sofd_keeps_a_user_out_of_fk_org() -> None:
    """OS2sofd/os2sofd AffiliationService.notStoppedAffiliations and
    OS2SyncService.updatePerson (commit 88a368a6): an affiliation counts unless deleted or
    stopped; ``startDate`` is never checked, so a new hire starting next month counts."""
    past = str(TODAY - timedelta(days=1))
    future = str(TODAY + timedelta(days=30))

    def aff(index: int, **changes: object) -> dict[str, object]:
        return {"startDate": "2020-01-01", "stopDate": None, "employeeId": str(5000 + index),
                "deleted": False, **changes}  # fmt: skip

    persons = [
        sofd_person(1, deleted=True),
        sofd_person(2, affiliations=[aff(2, stopDate=past)]),
        sofd_person(3, affiliations=[aff(3, startDate=future)]),
        sofd_person(4, affiliations=[aff(4, deleted=True)]),
        sofd_person(5, affiliations=[aff(5, stopDate=past), aff(5)]),
        sofd_person(6, affiliations=[aff(6, stopDate=str(TODAY))]),
        sofd_person(7, affiliations=[]),
    ]
    persons[0]["users"][0]["disabled"] = True
    records = os2sofd.records_from_persons(persons, origin="api", today=TODAY)
    assert [sorted(r.flags) for r in records] == [
        ["deleted", "disabled"],
        ["no_affiliation"],
        [],  # a future startDate still counts as active
        ["no_affiliation"],
        [],
        [],  # stopDate today is still active
        ["no_affiliation"],
    ]
    assert [r.active for r in records] == [False, False, True, False, True, True, False]


def test_do_not_transfer_is_read_from_org_units_not_from_the_affiliation(tmp_path: Path) -> None:
    """OS2sofd/os2sofd (commit 88a368a6): AffiliationApiRecord has no doNotTransferToFkOrg;
    OS2SyncService.updatePerson drops affiliations whose org unit is in
    OrgUnitDao.getDoNotTransferToFKOrgUuids (the marked units and their sub-units)."""
    marked = "AAAAAAAA-0000-4000-8000-000000000001"
    unit = {"orgUnitUuid": marked}
    persons = [
        # The old (made-up) member on the affiliation is not read any more.
        sofd_person(1, affiliations=[{"employeeId": "5001", "doNotTransferToFkOrg": True}]),
        sofd_person(2, affiliations=[{"employeeId": "5002", **unit}]),
        sofd_person(3, affiliations=[{"employeeId": "5003", **unit}, {"employeeId": "5003"}]),
    ]
    path = write_json(tmp_path / "persons.json", persons)
    records = os2sofd.read_os2sofd(
        path, options={"do_not_transfer_org_units": [marked]}, settings=SETTINGS
    ).records
    assert [sorted(r.flags) for r in records] == [[], ["do_not_transfer"], []]
    assert [sorted(r.flags) for r in read(path)] == [[], [], []]
    with pytest.raises(ConfigError, match="do_not_transfer_org_units"):
        os2sofd.read_os2sofd(path, options={"do_not_transfer_org_units": marked}, settings=SETTINGS)


def test_ad_account_without_matching_affiliation_is_flagged() -> None:
    """OS2sofd/os2sofd OS2SyncService.updatePerson (commit 88a368a6): an AD account with an
    employeeId uses the affiliations with that employeeId; one without uses the affiliations
    no other AD account claims; with none the account is skipped ("no affiliations are
    available for this account")."""

    def ad(user_id: str, employee_id: str | None) -> dict[str, object]:
        return {"userId": user_id, "userType": "ACTIVE_DIRECTORY", "employeeId": employee_id}

    persons = [
        sofd_person(1, users=[ad("a1", "9999")], affiliations=[{"employeeId": "5001"}]),
        sofd_person(
            2,
            users=[ad("b1", "5002"), ad("b2", None)],
            affiliations=[{"employeeId": "5002"}],
        ),
        sofd_person(
            3,
            users=[ad("c1", "5003"), ad("c2", None)],
            affiliations=[{"employeeId": "5003"}, {"employeeId": "6003"}],
        ),
        # No active affiliation at all: the person is deleted, not skipped.
        sofd_person(4, users=[ad("d1", "9999")], affiliations=[]),
    ]
    records = os2sofd.records_from_persons(persons, origin="api", today=TODAY)
    assert [(r.user_id, sorted(r.flags)) for r in records] == [
        ("a1", ["no_matching_affiliation"]),
        ("b1", []),
        ("b2", ["no_matching_affiliation"]),
        ("c1", []),
        ("c2", []),
        ("d1", ["no_affiliation"]),
    ]
    assert not records[0].active


def test_one_record_per_ad_account_and_one_for_a_person_without_any() -> None:
    ad_user = {"userId": "a1", "userType": "ACTIVE_DIRECTORY", "kombitUuid": None}
    persons = [
        sofd_person(
            1,
            phones=[sofd_phone("22222222", "MOBILE")],
            users=[
                ad_user,
                {"userId": "a2"},  # userType missing: counts as AD
                {"userId": "a1@kommune.dk", "userType": "EXCHANGE"},
            ],
        ),
        sofd_person(2, users=[]),
    ]
    records = os2sofd.records_from_persons(persons, origin="api", today=TODAY)
    assert [(r.user_id, r.person_key[-2:]) for r in records] == [
        ("a1", "01"),
        ("a2", "01"),
        ("", "02"),
    ]
    assert records[0].phones == records[1].phones
    assert records[2].employee_id == "5002"  # from the affiliation


def test_sofd_csv_iso_8859_1_never_keeps_the_cpr(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "SOFD_20240501.csv",
        [
            [
                "cpr",
                "ad-kontonavn",
                "mobilnummer",
                "telefonnummer",
                "kaldenavn",
                "medarbejderid",
                "fornavn",
                "efternavn",
            ],
            ["0101701234", "jøhe", "20 30 40 50", "", "", "7001", "Jørgen", "Æbelø"],
            ["0202802345", "", "", "86123456", "Åse", "7002", "Åse Marie", "Østergård"],
        ],
        delimiter=",",
        encoding="iso-8859-1",
    )
    data = os2sofd.read_os2sofd(path, options={}, settings=SETTINGS)
    first, second = data.records
    assert (first.user_id, first.name, first.employee_id) == ("jøhe", "Jørgen Æbelø", "7001")
    assert first.phones == (
        PhoneEntry("20 30 40 50", "MOBILE", "VISIBLE", prime=False, type_prime=True),
    )
    assert second.phones == (PhoneEntry("86123456", "LANDLINE", "", type_prime=True),)
    assert second.name == "Åse" and second.user_id == ""
    assert "0101701234" not in repr(data) and "0202802345" not in repr(data)


def test_truncated_json(tmp_path: Path) -> None:
    path = tmp_path / "persons.json"
    path.write_text('{"persons": [{"uuid": "x", "phones": [', encoding="utf-8")
    with pytest.raises(InputError, match="afkortet") as caught:
        read(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ([sofd_person(1), {**sofd_person(2), "phones": ["22222222"]}], r"\[1\]\.phones\[0\]"),
        ({"persons": [{**sofd_person(1), "users": {"userId": "x"}}]}, r"persons\[0\]\.users"),
        ({"persons": [sofd_person(1, affiliations=[{"startDate": "i går"}])]}, "startDate"),
        ({"personer": []}, "persons"),
        ("just text", "JSON-liste"),
    ],
)
def test_wrong_shape_names_the_place_inside_the_file(
    tmp_path: Path, data: object, where: str
) -> None:
    path = write_json(tmp_path / "persons.json", data)
    with pytest.raises(InputError, match=where) as caught:
        read(path)
    assert str(path) in str(caught.value)


def test_absurdly_deep_json(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(InputError, match="dybt"):
        read(path)


def test_nul_bytes_and_empty_file(tmp_path: Path) -> None:
    nul = tmp_path / "nul.json"
    nul.write_bytes('[{"uuid": "x"}]'.encode("utf-16-le"))
    empty = tmp_path / "empty.json"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(InputError, match="NUL"):
        read(nul)
    with pytest.raises(InputError, match="tom"):
        read(empty)
