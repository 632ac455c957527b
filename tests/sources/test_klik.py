from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from telefonspor.errors import InputError
from telefonspor.sources.klik import HEADER_VARIANTS, PROGRESS_EVERY, read_klik

from .conftest import write_csv

ISSUE_VARIANTS = {
    "name": ("Navn", "Fulde navn"),
    "user": ("Brugernavn", "Bruger-id", "BrugerID", "Brugernavn (AD)"),
    "email": ("E-mail", "Email", "Mail"),
    "direct": ("Direkte nummer", "Direkte telefon", "Fastnet telefon", "Fastnettelefon", "Telefon"),
    "mobile": ("Mobil nummer", "Mobilnummer", "Mobil", "Mobiltelefon"),
    "roles": ("Rolle", "Roller", "Tildelte roller"),
    "unit": ("Enhed", "Afdeling", "Organisation"),
    "municipality": ("Kommune",),
}
BASE = {
    "user": "Brugernavn",
    "name": "Navn",
    "email": "E-mail",
    "direct": "Direkte nummer",
    "mobile": "Mobil nummer",
    "roles": "Roller",
    "unit": "Enhed",
    "municipality": "Kommune",
}
VALUES = {
    "user": "ABC123",
    "name": "Åse Ørnebæk",
    "email": "aoe@kommune.dk",
    "direct": 33663366,
    "mobile": "+45 22 33 44 55",
    "roles": "Rolle A; Rolle B",
    "unit": "Borgerservice",
    "municipality": "Aarhus",
}
FORMATS = (
    "xlsxwriter",
    "openpyxl",
    "xlwt",
    "csv-semicolon-cp1252",
    "csv-semicolon-utf8sig",
    "csv-tab",
)


def test_issue_variants_are_all_known() -> None:
    for name, variants in ISSUE_VARIANTS.items():
        assert set(variants) <= set(HEADER_VARIANTS[name])


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("field", "variant"), [(f, v) for f, variants in ISSUE_VARIANTS.items() for v in variants]
)
def test_every_header_variant_in_every_writer(
    table_file: Callable[..., Path], fmt: str, field: str, variant: str
) -> None:
    headers = dict(BASE, **{field: variant})
    fields = list(headers)
    path = table_file([[headers[f] for f in fields], [VALUES[f] for f in fields]], fmt)
    export = read_klik(path)
    assert export.columns[field] == variant
    (user,) = export.users
    assert (user.user_id, user.name, user.email, user.unit, user.municipality) == (
        "ABC123",
        "Åse Ørnebæk",
        "aoe@kommune.dk",
        "Borgerservice",
        "Aarhus",
    )
    assert user.roles == ("Rolle A", "Rolle B")
    assert (user.direct_raw, user.mobile_raw) == ("33663366", "+45 22 33 44 55")
    assert user.row == 2


def test_input_file_details(table_file: Callable[..., Path]) -> None:
    path = table_file([["Brugernavn", "Mobil"], ["a", 22334455], ["b", None], [None, None]])
    export = read_klik(path)
    assert export.file.kind == "klik"
    assert export.file.sheet == "Brugere"
    assert export.file.rows == 2
    assert export.file.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert export.file.path == str(path)


def test_header_below_title_rows_with_numbers(table_file: Callable[..., Path]) -> None:
    rows = [
        ["KLIK brugereksport"],
        ["Udtrukket 2024-05-01"],
        [],
        ["Brugernavn", "Navn", "Direkte nummer", "Mobil nummer", "Roller"],
        ["abc", "A", 4533663366, 22334455, "R1"],
    ]
    for fmt in ("xlsxwriter", "xlwt"):
        (user,) = read_klik(table_file(rows, fmt, name=fmt)).users
        assert (user.direct_raw, user.mobile_raw, user.row) == ("4533663366", "22334455", 5)


def test_map_override_and_unknown_header(table_file: Callable[..., Path]) -> None:
    path = table_file([["Initialer", "Tlf. arbejde", "Roller"], ["abc", "33663366", "R"]])
    export = read_klik(path, overrides={"user": "Initialer", "direct": "Tlf. arbejde"})
    assert export.users[0].user_id == "abc"
    assert export.users[0].direct_raw == "33663366"
    assert export.columns == {"user": "Initialer", "direct": "Tlf. arbejde", "roles": "Roller"}
    with pytest.raises(InputError, match="Initialer"):
        read_klik(path)


