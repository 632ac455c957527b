"""OS2mo reader: saved GraphQL employees answers in their several shapes."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from msgspec import structs

from telefonspor.errors import InputError
from telefonspor.model import PhoneEntry, SourceRecord
from telefonspor.sources import os2mo

from .chain_files import SETTINGS, write_json

AD_USER = "aaaaaaaa-0000-4000-8000-000000000001"
OTHER_AD_USER = "aaaaaaaa-0000-4000-8000-000000000002"
PHONE_UUID = "cbadfa0f-ce4f-40b9-86a0-2e85d8961f5d"


def address(
    value: str,
    user_key: str | None,
    *,
    scope: str = "PHONE",
    visibility: str | None = "PUBLIC",
    ituser: dict[str, Any] | list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "uuid": None,
        "value": value,
        "address_type": {"user_key": user_key, "scope": scope, "uuid": PHONE_UUID},
        "visibility": None if visibility is None else {"scope": visibility, "user_key": "x"},
        "ituser": ituser,
    }


def employee(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "uuid": "E0000000-0000-4000-8000-000000000001",
        "user_key": "e1",
        "name": "Ærlige Østergaard",
        "given_name": "Ærlige",
        "surname": "Østergaard",
        "addresses": [
            address("20304050", "MobilePhoneEmployee", visibility="SECRET"),
            address("33123456", "PhoneEmployee", ituser={"uuid": AD_USER, "user_key": "aeoe"}),
            address("86000000", "PhoneEmployee", ituser=[{"uuid": OTHER_AD_USER}]),
            address("33000000", None, visibility=None),
            address("ae@kommune.dk", "EmailEmployee", scope="EMAIL"),
        ],
        "itusers": [
            {
                "uuid": AD_USER,
                "user_key": "aeoe",
                "external_id": "{ABCDEF00-0000-4000-8000-000000000001}",
                "itsystem": {"user_key": "Active Directory"},
            },
            {
                "uuid": OTHER_AD_USER,
                "user_key": "aeoe-admin",
                "external_id": "abcdef00-0000-4000-8000-000000000002",
                # Old mode matches the it-system's name ("Active Directory").
                "itsystem": {"user_key": "AD", "name": "Active Directory"},
            },
            {
                "uuid": "cccccccc-0000-4000-8000-000000000003",
                "user_key": "opus-1",
                "external_id": None,
                "itsystem": {"user_key": "OPUS"},
            },
        ],
        "engagements": [
            {"uuid": "x", "user_key": "70001", "validity": {"from": "2020-01-01T00:00:00+01:00"}}
        ],
    }
    base.update(changes)
    return base


def answer(*employees: dict[str, Any]) -> dict[str, Any]:
    return {
        "data": {
            "employees": {
                "page_info": {"next_cursor": None},
                "objects": [{"current": e} for e in employees],
            }
        }
    }


def read(path: Path) -> list[SourceRecord]:
    return list(os2mo.read_os2mo(path, options={}, settings=SETTINGS).records)


def test_graphql_answer_one_record_per_ad_it_user(tmp_path: Path) -> None:
    data = os2mo.read_os2mo(
        write_json(tmp_path / "mo.json", answer(employee())), options={}, settings=SETTINGS
    )
    assert (data.kind, data.position) == ("os2mo", "local")
    main, admin = data.records
    assert (main.user_id, main.uuid, main.person_key) == (
        "aeoe",
        "abcdef00-0000-4000-8000-000000000001",
        "e0000000-0000-4000-8000-000000000001",
    )
    assert (main.name, main.email, main.employee_id) == (
        "Ærlige Østergaard",
        "ae@kommune.dk",
        "70001",
    )
    assert main.phones == (
        PhoneEntry(
            "20304050", "MobilePhoneEmployee", "SECRET", owner="person", type_uuid=PHONE_UUID
        ),
        PhoneEntry("33123456", "PhoneEmployee", "PUBLIC", owner="it_user", type_uuid=PHONE_UUID),
        PhoneEntry("33000000", PHONE_UUID, "", owner="person", type_uuid=PHONE_UUID),  # no user_key
    )
    # The other AD account gets the person's phones and its own, not the first account's.
    assert [p.raw for p in admin.phones] == ["20304050", "86000000", "33000000"]
    assert admin.phones[1].owner == "it_user"
    assert main.active and not main.flags


def test_no_current_engagement_is_flagged() -> None:
    ended = [{"user_key": "1", "validity": {"from": "2010-01-01", "to": "2011-01-01"}}]
    records = os2mo.records_from_employees(
        [employee(engagements=[]), employee(engagements=ended)], origin="api", today=date.today()
    )
    assert all(
        r.flags == {"no_engagement", "no_it_user_engagement"} and not r.active for r in records
    )


def test_only_it_users_of_the_configured_it_systems_are_ad_accounts() -> None:
    """os2mo-os2sync-export 5539c62, config.py: ``it_system_user_keys`` (new mode, matched
    on the it-system's user_key) and ``user_key_it_system_names`` (old mode, its name)
    both default to ["Active Directory"]; other it-users are not FK-ORG users."""
    opus_only = employee(
        itusers=[
            {"uuid": "u", "user_key": "o1", "external_id": None, "itsystem": None},
            {"uuid": "v", "user_key": "o2", "external_id": None, "itsystem": {"user_key": "AD"}},
        ]
    )
    records = os2mo.records_from_employees(
        [opus_only, employee(itusers=[])], origin="api", today=date.today()
    )
    assert [r.user_id for r in records] == ["", ""]
    # A person record holds only addresses not bound to an it-user.
    assert [p.raw for p in records[1].phones] == ["20304050", "33000000"]
    settings = SETTINGS.replace({"os2mo.it_system_user_keys": ["AD"]})
    records = os2mo.records_from_employees(
        [opus_only], origin="api", today=date.today(), settings=settings
    )
    assert [r.user_id for r in records] == ["o2"]


def test_shapes_validities_pages_and_plain_list_agree(tmp_path: Path) -> None:
    one = employee()
    two = employee(uuid="E0000000-0000-4000-8000-000000000002", itusers=[])
    validities = {
        "data": {
            "employees": {
                "objects": [
                    {
                        "validities": [
                            {**one, "validity": {"from": "2000-01-01", "to": "2001-01-01"}},
                            {**one, "validity": {"from": "2001-01-02", "to": None}},
                        ]
                    },
                    {"objects": [two]},
                    {"current": None},  # no current validity: not an employee today
                ]
            }
        }
    }
    files = [
        write_json(tmp_path / "current.json", answer(one, two)),
        write_json(tmp_path / "pages.json", [answer(one), answer(two)]),
        write_json(tmp_path / "plain.json", [one, two]),
        write_json(tmp_path / "validities.json", validities),
    ]

    def strip(records: list[SourceRecord]) -> list[SourceRecord]:
        return [structs.replace(r, location="") for r in records]

    results = [strip(read(f)) for f in files]
    assert all(r == results[0] for r in results)
    assert len(results[0]) == 3


def test_errors_only_answer_is_an_input_error_that_quotes_the_error(tmp_path: Path) -> None:
    path = write_json(tmp_path / "mo.json", {"data": None, "errors": [{"message": "Forbidden"}]})
    with pytest.raises(InputError, match="Forbidden") as caught:
        read(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (answer(employee(addresses=[{"value": "1", "address_type": "PHONE"}])), "address_type"),
        ([employee(itusers={"user_key": "x"})], r"\[0\]\.itusers"),
        ({"employees": {"objects": ["x"]}}, r"employees\.objects\[0\]"),
    ],
)
def test_wrong_shape_names_the_place(tmp_path: Path, data: object, where: str) -> None:
    with pytest.raises(InputError, match=where):
        read(write_json(tmp_path / "mo.json", data))


def test_truncated(tmp_path: Path) -> None:
    path = tmp_path / "mo.json"
    path.write_text('{"data": {"employees": {"objects": [', encoding="utf-8")
    with pytest.raises(InputError, match="afkortet"):
        read(path)


FK_ORG_UUID = "f0000000-0000-4000-8000-0000000000f1"


def test_fk_org_uuid_comes_from_the_fk_org_uuid_it_user() -> None:
    """os2mo-os2sync-export 5539c62, queries.graphql ``ReadUserITAccounts`` and
    os2mo_gql.py ``convert_and_filter``: the "FK-ORG-UUID" it-user whose user_key is the
    AD it-user's external_id holds the FK-ORG UUID in its external_id; else the AD
    it-user's external_id (objectGUID) is used."""
    fk_it_user = {
        "uuid": "dddddddd-0000-4000-8000-000000000004",
        "user_key": "ABCDEF00-0000-4000-8000-000000000001",
        "external_id": FK_ORG_UUID,
        "itsystem": {"user_key": "FK-ORG-UUID"},
    }
    base = employee()
    records = os2mo.records_from_employees(
        [employee(itusers=[*base["itusers"], fk_it_user])], origin="api", today=date.today()
    )
    assert [(r.user_id, r.uuid) for r in records] == [
        ("aeoe", FK_ORG_UUID),
        ("aeoe-admin", "abcdef00-0000-4000-8000-000000000002"),
    ]


def test_it_user_engagements_count_when_current_or_future() -> None:
    """os2mo-os2sync-export 5539c62, queries.graphql: the new mode reads
    ``engagements_responses(filter: {from_date: $now, to_date: null})`` on the it-user,
    so an engagement that starts next month counts; one that ended does not."""
    today = date(2026, 11, 30)
    future = [{"user_key": "9", "validity": {"from": "2026-12-15", "to": None}}]
    ended = [{"user_key": "8", "validity": {"from": "2020-01-01", "to": "2026-11-29"}}]
    ad = dict(employee()["itusers"][0])
    records = os2mo.records_from_employees(
        [
            employee(engagements=future, itusers=[{**ad, "engagement": future}]),
            employee(engagements=future, itusers=[{**ad, "engagement": ended}]),
            employee(engagements=future, itusers=[ad]),  # no engagement field: the person's
        ],
        origin="api",
        today=today,
    )
    assert [sorted(r.flags) for r in records] == [
        ["no_engagement"],
        ["no_engagement", "no_it_user_engagement"],
        ["no_engagement"],
    ]


def _paged(*items: dict[str, Any], validities: bool = False) -> dict[str, Any]:
    key = "validities" if validities else "current"
    return {
        "objects": [{key: [i] if validities else i} for i in items],
        "page_info": {"next_cursor": None},
    }


def _as_persons_answer(e: dict[str, Any]) -> dict[str, Any]:
    """The same employee as GraphQL v26+ ``persons`` with the paged *_response fields."""

    def address_response(a: dict[str, Any]) -> dict[str, Any]:
        owner = a["ituser"]
        owner = owner[0] if isinstance(owner, list) else owner
        return {
            "uuid": a["uuid"],
            "value": a["value"],
            "address_type_response": {"current": a["address_type"]},
            "visibility_response": None
            if a["visibility"] is None
            else {"current": a["visibility"]},
            "ituser_response": None if owner is None else {"current": owner},
        }

    def ituser_response(u: dict[str, Any]) -> dict[str, Any]:
        return {
            **{k: u[k] for k in ("uuid", "user_key", "external_id")},
            "itsystem_response": {"current": u["itsystem"]},
            "engagements_responses": _paged(validities=True),
        }

    person = {
        **{k: e[k] for k in ("uuid", "user_key", "name", "given_name", "surname")},
        "addresses_response": _paged(*[address_response(a) for a in e["addresses"]]),
        "itusers_response": _paged(*[ituser_response(u) for u in e["itusers"]]),
        "engagements_response": _paged(*e["engagements"], validities=True),
    }
    return {
        "data": {"persons": {"page_info": {"next_cursor": None}, "objects": [{"current": person}]}}
    }


def test_persons_answer_with_response_fields_reads_like_employees(tmp_path: Path) -> None:
    """OS2mo/os2mo d0aa371 mora/graphapi/query.py and collections/employee.py: from v25
    ``employees`` and Employee.addresses/itusers/engagements are deprecated for
    ``persons`` and the paged ``*_response`` fields; both shapes give the same records."""
    one = employee()
    old = [
        structs.replace(r, location="") for r in read(write_json(tmp_path / "a.json", answer(one)))
    ]
    new = read(write_json(tmp_path / "b.json", _as_persons_answer(one)))
    new = [structs.replace(r, location="") for r in new]
    # The it-users carry an (empty) engagement list in the new shape: no it-user engagement.
    assert [structs.replace(r, flags=frozenset()) for r in new] == old
    assert all(r.flags == {"no_it_user_engagement"} for r in new)
