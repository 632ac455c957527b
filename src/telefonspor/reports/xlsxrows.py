"""The big data sheets' ``<row>`` XML, built a column at a time.

xlsxwriter writes a cell in ~20 µs of pure Python (checks, a regex or three, a
file write); the holder sheets of a 40,000-holder report have ~300,000 cells.
Here the same XML is built per column instead: each column's strings are
joined once, escaped with one ``str.replace``/regex pass over the joined text,
split again, and the cells of a row are joined once. The output is exactly what
xlsxwriter's constant-memory mode writes for the same values (tests compare
the bytes), so ``excel`` can hand it to the worksheet as the sheet's rows.

Cell rules (as ``excel._Book.cell`` with no format): ``None`` and ``""`` are
left out, ``True``/``False`` become "Ja"/"Nej", numbers are numbers, text is
an inline string cut to Excel's 32,767 characters; text a spreadsheet could
read as a formula gets the quote-prefix style.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from itertools import chain, repeat, zip_longest
from math import isinf, isnan
from operator import methodcaller
from typing import Final

from telefonspor.reports.safe import FORMULA_STARTS

Cell = str | int | float | None

#: Excel's limit for one cell's text, in UTF-16 units.
MAX_CELL: Final = 32_767

#: Joins a column's strings for the whole-column passes: DEL, which no escape produces and
#: which keeps Danish text a one-byte string; a column that contains it goes cell by cell.
_SEP: Final = "\x7f"
#: The control characters xlsxwriter escapes, as UTF-8 bytes (they are never part of a
#: multi-byte character): deleting them from the encoded text is the fastest presence test.
_CONTROL_BYTES: Final = bytes([*range(0x00, 0x09), *range(0x0B, 0x20)])

# xlsxwriter's own rules (xmlwriter._escape_control_characters, utility._preserve_whitespace).
_ESCAPED_ESCAPE: Final = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL: Final = re.compile(r"([\x00-\x08\x0b-\x1f])")
_LEADING_SPACE: Final = re.compile(r"^\s")
_TRAILING_SPACE: Final = re.compile(r"\s$")
# Whole-column versions (does any cell start or end with whitespace, or start like a
# formula?), each led by the separator so that the regex engine scans for that one character.
_SPACE_AT_SEP: Final = re.compile(_SEP + r"(?:\s|(?<=\s" + _SEP + "))")
_FORMULA_AFTER_SEP: Final = re.compile(_SEP + "[" + re.escape("".join(FORMULA_STARTS)) + "]")


#: Does a cell's text start like a formula (``safe.is_formula_like``), for a C-level map.
_STARTS_LIKE_FORMULA: Final = methodcaller("startswith", FORMULA_STARTS)


def column_name(col: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA" (xlsxwriter's xl_col_to_name without "$")."""
    name = ""
    col += 1
    while col > 0:
        col, rest = divmod(col - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def _control_escape(match: re.Match[str]) -> str:
    return f"_x{ord(match.group(1)):04X}_"


def _has_control(text: str) -> bool:
    # ~4x faster than _CONTROL.search on a long text.
    data = text.encode("utf-8", "surrogatepass")
    return len(data.translate(None, _CONTROL_BYTES)) != len(data)


def escape_text(text: str) -> str:
    """One cell's text as xlsxwriter writes it inside ``<t>``: control characters as
    ``_xHHHH_`` (a literal ``_xHHHH_`` keeps its underscore as ``_x005F_``), then ``&<>``."""
    if "_x" in text:
        text = _ESCAPED_ESCAPE.sub(r"_x005F\1", text)
    if _has_control(text):
        text = _CONTROL.sub(_control_escape, text)
    if "\ufffe" in text or "\uffff" in text:
        text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def truncate(text: str) -> str:
    """Cut to Excel's limit: 32,767 UTF-16 units, never inside a character above U+FFFF."""
    text = text[:MAX_CELL]
    if len(text) <= MAX_CELL // 2:
        return text
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > MAX_CELL:
            return text[:index]
    return text


def _text_column(values: Sequence[Cell]) -> list[str] | None:
    """The column as cell texts ("" = no cell), or None when it holds a non-text value."""
    kinds = set(map(type, values))
    if not kinds <= {str, type(None)}:
        return None
    texts: list[str]
    if type(None) in kinds:
        texts = [v or "" for v in values]  # type: ignore[misc]
    else:  # text only (nearly every column): copied in C, not a cell at a time
        texts = list(values)  # type: ignore[arg-type]
    if max(map(len, texts), default=0) > MAX_CELL // 2:
        texts = [truncate(t) for t in texts]
    return texts


def _any_edge_space(joined: str) -> bool:
    # str.isspace and the regex \s agree (both are Unicode's White_Space test in CPython).
    return joined[:1].isspace() or joined[-1:].isspace() or _SPACE_AT_SEP.search(joined) is not None


def _any_formula(joined: str) -> bool:
    return joined.startswith(FORMULA_STARTS) or _FORMULA_AFTER_SEP.search(joined) is not None


def _escaped_column(texts: list[str]) -> tuple[list[str], bool, bool]:
    """(the texts escaped, may a cell need the quote prefix, may one need xml:space)."""
    joined = _SEP.join(texts)
    if joined.count(_SEP) == len(texts) - 1:
        # One escaping pass and one look for formula starts and edge spaces per column.
        escaped_joined = escape_text(joined)
        escaped = texts if escaped_joined is joined else escaped_joined.split(_SEP)
        return escaped, _any_formula(joined), _any_edge_space(escaped_joined)
    # the separator occurs in the data itself: cell by cell
    return [escape_text(t) for t in texts], True, True


def _string_cells(
    letter: str, numbers: Sequence[str], texts: list[str], quoted_xf: Callable[[], int]
) -> list[str]:
    """One text column's ``<c>`` elements ("" where the cell is empty)."""
    escaped, quoted, spaced = _escaped_column(texts)
    return _cells(letter, numbers, texts, escaped, quoted, spaced, quoted_xf)


def _cells(
    letter: str,
    numbers: Sequence[str],
    texts: list[str],
    escaped: list[str],
    quoted: bool,
    spaced: bool,
    quoted_xf: Callable[[], int],
) -> list[str]:
    """``_string_cells`` of a column already escaped."""
    if quoted and not any(map(_STARTS_LIKE_FORMULA, texts)):
        quoted = False
    if not quoted and not spaced:  # the common column: one f-string a cell
        return [
            f'<c r="{letter}{n}" t="inlineStr"><is><t>{e}</t></is></c>' if e else ""
            for n, e in zip(numbers, escaped, strict=True)
        ]
    if not spaced:  # e.g. phone numbers ("+45 ..."): one f-string a cell, its style tested in it
        style = f' s="{quoted_xf()}"'
        return [
            (
                f'<c r="{letter}{n}"{style if t.startswith(FORMULA_STARTS) else ""}'
                f' t="inlineStr"><is><t>{e}</t></is></c>'
            )
            if e
            else ""
            for n, t, e in zip(numbers, texts, escaped, strict=True)
        ]
    no = [""] * len(texts)
    styles = no
    if quoted:
        style = f' s="{quoted_xf()}"'
        styles = [style if t.startswith(FORMULA_STARTS) else "" for t in texts]
    keeps = no
    if spaced:
        keeps = [
            ' xml:space="preserve"' if _LEADING_SPACE.search(e) or _TRAILING_SPACE.search(e) else ""
            for e in escaped
        ]
    return [
        f'<c r="{letter}{n}"{s} t="inlineStr"><is><t{k}>{e}</t></is></c>' if e else ""
        for n, e, s, k in zip(numbers, escaped, styles, keeps, strict=True)
    ]


def _mixed_cells(
    letter: str, numbers: Sequence[str], values: Sequence[Cell], quoted_xf: Callable[[], int]
) -> list[str]:
    """A column with numbers or booleans: cell by cell (only the small summary tables)."""
    cells = []
    for n, value in zip(numbers, values, strict=True):
        if value is None or value == "":
            cells.append("")
        elif isinstance(value, bool):
            cells.append(
                f'<c r="{letter}{n}" t="inlineStr"><is><t>{"Ja" if value else "Nej"}</t></is></c>'
            )
        elif isinstance(value, int | float):
            if isnan(value) or isinf(value):
                raise TypeError("NAN/INF not supported in write_number()")
            cells.append(f'<c r="{letter}{n}"><v>{value:.16G}</v></c>')
        else:
            cells.extend(_string_cells(letter, (n,), [truncate(value)], quoted_xf))
    return cells


class _PlainColumn:
    """A text column with a cell in every row, none of them styled or space-preserved: the
    cells' XML is the same three constant pieces around each row number and escaped text,
    so a block can be joined from the pieces without a string per cell."""

    __slots__ = ("escaped", "letter")

    def __init__(self, letter: str, escaped: list[str]) -> None:
        self.letter = letter
        self.escaped = escaped

    def pieces(self, numbers: Sequence[str]) -> list[Iterable[str]]:
        """Per row, in order, the pieces of the row's cell (for a zip over the rows)."""
        return [
            repeat(f'<c r="{self.letter}'),
            numbers,
            repeat('" t="inlineStr"><is><t>'),
            self.escaped,
            repeat("</t></is></c>"),
        ]

    def cells(self, numbers: Sequence[str]) -> list[str]:
        """The cells as ``_string_cells`` gives them."""
        letter = self.letter
        return [
            f'<c r="{letter}{n}" t="inlineStr"><is><t>{e}</t></is></c>'
            for n, e in zip(numbers, self.escaped, strict=True)
        ]


class RowsXml:
    """``<row>`` elements for a block of rows, with the cell range they fill."""

    __slots__ = ("first_col", "last_col", "last_row", "xml")

    def __init__(self, xml: str, last_row: int, first_col: int, last_col: int) -> None:
        self.xml = xml
        self.last_row = last_row  # 0-based; -1 when no row has a cell
        self.first_col = first_col
        self.last_col = last_col


def rows_xml(
    rows: Sequence[Sequence[Cell]], first_row: int, quoted_xf: Callable[[], int]
) -> RowsXml:
    """The XML of ``rows`` placed from the 0-based ``first_row`` on.

    ``quoted_xf`` gives the style index of the quote-prefix format (asked only when a
    cell needs it, as xlsxwriter numbers styles in order of first use).
    """
    return columns_xml(list(zip_longest(*rows, fillvalue=None)), len(rows), first_row, quoted_xf)


def columns_xml(
    values_by_column: Sequence[Sequence[Cell]],
    count: int,
    first_row: int,
    quoted_xf: Callable[[], int],
) -> RowsXml:
    """:func:`rows_xml` of ``count`` rows given as their columns (each ``count`` long)."""
    numbers = [str(first_row + 1 + i) for i in range(count)]
    columns: list[list[str] | _PlainColumn] = []
    used: list[int] = []
    for col, values in enumerate(values_by_column):
        letter = column_name(col)
        texts = _text_column(values)
        if texts is None:
            cells = _mixed_cells(letter, numbers, values, quoted_xf)
        else:
            escaped, quoted, spaced = _escaped_column(texts)
            if not quoted and not spaced and count and "" not in escaped:
                columns.append(_PlainColumn(letter, escaped))
                used.append(col)
                continue
            cells = _cells(letter, numbers, texts, escaped, quoted, spaced, quoted_xf)
        if any(cells):
            columns.append(cells)
            used.append(col)
    if not columns:
        return RowsXml("", -1, 0, 0)
    first = columns[0]
    if isinstance(first, _PlainColumn) or all(first):
        # Every row has a cell (the common table: an id first): one join for the block, of
        # the plain columns' pieces and the other columns' cells.
        starts = [f'<row r="{n}">' for n in numbers]
        pieces: list[Iterable[str]] = [starts]
        for column in columns:
            if isinstance(column, _PlainColumn):
                pieces += column.pieces(numbers)
            else:
                pieces.append(column)
        pieces.append(repeat("</row>"))
        xml = "".join(chain.from_iterable(zip(*pieces)))  # noqa: B905 - repeat() is endless
        return RowsXml(xml, first_row + len(numbers) - 1, used[0], used[-1])
    cell_lists = [c.cells(numbers) if isinstance(c, _PlainColumn) else c for c in columns]
    parts = []
    last = -1
    for i, row in enumerate(zip(*cell_lists, strict=True)):
        body = "".join(row)
        if body:
            parts.append(f'<row r="{numbers[i]}">{body}</row>')
            last = i
    return RowsXml("".join(parts), first_row + last, used[0], used[-1])