def test_one_row_per_role_merges_and_list_splits(table_file: Callable[..., Path]) -> None:
    rows = [
        ["Brugernavn", "E-mail", "Navn", "Mobil", "Rolle"],
        ["ABC", "a@k.dk", "Anne", "", "Rolle 1"],
        [" abc ", "", "", "22334455", "Rolle 2, Rolle 1\nRolle 3"],
        ["", "b@k.dk", "Bo", "", "Rolle 1"],
        ["", "B@K.DK", "", "", "Rolle 2"],
        ["", "", "Carl", "", "Rolle 9"],
        ["ABC", "", "", "", ""],
    ]
    export = read_klik(table_file(rows))
    users = {u.user_id: u for u in export.users}
    assert list(users) == ["ABC", "b@k.dk", "Carl"]
    anne = users["ABC"]
    assert (anne.roles, anne.mobile_raw, anne.email, anne.row, anne.user_name) == (
        ("Rolle 1", "Rolle 2", "Rolle 3"),
        "22334455",
        "a@k.dk",
        2,
        "ABC",
    )
    assert users["b@k.dk"].roles == ("Rolle 1", "Rolle 2")
    assert users["b@k.dk"].user_name == ""
    assert export.has_roles_column
    assert export.findings == ()


def test_users_without_roles_are_kept_with_empty_roles(table_file: Callable[..., Path]) -> None:
    rows = [["Brugernavn", "Mobil", "Roller"], ["a", "22334455", "R"], ["b", "22334456", ""]]
    export = read_klik(table_file(rows))
    assert [(u.user_id, u.roles) for u in export.users] == [("a", ("R",)), ("b", ())]


def test_no_roles_column_gives_one_unnamed_role(table_file: Callable[..., Path]) -> None:
    rows = [["Brugernavn", "Mobil"], ["a", "22334455"], ["b", ""]]
    export = read_klik(table_file(rows))
    assert not export.has_roles_column
    assert [u.roles for u in export.users] == [("",), ("",)]


def test_conflicting_rows_keep_first_and_report(table_file: Callable[..., Path]) -> None:
    rows = [
        ["Brugernavn", "Direkte nummer", "Mobil", "Rolle"],
        ["a", "33663366", "", "R1"],
        ["a", "33 66 33 66", "22334455", "R2"],
        ["a", "44556677", "22334455", "R3"],
    ]
    export = read_klik(table_file(rows))
    (user,) = export.users
    assert (user.direct_raw, user.mobile_raw) == ("33663366", "22334455")
    (finding,) = export.findings
    assert (finding.code, finding.field, finding.row, finding.user_id) == (
        "conflicting_rows",
        "direct",
        4,
        "a",
    )
    assert "række 2 og række 4" in finding.message and "kolonne B" in finding.message


def test_required_columns_message(table_file: Callable[..., Path]) -> None:
    with pytest.raises(InputError) as info:
        read_klik(table_file([["Brugernavn", "Roller"], ["a", "R"]]))
    message = str(info.value)
    assert "direct eller mobile" in message and '"Brugernavn", "Roller"' in message
    assert '--map felt="Overskrift"' in message
    with pytest.raises(InputError, match="user eller email eller name"):
        read_klik(table_file([["Roller", "Mobil"], ["R", "1"]], name="k2"))


def test_progress_is_reported(tmp_path: Path) -> None:
    rows = [["Brugernavn", "Mobil"]] + [
        [f"u{i}", "22334455"] for i in range(PROGRESS_EVERY * 2 + 5)
    ]
    calls: list[int] = []
    export = read_klik(write_csv(tmp_path / "k.csv", rows), progress=calls.append)
    assert calls == [PROGRESS_EVERY, PROGRESS_EVERY * 2, PROGRESS_EVERY * 2 + 5]
    assert len(export.users) == PROGRESS_EVERY * 2 + 5


def test_missing_file_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="findes ikke"):
        read_klik(tmp_path / "klik.xlsx")
