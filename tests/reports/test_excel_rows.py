"""The column-wise row writer (reports.xlsxrows) against xlsxwriter's own per-cell writer.

The reference is the old path, still in excel.py for the Overblik sheet: ``_Sheet.line``
a row at a time. Both must give the same workbook, byte for byte in every part but the
creation time, and the same cells when read back with openpyxl.
"""

from __future__ import annotations

import dataclasses
import zipfile
from collections.abc import Sequence
from pathlib import Path

import msgspec
import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from telefonspor.localtime import short_datetime
from telefonspor.model import AuditResult, HolderResult, ReportContext
from telefonspor.reports import excel, view
from telefonspor.reports.excel import write_excel
from telefonspor.reports.xlsxrows import Cell, column_name, escape_text, truncate
from telefonspor.texts import cause_label, party_label

from .builders import EVIL_NAME, FORMULA_NAME, build_context, build_result

#: Names that exercise every escaping rule of the row writer.
NASTY_NAMES = {
    0: FORMULA_NAME,
    3: EVIL_NAME,
    6: " leading space",
    9: "trailing tab\t",
    12: "ctrl\x01\x1fchars and _x0041_ literal",
    15: "+45 33 66 33 66",
    18: "@sum(A1)",
    21: "-1",
    24: "a & b <c> \"d\" 'e'",
    27: "two\nlines\n",
    30: "private \ue000 use and DEL \x7f",
    33: "non-characters \ufffe\uffff",
    36: "\tstarts with tab",
    39: "\rstarts with CR",
    42: "x" * 40_000,
    45: "😀" * 20_000,
    48: "\xa0no-break space\u2003",
}


def _line_by_line(self: excel._Sheet, rows: Sequence[Sequence[Cell]]) -> None:
    for values in rows:
        self.line(values)


def _columns_line_by_line(
    self: excel._Sheet, columns: Sequence[Sequence[Cell]], count: int
) -> None:
    _line_by_line(self, list(zip(*columns, strict=True)) if count else [])


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        # docProps/core.xml holds the time of writing: the one part that may differ.
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def _both(
    tmp_path: Path,
    result: AuditResult,
    context: ReportContext | None,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Path, Path]:
    fast = write_excel(result, tmp_path / "fast.xlsx", context)
    with monkeypatch.context() as m:
        m.setattr(excel._Sheet, "data_rows", _line_by_line)
        m.setattr(excel._Sheet, "data_columns", _columns_line_by_line)
        slow = write_excel(result, tmp_path / "slow.xlsx", context)
    return fast, slow


def _cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(path)
    out = {}
    for ws in book.worksheets:
        out[ws.title] = [
            (ws.dimensions, ws.freeze_panes, ws.auto_filter.ref),
            *(
                (c.coordinate, c.value, c.data_type, c.quotePrefix, c.number_format, c.font.b)
                for row in ws.iter_rows()
                for c in row
            ),
        ]
    return out


@pytest.mark.parametrize(("n", "spool"), [(6, None), (40, None), (600, None), (600, 10_000)])
def test_realistic_report_same_bytes_and_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, n: int, spool: int | None
) -> None:
    if spool is not None:  # the rows go to a temporary file, as a national report's do
        monkeypatch.setattr(excel, "_SPOOL_MAX", spool)
    result = build_result(n, names={i: v for i, v in NASTY_NAMES.items() if i < n})
    fast, slow = _both(tmp_path, result, build_context(result), monkeypatch)
    assert _parts(fast) == _parts(slow)
    assert _cells(fast) == _cells(slow)


def test_formula_like_and_escaped_values_read_back(tmp_path: Path) -> None:
    result = build_result(60, names=NASTY_NAMES)
    ws = openpyxl.load_workbook(write_excel(result, tmp_path / "r.xlsx"))["Uden telefon"]
    by_name = {c.value: c for c in ws["B"][1:]}
    for name in (FORMULA_NAME, "+45 33 66 33 66", "@sum(A1)", "-1", "\tstarts with tab"):
        cell = by_name[name]
        assert cell.data_type == "s" and cell.quotePrefix
    assert not by_name[EVIL_NAME].quotePrefix
    assert " leading space" in by_name and "trailing tab\t" in by_name
    # Control characters are stored as Excel's _xHHHH_ escapes (openpyxl reads those back as is).
    assert any(str(name).startswith("ctrl") and "_x0041_" in str(name) for name in by_name)
    assert "a & b <c> \"d\" 'e'" in by_name
    assert "x" * 32_767 in by_name
    assert "😀" * 16_383 in by_name  # 32,766 UTF-16 units: one more would split a pair


