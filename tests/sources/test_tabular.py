from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from telefonspor.errors import InputError
from telefonspor.sources import tabular
from telefonspor.sources.tabular import cell_text, normalise_header, open_table

from .conftest import FORMATS, write_csv, write_xlsxwriter

FIELDS = {"user": ["Brugernavn"], "name": ["Navn"], "direct": ["Direkte nummer", "Telefon"]}
REQUIRED = (("user", "name"), ("direct",))
ROWS = [
    ["Brugernavn", "Navn", "Direkte nummer"],
    ["abc", "Åse Ørn", 33663366],
    ["def", "Bo", "22 33 44 55"],
]


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_writer_reads_the_same(table_file: Callable[..., Path], fmt: str) -> None:
    table = open_table(table_file(ROWS, fmt), FIELDS, required=REQUIRED)
    assert table.header_row == 1
    assert table.columns == {"user": 0, "name": 1, "direct": 2}
    assert list(table.rows()) == [
        (2, ("abc", "Åse Ørn", "33663366")),
        (3, ("def", "Bo", "22 33 44 55")),
    ]
    assert table.column_letter("direct") == "C"


def test_header_below_title_rows_and_blank_rows_skipped(table_file: Callable[..., Path]) -> None:
    rows = [
        ["Eksport af brugere"],
        [],
        ["Dato", "2024"],
        [],
        [None, "Brugernavn", "Navn", "Telefon"],
        [None, "abc", "A", 4533663366],
        [],
        [None, "def", "B", None],
    ]
    for fmt in ("xlsxwriter", "xlwt", "csv-semicolon-cp1252"):
        table = open_table(table_file(rows, fmt, name=fmt), FIELDS, required=REQUIRED)
        assert table.header_row == 5, fmt
        assert table.column_letter("direct") == "D", fmt
        assert [(n, c[table.columns["direct"]]) for n, c in table.rows()] == [
            (6, "4533663366"),
            (8, ""),
        ]


def test_header_matching_ignores_case_space_nbsp_punctuation() -> None:
    assert normalise_header(" DIREKTE\u00a0nummer ") == normalise_header("Direkte-nummer:")
    assert normalise_header("E-mail") == normalise_header("email")
    assert normalise_header("Brugernavn (AD)") == "brugernavnad"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("x", "x"),
        (33663366.0, "33663366"),
        (4533663366.0, "4533663366"),
        (2.5, "2.5"),
        (12, "12"),
        (dt.date(2024, 1, 2), "2024-01-02"),
        (dt.datetime(2024, 1, 2, 3, 4), "2024-01-02T03:04:00"),
    ],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_override_by_header_text(table_file: Callable[..., Path]) -> None:
    rows = [["Brugernavn", "Tlf. arbejde", "Telefon"], ["abc", "33663366", "22334455"]]
    path = table_file(rows)
    table = open_table(path, FIELDS, required=REQUIRED, overrides={"direct": "tlf. arbejde"})
    assert table.columns["direct"] == 1
    with pytest.raises(InputError, match=r'--map direct="Findes ikke".*"Tlf. arbejde"'):
        open_table(path, FIELDS, overrides={"direct": "Findes ikke"})
    with pytest.raises(InputError, match="ukendt felt"):
        open_table(path, FIELDS, overrides={"nope": "Telefon"})


def test_sheet_choice_first_recognisable_or_named(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "flere.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Forside").write(0, 0, "Om denne fil")
    data = workbook.add_worksheet("Data")
    for c, header in enumerate(["Brugernavn", "Telefon"]):
        data.write(0, c, header)
    data.write(1, 0, "abc")
    data.write_number(1, 1, 33663366)
    other = workbook.add_worksheet("Andet")
    other.write(0, 0, "Navn")
    other.write(0, 1, "Direkte nummer")
    workbook.close()
    assert open_table(path, FIELDS, required=REQUIRED).sheet == "Data"
    assert open_table(path, FIELDS, required=REQUIRED, sheet="Andet").sheet == "Andet"
    with pytest.raises(InputError, match=r'arket "Mangler" findes ikke.*"Forside"'):
        open_table(path, FIELDS, sheet="Mangler")


def test_powershell_type_line_and_delimiters(tmp_path: Path) -> None:
    rows = [["Brugernavn", "Telefon"], ["abc", "+45 33 66 33 66"]]
    path = write_csv(
        tmp_path / "ad.csv",
        rows,
        delimiter=",",
        prefix="#TYPE Microsoft.ActiveDirectory.Management.ADUser\n",
    )
    table = open_table(path, FIELDS, required=REQUIRED)
    assert table.header_row == 2
    assert list(table.rows()) == [(3, ("abc", "+45 33 66 33 66"))]


def test_quoted_multiline_cell_keeps_row_numbers(tmp_path: Path) -> None:
    rows = [
        ["Brugernavn", "Telefon", "Roller"],
        ["abc", "33663366", "A\nB"],
        ["def", "22334455", "C"],
    ]
    table = open_table(write_csv(tmp_path / "x.csv", rows), FIELDS)
    assert [n for n, _ in table.rows()] == [2, 4]


