"""OS2sofd readers: /api/v2/persons JSON (pages, lists) and the SOFD_yyyymmdd.csv file."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest

from telefonspor.errors import InputError
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
        return [dataclasses.replace(r, location="") for r in records]

    assert strip(read(pages)) == strip(read(plain))
    assert len(read(plain)) == 3


def test_flags_for_each_reason_os2sofd_keeps_a_user_out_of_fk_org() -> None:
    past = str(TODAY - timedelta(days=1))
    future = str(TODAY + timedelta(days=30))
    active = {"startDate": "2020-01-01", "stopDate": None, "doNotTransferToFkOrg": False}
    persons = [
        sofd_person(1, deleted=True),
        sofd_person(2, affiliations=[{**active, "stopDate": past}]),
        sofd_person(3, affiliations=[{**active, "startDate": future}]),
        sofd_person(4, affiliations=[{**active, "doNotTransferToFkOrg": True}]),
        sofd_person(5, affiliations=[{**active, "doNotTransferToFkOrg": True}, active]),
        sofd_person(6, affiliations=[{**active, "stopDate": str(TODAY)}]),
        sofd_person(7, affiliations=[]),
    ]
    persons[0]["users"][0]["disabled"] = True
    records = os2sofd.records_from_persons(persons, origin="api", today=TODAY)
    assert [sorted(r.flags) for r in records] == [
        ["deleted", "disabled"],
        ["no_affiliation"],
        ["no_affiliation"],
        ["do_not_transfer"],
        [],
        [],  # stopDate today is still active
        ["no_affiliation"],
    ]
    assert [r.active for r in records] == [False, False, False, False, True, True, False]


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