_PIECES = [
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\n",
    " ",
    "\xa0",
    "\x00",
    "\x01",
    "\x1c",
    "\x1f",
    "_x0041_",
    "_X00af_",
    "&",
    "<",
    ">",
    '"',
    "\ue000",
    "\x7f",
    "\ufffe",
    "\uffff",
    "😀",
    "æ",
    "a",
    "1",
]
_TEXT = st.one_of(
    st.lists(st.sampled_from(_PIECES), max_size=6).map("".join),
    st.text(max_size=8),
    st.tuples(st.sampled_from(["ab", "😀", "a😀", "=x"]), st.integers(8_000, 17_000)).map(
        lambda t: t[0] * t[1]
    ),
)
_CELL: st.SearchStrategy[Cell] = st.one_of(
    st.none(),
    _TEXT,
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),  # type: ignore[arg-type]
)
_TABLE = st.integers(1, 5).flatmap(
    lambda width: st.lists(st.lists(_CELL, min_size=width, max_size=width), max_size=12)
)


def _sheet_xml(
    tmp_path: Path, rows: list[list[Cell]], name: str, *, columns: bool = False
) -> tuple[bytes, bytes, bytes]:
    path = tmp_path / f"{name}.xlsx"

    def fill(book: excel._Book) -> None:
        sheet = excel._Sheet(book, "T")
        sheet.widths([12] * 5)
        sheet.line(["Titel"], book.title)
        headers = [f"K{i}" for i in range(len(rows[0]) if rows else 1)]
        if columns:  # the same table given column by column
            sheet.column_table(headers, [list(c) for c in zip(*rows, strict=True)], freeze=True)
        else:
            sheet.table(headers, rows, freeze=True)
        sheet.line(["efter tabellen", 1])
        second = excel._Sheet(book, "U")  # a second table: markers are per table
        second.table(["K"], [[f"={len(rows)}"], ["x"]], freeze=False)

    excel.write_workbook(path, build_result(6), None, fill, name=path)
    with zipfile.ZipFile(path) as z:
        return (
            z.read("xl/worksheets/sheet1.xml"),
            z.read("xl/worksheets/sheet2.xml"),
            z.read("xl/styles.xml"),
        )


@given(rows=_TABLE)
def test_any_table_same_xml_as_xlsxwriter(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[Cell]]
) -> None:
    tmp = tmp_path_factory.mktemp("rows")
    fast = _sheet_xml(tmp, rows, "fast")
    reference = excel._Sheet.data_rows
    try:
        excel._Sheet.data_rows = _line_by_line  # type: ignore[method-assign]
        slow = _sheet_xml(tmp, rows, "slow")
    finally:
        excel._Sheet.data_rows = reference  # type: ignore[method-assign]
    assert fast == slow
    by_columns = _sheet_xml(tmp, rows, "columns", columns=True)
    assert by_columns == slow


@given(text=_TEXT)
def test_escape_and_truncate_match_xlsxwriter(text: str) -> None:
    from xlsxwriter.utility import _utf16_len, _utf16_truncate
    from xlsxwriter.xmlwriter import XMLwriter

    expected = text[:32_767]
    if len(expected) > 16_383 and _utf16_len(expected) > 32_767:
        expected = _utf16_truncate(expected, 32_767)
    assert truncate(text) == expected
    writer = XMLwriter()
    assert escape_text(text) == writer._escape_data(writer._escape_control_characters(text))


def test_column_names() -> None:
    from xlsxwriter.utility import xl_col_to_name

    for col in (*range(0, 800), 16_383):
        assert column_name(col) == xl_col_to_name(col)


# --- the holder, trace and party sheets' cells against the row-wise code before issue 15 ---


def _old_holder_row(book: excel._Book, h: HolderResult) -> list[Cell]:
    return [
        h.user_id,
        h.name,
        h.unit,
        "; ".join(h.roles),
        h.direct.raw,
        h.mobile.raw,
        view.problem_text(h),
        cause_label(h.cause),
        view.explanation(h),
        party_label(h.responsible) if h.responsible else "",
        h.action,
        view.decision_text(book.decided.get(h.user_id)),
    ]