def test_excel_unicode_text_utf16(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "unicode.txt", ROWS, delimiter="\t", encoding="utf-16")
    assert [c[1] for _, c in open_table(path, FIELDS).rows()] == ["Åse Ørn", "Bo"]


def test_csv_named_xlsx_is_read_as_csv(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "klik.xlsx", ROWS, encoding="cp1252")
    assert [c[1] for _, c in open_table(path, FIELDS).rows()] == ["Åse Ørn", "Bo"]


def _error(path: Path) -> str:
    with pytest.raises(InputError) as info:
        open_table(path, FIELDS, required=REQUIRED)
    return str(info.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert "findes ikke" in _error(tmp_path / "nej.xlsx")
    assert "mappe" in _error(tmp_path)


def test_empty_file_and_empty_sheet(tmp_path: Path) -> None:
    (tmp_path / "tom.csv").write_bytes(b"")
    assert "tom" in _error(tmp_path / "tom.csv")
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbf\r\n")
    assert "tom" in _error(tmp_path / "bom.csv")
    message = _error(write_xlsxwriter(tmp_path / "tomt.xlsx", []))
    assert "ingen data" in message


def test_not_a_spreadsheet(tmp_path: Path) -> None:
    (tmp_path / "billede.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert "ikke et regneark" in _error(tmp_path / "billede.xlsx")
    with zipfile.ZipFile(tmp_path / "arkiv.xlsx", "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert "ikke et regneark" in _error(tmp_path / "arkiv.xlsx")
    (tmp_path / "side.xls").write_text(
        "<html><body><table><tr><td>Brugernavn</td></tr></table></body></html>"
    )
    assert "HTML" in _error(tmp_path / "side.xls")


def test_password_protected(tmp_path: Path) -> None:
    # An encrypted OOXML file is an OLE compound file holding an EncryptedPackage stream.
    header = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504
    directory = (
        "EncryptionInfo".encode("utf-16-le") + b"\x00" * 50 + "EncryptedPackage".encode("utf-16-le")
    )
    (tmp_path / "hemmelig.xlsx").write_bytes(header + directory + b"\x00" * 1024)
    assert "adgangskode" in _error(tmp_path / "hemmelig.xlsx")
    # an OLE file without the marker, named .xlsx, is not a readable xls either: same advice
    (tmp_path / "ole.xlsx").write_bytes(header + b"\x00" * 2048)
    assert "adgangskode" in _error(tmp_path / "ole.xlsx")
    (tmp_path / "ole.xls").write_bytes(header + b"\x00" * 2048)
    assert "beskadiget" in _error(tmp_path / "ole.xls")


def test_corrupt_and_truncated_xlsx(tmp_path: Path) -> None:
    good = write_xlsxwriter(tmp_path / "god.xlsx", ROWS).read_bytes()
    (tmp_path / "kort.xlsx").write_bytes(good[: len(good) // 2])
    assert "beskadiget" in _error(tmp_path / "kort.xlsx")
    with zipfile.ZipFile(tmp_path / "rod.xlsx", "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<<<ikke xml")
    assert "kan ikke læses" in _error(tmp_path / "rod.xlsx")


def test_zip_bomb_is_refused_before_opening(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * 5_000_000)
    assert "grænsen" in _error(path)
    monkeypatch.setattr(tabular, "ZIP_MAX_RATIO", 10**9)
    monkeypatch.setattr(tabular, "ZIP_MAX_UNCOMPRESSED", 1000)
    assert "grænsen" in _error(path)


def test_no_recognisable_columns_lists_headers_and_map_syntax(
    table_file: Callable[..., Path],
) -> None:
    message = _error(table_file([["Fornavn", "Efternavn"], ["a", "b"]]))
    assert '"Fornavn", "Efternavn"' in message
    assert '--map felt="Overskrift"' in message
    message = _error(table_file([["Brugernavn", "Afdeling"], ["a", "b"]], name="k2"))
    assert "direct" in message and '"Afdeling"' in message


def test_duplicate_headers(table_file: Callable[..., Path]) -> None:
    message = _error(table_file([["Brugernavn", "Telefon", "Telefon"], ["a", "1", "2"]]))
    assert "flere gange" in message and "kolonne B og C" in message
    # a duplicate we do not map is harmless
    table = open_table(
        table_file(
            [["Brugernavn", "Telefon", "Note", "Note"], ["a", "33663366", "", ""]], name="k2"
        ),
        FIELDS,
    )
    assert table.columns == {"user": 0, "direct": 1}


@pytest.mark.slow
def test_million_row_csv_streams(tmp_path: Path) -> None:
    path = tmp_path / "stor.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("Brugernavn;Navn;Telefon\n")
        line = "bruger{0};Navn Efternavn {0};33{0:06d}\n"
        handle.writelines(line.format(i) for i in range(1_000_000))
    table = open_table(path, FIELDS, required=REQUIRED)
    count = 0
    last: tuple[int, tuple[str, ...]] | None = None
    for row in table.rows():
        count += 1
        last = row
    assert count == 1_000_000
    assert last == (1_000_001, ("bruger999999", "Navn Efternavn 999999", "33999999"))
