"""Spreadsheets whose used range calamine cannot hold are refused before it loads them.

calamine (tafia/calamine, src/lib.rs ``Range::from_sparse`` at commit
263762c8e98ef25da8511d9c5ea1783493e3bf6d) allocates rows x columns of the bounding box of
the non-empty cells; its xlsx reader skips cells without a value and only uses
``<dimension>`` to reserve (src/xlsx/mod.rs ``worksheet_range_ref``), its .xls reader
builds every sheet when the workbook is opened (src/xls.rs) and its .ods reader expands
repeated rows and columns (src/ods.rs ``get_range``). The far-cell files below made the old
reader abort (SIGABRT, exit 134) under a 1.5 GB address-space limit.
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import python_calamine
import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st

from telefonspor.errors import InputError
from telefonspor.sources.klik import read_klik
from telefonspor.sources.sheet_limits import (
    MAX_SHEET_CELLS,
    MAX_SHEET_COLUMNS,
    xlsb_sheet_parts,
    xlsb_used_range,
    xlsx_is_small,
    xlsx_used_range,
)

from .make_corpus import (
    KLIK_HEADER,
    KLIK_ROWS,
    far_cell_ods,
    far_cell_xls,
    far_cell_xlsb,
    far_cell_xlsx,
    write_many_cells_csv,
    xlsx_bytes,
)

ADDRESS_SPACE = 1536 << 20  # 1.5 GB: the old reader needed 3 GB and more for these files
_CLI = "import sys; from telefonspor.cli import main; sys.argv[0] = 'telefonspor'; main()"


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def run_cli_limited(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real ``telefonspor`` in a child process that may not grow past 1.5 GB."""
    env = {**os.environ, "COLUMNS": "2000", "NO_COLOR": "1", "RUST_BACKTRACE": "0"}
    return subprocess.run(
        [sys.executable, "-c", _CLI, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=_limit_memory,
        timeout=600,
        check=False,
    )


def refusal(path: Path) -> str:
    """``telefonspor audit path`` in a memory-limited child: its one stderr line, exit 2.

    A child, not in-process: were the guard gone, calamine would abort the whole test run.
    """
    out = path.parent / "rapport"
    done = run_cli_limited("audit", str(path), "--out", str(out), cwd=path.parent)
    assert done.returncode == 2, done.stderr[-2000:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr[-2000:]
    assert not out.exists()
    return lines[0]


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("klik_xfd1048576.xlsx", far_cell_xlsx("XFD1048576"), "16.384 kolonner (højst 1.024)"),
        ("klik_xfd6000.xlsx", far_cell_xlsx("XFD6000"), "16.384 kolonner (højst 1.024)"),
        ("klik_fjern_celle.ods", far_cell_ods(), "60.005.000 celler (højst 10.000.000)"),
        ("klik_fjern_celle.xls", far_cell_xls(), "16.384 kolonner (højst 1.024)"),
        ("klik_fjern_celle.xlsb", far_cell_xlsb(), "16.384 kolonner (højst 1.024)"),
    ],
)
def test_audit_refuses_a_far_cell_with_bounded_memory(
    tmp_path: Path, name: str, data: bytes, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert path.stat().st_size < 8_000  # a small upload, not a big file
    line = refusal(path)
    assert line.startswith(f'Fejl: {path}, ark "Brugere": arkets data spænder over området A1:')
    assert problem in line


def test_cell_limit_refuses_a_narrow_but_endless_sheet(tmp_path: Path) -> None:
    path = tmp_path / "lang.xlsx"
    path.write_bytes(far_cell_xlsx("J1048576"))  # 10 x 1,048,576 > 10 M cells
    assert "A1:J1048576: 10.485.760 celler (højst 10.000.000)" in refusal(path)
    assert MAX_SHEET_CELLS == 10_000_000
    path.write_bytes(far_cell_xlsx("F1048576"))  # 6 columns x 1,048,576 rows = 6.3 M: fine
    assert len(read_klik(path).users) == 3


def test_50_mb_csv_line_is_refused_with_bounded_memory(tmp_path: Path) -> None:
    """25 million tiny cells on one line once took 3.5 GB (two copies of every row)."""
    path = write_many_cells_csv(tmp_path / "klik.csv", cells=25_000_000)
    assert path.stat().st_size > 50_000_000
    line = refusal(path)
    assert line.startswith(f"Fejl: {path}, række 2: rækken fylder over 1 MB tekst")


def _with_sheet_xml(data: bytes, edit: dict[bytes, bytes] | None = None, xml: bytes = b"") -> bytes:
    """The workbook ``data`` with its sheet XML edited (``edit``) or replaced (``xml``)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = {i.filename: source.read(i.filename) for i in source.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    for old, new in (edit or {}).items():
        assert old in sheet
        sheet = sheet.replace(old, new)
    members["xl/worksheets/sheet1.xml"] = xml or sheet
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, member in members.items():
            archive.writestr(name, member)
    return out.getvalue()


@pytest.mark.parametrize(
    "edit",
    [
        {b'<dimension ref="A1:XFD1048576"/>': b'<dimension ref="A1:F4"/>'},  # lying
        {b'<dimension ref="A1:XFD1048576"/>': b""},  # missing
    ],
    ids=["lying-dimension", "no-dimension"],
)
def test_dimension_element_is_not_trusted(tmp_path: Path, edit: dict[bytes, bytes]) -> None:
    path = tmp_path / "klik.xlsx"
    path.write_bytes(_with_sheet_xml(far_cell_xlsx("XFD1048576"), edit))
    assert "A1:XFD1048576: 16.384 kolonner" in refusal(path)


def test_far_cells_without_a_value_are_read_as_before(tmp_path: Path) -> None:
    """A formatted but empty far cell (``<c r="XFD1048576" s="1"/>``) is not data to calamine."""
    path = tmp_path / "formateret.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Brugere")
    for r, row in enumerate([KLIK_HEADER, *KLIK_ROWS]):
        sheet.write_row(r, 0, row)
    sheet.write_blank("XFD1048576", None, book.add_format({"bold": True}))
    book.close()
    with zipfile.ZipFile(path) as archive:
        assert b'<c r="XFD1048576" s="1"/>' in archive.read("xl/worksheets/sheet1.xml")
    assert [u.user_id for u in read_klik(path).users] == ["anha", "boor", "caae"]


_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_SHEETS = {
    # every cell with r first: the fast path
    "plain": b'<row r="2"><c r="B2" t="str"><v>a</v></c><c r="D7"><v>1</v></c></row>',
    # no r on rows or cells: placed one after another, as calamine does
    "no-r": b'<row><c t="str"><v>a</v></c></row><row><c s="0"/><c><v>2</v></c><c><v>3</v></c></row>',
    # r after other attributes, and a valueless cell far away
    "r-not-first": b'<row r="3"><c t="n" r="E3"><v>1</v></c><c s="0" r="XFD3"/></row>'
    b'<row r="9"><c t="n" r="B9"><v>1</v></c></row>',
    # a line break, not a blank, before r (the fast path once missed such a cell)
    "line-break": b'<row r="2"><c r="B2" t="str"><v>a</v></c><c\nr="F9"><v>1</v></c></row>',
    # an attribute value with a slash, and a cell left open to the next row's cells
    "slash-attribute": b'<row r="2"><c r="B2" t="str"><v>a</v></c>'
    b'<c r="G8" foo="a/b"><v>1</v></c></row>',
    # a namespace prefix on every element
    "prefixed": b'<x:row r="4"><x:c r="C4"><x:v>1</x:v></x:c><x:c r="H12"><x:v>2</x:v></x:c>'
    b"</x:row>",
}


@pytest.mark.parametrize("kind", list(_SHEETS))
def test_used_range_is_the_one_calamine_builds(tmp_path: Path, kind: str) -> None:
    data = _SHEETS[kind]
    if kind == "prefixed":
        sheet = b'<x:worksheet xmlns:x="' + _NS.split(b'"')[1] + b'"><x:sheetData>'
        sheet += data + b"</x:sheetData></x:worksheet>"
    else:
        sheet = b"<worksheet " + _NS + b"><sheetData>" + data + b"</sheetData></worksheet>"
    path = tmp_path / f"{kind}.xlsx"
    path.write_bytes(_with_sheet_xml(xlsx_bytes([["x"]]), xml=sheet))
    loaded = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Brugere")
    with zipfile.ZipFile(path) as archive:
        used = xlsx_used_range(archive, "xl/worksheets/sheet1.xml")
    assert (used.first_row, used.first_column) == tuple(loaded.start)
    assert (used.last_row, used.last_column) == tuple(loaded.end)


def test_column_limit_is_inclusive(tmp_path: Path) -> None:
    extra = [f"Felt {i}" for i in range(MAX_SHEET_COLUMNS - len(KLIK_HEADER))]
    path = tmp_path / "bred.xlsx"
    path.write_bytes(xlsx_bytes([KLIK_HEADER + extra, KLIK_ROWS[0]]))
    assert [u.user_id for u in read_klik(path).users] == ["anha"]
    path.write_bytes(xlsx_bytes([[*KLIK_HEADER, *extra, "en for meget"], KLIK_ROWS[0]]))
    with pytest.raises(InputError, match=r"1\.025 kolonner \(højst 1\.024\)"):
        read_klik(path)


def test_xlsb_used_range_is_the_one_calamine_builds(tmp_path: Path) -> None:
    path = tmp_path / "klik.xlsb"
    path.write_bytes(far_cell_xlsb(row=40, column=9))
    loaded = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Brugere")
    with zipfile.ZipFile(path) as archive:
        parts = xlsb_sheet_parts(archive)
        assert parts == {"Brugere": "xl/worksheets/sheet1.bin"}
        used = xlsb_used_range(archive, parts["Brugere"])
    assert (used.first_row, used.first_column, used.last_row, used.last_column) == (
        *loaded.start,
        *loaded.end,
    )
    assert [u.user_id for u in read_klik(path).users] == ["anha", "boor", "caae"]


def _sheet_zip(cells: bytes) -> zipfile.ZipFile:
    xml = b"<worksheet " + _NS + b"><sheetData><row>" + cells + b"</row></sheetData></worksheet>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", xml)
    return zipfile.ZipFile(buffer)


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_CELL_FORMS = (
    b'<c r="%s%d" t="str"><v>a</v></c>',
    b'<c r="%s%d" s="1"/>',
    b'<c t="n" r="%s%d"><v>1</v></c>',
    b'<c\nr="%s%d"><v>1</v></c>',
    b'<x:c r="%s%d"><x:v>1</x:v></x:c>',
    b"<c r='%s%d'><v>1</v></c>",
)


@given(
    st.lists(
        st.tuples(
            st.integers(0, len(_CELL_FORMS) - 1),
            st.integers(0, 900) | st.integers(0, 60),
            st.integers(1, 1_048_576) | st.integers(1, 120_000),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_a_sheet_proved_small_has_a_small_used_range(cells: list[tuple[int, int, int]]) -> None:
    """``xlsx_is_small`` (the fast proof) never passes a sheet whose used range is larger."""
    xml = b"".join(_CELL_FORMS[form] % (_column(c).encode(), r) for form, c, r in cells)
    with _sheet_zip(xml) as archive:
        small = xlsx_is_small(archive, "xl/worksheets/sheet1.xml")
        used = xlsx_used_range(archive, "xl/worksheets/sheet1.xml")
    if small:
        assert used.last_column < 52 and used.last_row < 99_999
        assert MAX_SHEET_CELLS >= 52 * 99_999
    plain = all(form in (0, 1) and c < 52 and r < 100_000 for form, c, r in cells)
    assert small == plain  # the common form is always proved; any other form is measured


def test_an_export_is_proved_small_and_a_far_cell_is_measured(tmp_path: Path) -> None:
    path = tmp_path / "klik.xlsx"
    path.write_bytes(xlsx_bytes([KLIK_HEADER, *KLIK_ROWS]))
    with zipfile.ZipFile(path) as archive:
        assert xlsx_is_small(archive, "xl/worksheets/sheet1.xml")
    for cell in ("BA1", "A100000", "XFD1048576"):
        path.write_bytes(far_cell_xlsx(cell))
        with zipfile.ZipFile(path) as archive:
            assert not xlsx_is_small(archive, "xl/worksheets/sheet1.xml")