def _old_tables(book: excel._Book) -> dict[str, list[list[Cell]]]:
    """Every holder table's rows as the row-wise code made them."""
    open_, accepted = book.split
    tables = {"Uden telefon": [_old_holder_row(book, h) for h in open_]}
    rows = []
    for h in accepted:
        d = book.decided.get(h.user_id)
        extra = [d.decided_by if d else "", short_datetime(d.decided_at) if d else ""]
        rows.append(_old_holder_row(book, h) + extra)
    tables["Accepteret"] = rows
    holders = view.holder_order(view.trace_holders(book.result))
    keyed = [view.keyed_hops(h.trace) for h in holders]
    seen: dict[str, None] = {}  # the trace keys in chain order, as hop_keys made them
    for pairs in keyed:
        for key, _ in pairs:
            seen.setdefault(key, None)
    keys = [k for k in seen if k != "klik"] + (["klik"] if "klik" in seen else [])
    rows = []
    for h, pairs in zip(holders, keyed, strict=True):
        hops = dict(pairs)
        row: list[Cell] = [h.user_id, h.name, "Ja" if h.covered else "Nej", cause_label(h.cause)]
        for key in keys:
            hop = hops.get(key)
            if hop is None or not hop.found:
                row += ["(ikke fundet)", "(ikke fundet)"] if hop is not None else ["", ""]
            else:
                row += [hop.direct, hop.mobile]
        rows.append(row)
    tables["Spor"] = rows
    for party in view.party_order():
        cases = [h for h in open_ if h.responsible == party]
        if cases:
            tables[view.PARTY_SHEETS[party]] = [
                [
                    h.user_id,
                    h.name,
                    h.unit,
                    "; ".join(h.roles),
                    cause_label(h.cause),
                    view.explanation(h),
                    h.action,
                    h.direct.raw,
                    h.mobile.raw,
                ]
                for h in cases
            ]
    return tables


@pytest.mark.parametrize("traces", ["chain", "klik-only", "mixed"])
def test_holder_tables_by_column_equal_the_rows_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, traces: str
) -> None:
    result = build_result(90, names=NASTY_NAMES)
    if traces != "chain":  # one hop (KLIK only), or a mix with a system twice
        holders = tuple(
            msgspec.structs.replace(
                h,
                trace=h.trace[-1:] if traces == "klik-only" or i % 3 else h.trace * 2,
            )
            for i, h in enumerate(result.holders)
        )
        result = dataclasses.replace(result, holders=holders)
    context = build_context(result)
    seen: dict[str, list[list[Cell]]] = {}
    expected: dict[str, list[list[Cell]]] = {}

    def record(self: excel._Sheet, columns: Sequence[Sequence[Cell]], count: int) -> None:
        seen[self.ws.name] = [list(row) for row in zip(*columns, strict=True)] if count else []
        if not expected:
            expected.update(_old_tables(self.book))

    monkeypatch.setattr(excel._Sheet, "data_columns", record)
    write_excel(result, tmp_path / "r.xlsx", context)
    assert {"Uden telefon", "Accepteret", "Spor"} < set(expected) <= set(seen)
    assert {name: seen[name] for name in expected} == expected


#: Tables of plain text in every cell: the columns joined from pieces (xlsxrows._PlainColumn),
#: with now and then a styled, space-preserved or empty cell that sends its column the cell
#: by cell way.
_PLAIN_TEXT = st.text("abcæ😀 12&<", min_size=1, max_size=6).filter(lambda t: t.strip() == t)
_PLAIN_TABLE = st.integers(1, 4).flatmap(
    lambda width: st.lists(
        st.lists(
            st.one_of(_PLAIN_TEXT, _PLAIN_TEXT, _PLAIN_TEXT, st.sampled_from(["", " x", "=1"])),
            min_size=width,
            max_size=width,
        ),
        min_size=1,
        max_size=12,
    )
)


@given(rows=_PLAIN_TABLE)
def test_plain_text_tables_same_xml_as_xlsxwriter(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[Cell]]
) -> None:
    test_any_table_same_xml_as_xlsxwriter.hypothesis.inner_test(tmp_path_factory, rows)  # type: ignore[attr-defined]


@pytest.mark.parametrize("block", [1, 7, 64])
def test_rows_in_any_block_size_make_the_same_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    """The data rows are turned into XML ``excel._BLOCK`` rows at a time: any block size
    writes the same parts (sheets, styles, dimensions) as one block for every table."""
    result = build_result(90, names=NASTY_NAMES)
    context = build_context(result)

    def parts(name: str) -> dict[str, bytes]:
        path = write_excel(result, tmp_path / name, context)
        with zipfile.ZipFile(path) as z:
            return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}

    monkeypatch.setattr(excel, "_BLOCK", 10_000)
    whole = parts("whole.xlsx")
    monkeypatch.setattr(excel, "_BLOCK", block)
    assert parts(f"block{block}.xlsx") == whole
