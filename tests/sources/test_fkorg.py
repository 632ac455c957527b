"""FK-ORG readers: CSV/XLSX lists, GraphQL brugerListe JSON, OS2sync user JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from msgspec import structs

from telefonspor.errors import InputError
from telefonspor.model import PhoneEntry, SourceRecord
from telefonspor.sources import fkorg

from .chain_files import EMAIL_ROLE, FASTNET, SETTINGS, TELEFON, write_csv, write_json, write_xlsx

#: ``KlassifikationRelation.type: UUID!``; the schema's own example UUID (an org unit's
#: address type) stands in, the reader never reads it.
ADRESSE_TYPE = "9b33c0a0-a566-4ec0-8200-325cb1e5bb9a"
REFUSED = {
    "errors": [
        {
            "message": "Variable '$cvr' of type 'String!' used in position expecting type 'CVR!'.",
            "locations": [{"line": 2, "column": 26}],
            "extensions": {"type": "ERROR", "classification": "ValidationError"},
        }
    ]
}


def read(path: Path) -> list[SourceRecord]:
    return list(fkorg.read_fkorg(path, options={}, settings=SETTINGS).records)


def adresse(text: str, rolle: str | None, title: str | None) -> dict[str, Any]:
    return {
        "uuid": "f0000000-0000-4000-8000-000000000000",
        "adresseTekst": text,
        "brugervendtNoegle": None,
        "adresseRolleTitel": title,
        "klassifikation": None
        if rolle is None
        else {"type": ADRESSE_TYPE, "rolle": rolle, "indeks": "1"},
    }


def node(index: int, adresser: list[dict[str, Any]], status: str = "AKTIV") -> dict[str, Any]:
    return {
        "uuid": f"ABCDEF00-0000-4000-8000-{index:012d}",
        "brugernavn": f"bru{index}",
        "brugervendtNoegle": f"bru{index}",
        "tilstand": {"status": status},
        "person": {"navn": f"Bjørn {index}"},
        "adresser": adresser,
    }


def graphql(nodes: list[dict[str, Any]], *, has_next: bool = False) -> dict[str, Any]:
    return {
        "data": {
            "brugerListe": {
                "edges": [{"cursor": f"c{i}", "node": n} for i, n in enumerate(nodes)],
                "pageInfo": {"hasNextPage": has_next, "endCursor": "c"},
            }
        }
    }


def test_csv_with_fk_org_headers(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "fkorg.csv",
        [
            ["brugernavn", "uuid", "navn", "FastnetTelefon", "Telefon", "email"],
            ["bru1", "ABCDEF00-0000-4000-8000-000000000001", "Bjørn", "33123456", "", "b@k.dk"],
            ["bru2", "", "Åge", "", "20304050", ""],
        ],
        encoding="cp1252",
    )
    data = fkorg.read_fkorg(path, options={}, settings=SETTINGS)
    assert (data.kind, data.position) == ("fkorg", "fkorg")
    first, second = data.records
    assert first.uuid == "abcdef00-0000-4000-8000-000000000001" and first.name == "Bjørn"
    assert first.phones == (PhoneEntry("33123456", "FastnetTelefon"),)
    assert second.phones == (PhoneEntry("20304050", "Telefon"),)
    assert first.location == "fkorg.csv række 2"


def test_xlsx_with_klik_style_headers(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "fkorg.xlsx",
        [["UserId", "Direkte nummer", "Mobil nummer"], ["bru1", 33123456, 20304050]],
    )
    (record,) = read(path)
    assert record.phones == (
        PhoneEntry("33123456", "FastnetTelefon"),
        PhoneEntry("20304050", "Telefon"),
    )


def test_graphql_maps_by_role_uuid_even_when_the_title_is_empty(tmp_path: Path) -> None:
    users = [
        node(
            1,
            [
                adresse("20304050", TELEFON, None),  # title lookup failed
                adresse("33123456", FASTNET, ""),
                adresse("b1@kommune.dk", EMAIL_ROLE, "Email"),
                adresse("99999999", TELEFON.upper(), "FastnetTelefon"),  # the UUID wins
            ],
        ),
        node(
            2, [adresse("22222222", None, "Telefon"), adresse("86000000", None, "Fastnettelefon")]
        ),
        node(3, [], status="INAKTIV"),
    ]
    data = fkorg.read_fkorg(
        write_json(tmp_path / "fkorg.json", graphql(users)), options={}, settings=SETTINGS
    )
    one, two, three = data.records
    assert one.phones == (
        PhoneEntry("20304050", "Telefon"),
        PhoneEntry("33123456", "FastnetTelefon"),
        PhoneEntry("99999999", "Telefon"),
    )
    assert (one.user_id, one.uuid, one.name, one.email) == (
        "bru1",
        "abcdef00-0000-4000-8000-000000000001",
        "Bjørn 1",
        "b1@kommune.dk",
    )
    assert two.phones == (
        PhoneEntry("22222222", "Telefon"),
        PhoneEntry("86000000", "FastnetTelefon"),
    )
    assert one.active and two.active and not three.active
    assert data.notes == ()


def test_graphql_pages_and_node_list_agree_and_errors_are_noted(tmp_path: Path) -> None:
    users = [node(i, [adresse(f"2000000{i}", TELEFON, "Telefon")]) for i in range(3)]
    first = graphql(users[:2], has_next=True)
    last = {
        **graphql(users[2:]),
        "errors": [{"message": "navn", "extensions": {"type": "WARNING"}}],
    }
    pages = fkorg.read_fkorg(
        write_json(tmp_path / "pages.json", [first, last]), options={}, settings=SETTINGS
    )
    nodes = read(write_json(tmp_path / "nodes.json", users))

    def strip(records: tuple[SourceRecord, ...] | list[SourceRecord]) -> list[SourceRecord]:
        return [structs.replace(r, location="") for r in records]

    assert strip(pages.records) == strip(nodes) and len(nodes) == 3
    assert len(pages.notes) == 1 and "1 GraphQL" in pages.notes[0]


def test_os2sync_user_list(tmp_path: Path) -> None:
    users = [
        {
            "Uuid": "ABCDEF00-0000-4000-8000-000000000001",
            "UserId": "bru1",
            "PhoneNumber": "20304050",
            "Landline": None,
            "Email": "b@k.dk",
            "Person": {"Name": "Bjørn", "Cpr": "0101701234", "Uuid": None},
        },
        {"Uuid": None, "UserId": "bru2", "PhoneNumber": "", "Landline": "33123456"},
    ]
    data = fkorg.read_fkorg(
        write_json(tmp_path / "os2sync.json", users), options={}, settings=SETTINGS
    )
    one, two = data.records
    assert one.phones == (PhoneEntry("20304050", "Telefon"),) and one.name == "Bjørn"
    assert two.phones == (PhoneEntry("33123456", "FastnetTelefon"),)
    assert "0101701234" not in repr(data)


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"data": {"brugerListe": {"edges": [{"node": []}]}}}, r"edges\[0\]\.node"),
        ({"data": None, "errors": [{"message": "Unauthorized"}]}, "Unauthorized"),
        # A refused query has no data at all: an error, never "zero users" (issue 13).
        (REFUSED, r"ingen \"data\".*CVR!.*\(ValidationError\)"),
        ([graphql([]), REFUSED], r"\[1\]"),
        ([{"foo": 1}], r"\[0\]"),
        (graphql([node(1, [{"adresseTekst": {"x": 1}}])]), "adresseTekst"),
    ],
)
def test_wrong_shape_is_an_input_error_naming_the_place(
    tmp_path: Path, data: object, where: str
) -> None:
    path = write_json(tmp_path / "fkorg.json", data)
    with pytest.raises(InputError, match=where) as caught:
        read(path)
    assert str(path) in str(caught.value)


def test_csv_without_user_or_uuid_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "fkorg.csv", [["Telefon"], ["20304050"]])
    with pytest.raises(InputError, match=r"fkorg\.csv"):
        read(path)
