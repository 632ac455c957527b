"""Measure a sheet's used range before calamine loads it, and refuse absurd ones.

calamine builds a dense grid over the bounding box of a sheet's non-empty cells
(``Range::from_sparse``; about 32 bytes per cell, twice while it converts), so one
value in cell XFD1048576 next to a header in A1 asks for 17 billion cells and
aborts the process. The ``<dimension>`` element cannot be trusted (it may be
missing or lie), so the cell positions are streamed from the sheet XML itself:
a regex over the tags, never a tree, never the grid. .xls and .xlsb files are
scanned the same way through their binary cell records, .ods through its
repeated rows and columns.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import defusedxml.ElementTree as SafeET

from telefonspor.errors import InputError

__all__ = [
    "MAX_SHEET_CELLS",
    "MAX_SHEET_COLUMNS",
    "MAX_SHEET_ROWS",
    "UsedRange",
    "check_used_range",
    "ods_used_ranges",
    "thousands",
    "xls_used_ranges",
    "xlsb_sheet_parts",
    "xlsb_used_range",
    "xlsx_is_small",
    "xlsx_sheet_parts",
    "xlsx_used_range",
]

#: Rows a sheet may span: Excel's own maximum.
MAX_SHEET_ROWS: Final = 1_048_576
#: Columns a sheet may span (Excel allows 16,384; no export needs more than a few hundred).
MAX_SHEET_COLUMNS: Final = 1_024
#: Cells (rows x columns) a sheet's used range may span: bounds calamine's grid (~640 MB).
MAX_SHEET_CELLS: Final = 10_000_000

_CHUNK: Final = 1 << 20
_XLSX_TAG: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_R_ATTR: Final = re.compile(rb'(?:^|\s)r\s*=\s*["\']\$?([A-Za-z]*)\$?([0-9]*)["\']')
_FAST_CELL: Final = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>/]*>')
#: A cell tag not of the small common form ``<c r="B7"``: a column A..AZ, a row below 100,000.
_NOT_SMALL_CELL: Final = re.compile(rb'<c(?=[\s/>])(?! r="A?[A-Z][0-9]{1,5}")')
_ODS_TAG: Final = re.compile(
    rb"<(table:table-row|table:table-cell|table:covered-table-cell|table:table)(?=[\s/>])([^>]*)>"
)
_ODS_NAME: Final = re.compile(rb'table:name\s*=\s*"([^"]*)"')
_ODS_ROWS: Final = re.compile(rb'table:number-rows-repeated\s*=\s*"([0-9]+)"')
_ODS_COLUMNS: Final = re.compile(rb'table:number-columns-repeated\s*=\s*"([0-9]+)"')
_ODS_VALUE: Final = re.compile(rb"office:value-type\s*=|table:formula\s*=")


@dataclass
class UsedRange:
    """Bounding box (0-based, inclusive) of a sheet's non-empty cells, as calamine sees it."""

    first_row: int = -1
    first_column: int = -1
    last_row: int = -1
    last_column: int = -1

    def add(self, row: int, column: int, rows: int = 1, columns: int = 1) -> None:
        if self.first_row < 0:
            self.first_row, self.first_column = row, column
            self.last_row, self.last_column = row + rows - 1, column + columns - 1
            return
        self.first_row = min(self.first_row, row)
        self.first_column = min(self.first_column, column)
        self.last_row = max(self.last_row, row + rows - 1)
        self.last_column = max(self.last_column, column + columns - 1)

    @property
    def rows(self) -> int:
        return self.last_row - self.first_row + 1 if self.first_row >= 0 else 0

    @property
    def columns(self) -> int:
        return self.last_column - self.first_column + 1 if self.first_row >= 0 else 0

    def reference(self) -> str:
        start = f"{_letters(self.first_column)}{self.first_row + 1}"
        return f"{start}:{_letters(self.last_column)}{self.last_row + 1}"


def check_used_range(used: UsedRange, path: Path, sheet: str) -> None:
    """Refuse a sheet whose used range calamine could not hold; one Danish line."""
    rows, columns = used.rows, used.columns
    if (
        rows <= MAX_SHEET_ROWS
        and columns <= MAX_SHEET_COLUMNS
        and rows * columns <= MAX_SHEET_CELLS
    ):
        return
    if columns > MAX_SHEET_COLUMNS:
        problem = f"{thousands(columns)} kolonner (højst {thousands(MAX_SHEET_COLUMNS)})"
    elif rows > MAX_SHEET_ROWS:
        problem = f"{thousands(rows)} rækker (højst {thousands(MAX_SHEET_ROWS)})"
    else:
        problem = f"{thousands(rows * columns)} celler (højst {thousands(MAX_SHEET_CELLS)})"
    raise InputError(
        f"arkets data spænder over området {used.reference()}: {problem}. "
        "Der står sandsynligvis noget i en celle langt fra de andre data; slet de overflødige "
        "rækker og kolonner i Excel, og gem filen igen.",
        path=str(path),
        sheet=sheet,
    )


# --- xlsx -------------------------------------------------------------------------------------


def xlsx_sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member of its XML, from workbook.xml and its relationships."""
    try:
        book = SafeET.fromstring(archive.read("xl/workbook.xml"))
        rels = SafeET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # missing or broken parts: calamine reports those itself
        return {}
    targets: dict[str, str] = {}
    for rel in rels:
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        targets[rel.get("Id", "")] = posixpath.normpath(part)
    parts: dict[str, str] = {}
    for element in book.iter():
        if element.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if k.rsplit("}", 1)[-1] == "id"), "")
        if rid in targets:
            parts[element.get("name", "")] = targets[rid]
    return parts


def xlsx_is_small(archive: zipfile.ZipFile, part: str) -> bool:
    """True when every cell of a worksheet part surely lies in A1:AZ99999 (within the limits).

    An export's sheet passes with a few C scans and no object per cell (measuring its
    used range makes two per cell): every unprefixed cell tag starts ``<c r="B7"`` with a
    column up to AZ and a row below 100,000, and no prefixed cell (``</x:c>``) holds a
    value. False means: measure the used range (:func:`xlsx_used_range`).
    """
    carry = b""
    for chunk in _stream(archive, part):
        data = carry + chunk
        cut = data.rfind(b"<")  # a tag before the last "<" is whole: no cell tag is cut in two
        if cut < 0:
            cut = len(data)
        if data.find(b":c>", 0, cut) >= 0 or _NOT_SMALL_CELL.search(data, 0, cut):
            return False
        carry = data[cut:]
    return not (b":c>" in carry or _NOT_SMALL_CELL.search(carry))


def xlsx_used_range(archive: zipfile.ZipFile, part: str) -> UsedRange:
    """Used range of one worksheet part, streamed; cells without a value do not count."""
    return _xlsx_fast(archive, part) or _xlsx_exact(archive, part)


def _xlsx_fast(archive: zipfile.ZipFile, part: str) -> UsedRange | None:
    """The common form (every cell with a value ``<c r="B7" ...>``) read with C calls only.

    Every cell with a value is closed by ``</c>`` (text cannot hold a ``<``), so when each
    ``</c>`` has a common-form start tag, no cell has another form (no ``r``, ``r`` not
    first, white space other than a blank, a prefix); else the exact reader decides.
    Cells ``<c .../>`` hold no value and do not count.
    """
    columns: set[bytes] = set()
    rows: set[bytes] = set()
    starts = ends = 0
    carry = b""
    for chunk in _stream(archive, part):
        data = carry + chunk
        cut = data.rfind(b"<")  # every tag starts at a "<": none is cut in two
        if cut < 0:
            cut = len(data)
        if data.find(b":c>", 0, cut) >= 0:  # </x:c>: a prefixed cell
            return None
        found = _FAST_CELL.findall(data, 0, cut)
        starts += len(found)
        ends += data.count(b"</c>", 0, cut)
        if found:
            letters, numbers = zip(*found, strict=True)
            columns.update(letters)
            rows.update(numbers)
        carry = data[cut:]
    if starts != ends or _XLSX_TAG.search(carry):
        return None
    used = UsedRange()
    if columns:
        indexes = [_column_index(c) for c in columns]
        lines = [int(r) - 1 for r in rows]
        used.add(min(lines), min(indexes))
        used.add(max(lines), max(indexes))
    return used


def _xlsx_exact(archive: zipfile.ZipFile, part: str) -> UsedRange:
    """Every tag in order, placing cells without ``r`` the way calamine does."""
    used = UsedRange()
    row, column = 0, 0
    seen_row = False
    for tag, attributes in _tags(_stream(archive, part), _XLSX_TAG):
        ref = _R_ATTR.search(attributes)
        if tag == b"row":
            # calamine: <row r> sets the row; without r the row after the last one.
            row = int(ref.group(2)) - 1 if ref and ref.group(2) else (row + 1 if seen_row else 0)
            column, seen_row = 0, True
            continue
        if ref and ref.group(1) and ref.group(2):
            row, column = int(ref.group(2)) - 1, _column_index(ref.group(1))
        if not attributes.endswith(b"/"):  # <c .../> holds no value
            used.add(row, column)
        column += 1
    return used


def _stream(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    with archive.open(part) as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def _tags(chunks: Iterator[bytes], pattern: re.Pattern[bytes]) -> Iterator[tuple[bytes, bytes]]:
    """(tag name, attribute text) of every matching start tag; a tag cut by a chunk is kept."""
    carry = b""
    for chunk in chunks:
        data = carry + chunk
        cut = data.rfind(b"<")
        if cut < 0:
            carry = b""
            continue
        for match in pattern.finditer(data, 0, cut):
            yield match.group(1), match.group(2).rstrip()
        carry = data[cut:]
    for match in pattern.finditer(carry):
        yield match.group(1), match.group(2).rstrip()


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + letter - 64
    return index - 1


def _letters(index: int) -> str:
    letters = ""
    number = index + 1
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _unescape(text: str) -> str:
    """xml.sax.saxutils.unescape (``&lt;`` ``&gt;`` ``&amp;``), without importing xml.sax:
    that loads urllib.request, http.client and ssl (~15 ms a run)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def thousands(number: int) -> str:
    """12345 -> "12.345" (Danish thousands separator)."""
    return f"{number:,}".replace(",", ".")


# --- xlsb (BIFF12 records in the zip) ------------------------------------------------------------

_XLSB_CELLS: Final = frozenset(range(0x02, 0x0C))  # BrtCellRk ... BrtFmlaError (not BrtCellBlank)
_XLSB_ROW: Final = 0x00  # BrtRowHdr
_XLSB_DATA: Final = 0x91  # BrtBeginSheetData
_XLSB_DATA_END: Final = 0x92
_XLSB_SHEET: Final = 0x9C  # BrtBundleSh
_XLSB_SHEETS_END: Final = 0x90


def xlsb_sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member, from workbook.bin's BrtBundleSh records and their relationships."""
    try:
        rels = SafeET.fromstring(archive.read("xl/_rels/workbook.bin.rels"))
        book = archive.read("xl/workbook.bin")
    except Exception:  # missing or broken parts: calamine reports those itself
        return {}
    targets = {rel.get("Id", ""): rel.get("Target", "") for rel in rels}
    parts: dict[str, str] = {}
    for kind, start, end in _biff12_records(book):
        if kind == _XLSB_SHEETS_END:
            break
        if kind != _XLSB_SHEET or end - start < 16:
            continue
        (rel_length,) = struct.unpack_from("<I", book, start + 8)
        if rel_length == 0xFFFF_FFFF:
            continue
        rel_end = start + 12 + 2 * rel_length
        rel_id = book[start + 12 : rel_end].decode("utf-16-le", "replace")
        (name_length,) = struct.unpack_from("<I", book, rel_end) if rel_end + 4 <= end else (0,)
        name = book[rel_end + 4 : rel_end + 4 + 2 * name_length].decode("utf-16-le", "replace")
        if rel_id in targets:  # calamine: "xl/" + Target
            parts[name] = posixpath.normpath(posixpath.join("xl", targets[rel_id]))
    return parts


def xlsb_used_range(archive: zipfile.ZipFile, part: str) -> UsedRange:
    """Used range of one .xlsb worksheet: rows from BrtRowHdr, columns from each cell record."""
    data = archive.read(part)
    used = UsedRange()
    row, in_data = 0, False
    for kind, start, end in _biff12_records(data):
        if kind == _XLSB_DATA:
            in_data = True
        elif kind == _XLSB_DATA_END:
            break
        elif not in_data or end - start < 4:
            continue
        elif kind == _XLSB_ROW:
            (row,) = struct.unpack_from("<I", data, start)
        elif kind in _XLSB_CELLS:
            used.add(row, struct.unpack_from("<I", data, start)[0])
    return used


def _biff12_records(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(record type, body start, body end): type and size are 7-bit varints (MS-XLSB 2.1.4)."""
    offset, size = 0, len(data)
    while offset < size:
        kind = data[offset]
        offset += 1
        if kind & 0x80 and offset < size:
            kind = (kind & 0x7F) | ((data[offset] & 0x7F) << 7)
            offset += 1
        length = 0
        for shift in (0, 7, 14, 21):
            if offset >= size:
                return
            byte = data[offset]
            offset += 1
            length |= (byte & 0x7F) << shift
            if not byte & 0x80:
                break
        yield kind, offset, min(offset + length, size)
        offset += length


# --- ods ----------------------------------------------------------------------------------------


def ods_used_ranges(archive: zipfile.ZipFile) -> dict[str, UsedRange]:
    """Used range of every table in content.xml, with repeated rows and columns expanded."""
    ranges: dict[str, UsedRange] = {}
    used = UsedRange()
    row, next_row, row_repeats, column = 0, 0, 1, 0
    for tag, attributes in _tags(_stream(archive, "content.xml"), _ODS_TAG):
        if tag == b"table:table":
            found = _ODS_NAME.search(attributes)
            name = _unescape(found.group(1).decode("utf-8", "replace")) if found else ""
            used = ranges.setdefault(name, UsedRange())
            next_row = 0
        elif tag == b"table:table-row":
            repeats = _ODS_ROWS.search(attributes)
            row, row_repeats, column = next_row, int(repeats.group(1)) if repeats else 1, 0
            next_row = row + row_repeats
        else:
            repeats = _ODS_COLUMNS.search(attributes)
            count = int(repeats.group(1)) if repeats else 1
            if _ODS_VALUE.search(attributes):
                used.add(row, column, row_repeats, count)
            column += count
    return ranges


# --- xls (BIFF8 in an OLE compound file) ---------------------------------------------------------

_BIFF_CELLS: Final = frozenset({0x0006, 0x00D6, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E})
_BIFF_MULRK: Final = 0x00BD
_BIFF_BOF: Final = 0x0809
_BIFF_EOF: Final = 0x000A
_BIFF_SHEET: Final = 0x0085
_BIFF_GLOBALS: Final = 0x0005
_BIFF_FILEPASS: Final = 0x002F


def xls_used_ranges(stream: bytes) -> list[tuple[str, UsedRange]]:
    """(sheet name, used range) per sheet substream of a BIFF8 workbook stream, in file order."""
    names: dict[int, str] = {}  # BOUNDSHEET: stream offset of the sheet's BOF -> name
    ranges: list[tuple[int, UsedRange]] = []
    current: UsedRange | None = None
    offset, size = 0, len(stream)
    while offset + 4 <= size:
        kind, length = struct.unpack_from("<HH", stream, offset)
        data = stream[offset + 4 : offset + 4 + length]
        if kind == _BIFF_FILEPASS:
            return []  # encrypted cells: calamine reports the password instead
        if kind == _BIFF_BOF:
            globals_ = len(data) >= 4 and struct.unpack_from("<H", data, 2)[0] == _BIFF_GLOBALS
            current = None if globals_ else UsedRange()
            if current is not None:
                ranges.append((offset, current))
        elif kind == _BIFF_EOF:
            current = None
        elif kind == _BIFF_SHEET and len(data) >= 4:
            names[struct.unpack_from("<I", data)[0]] = _biff_sheet_name(data)
        elif current is not None and kind in _BIFF_CELLS and len(data) >= 4:
            row, column = struct.unpack_from("<HH", data)
            current.add(row, column)
        elif current is not None and kind == _BIFF_MULRK and len(data) >= 6:
            row, first = struct.unpack_from("<HH", data)
            (last,) = struct.unpack_from("<H", data, len(data) - 2)
            current.add(row, first, 1, max(last - first + 1, 1))
        offset += 4 + length
    return [(names.get(start, ""), used) for start, used in ranges]


def _biff_sheet_name(data: bytes) -> str:
    """BOUNDSHEET8: 6 bytes, then a ShortXLUnicodeString (length, flags, chars)."""
    if len(data) < 8:
        return ""
    length, flags = data[6], data[7]
    raw = data[8:]
    if flags & 1:
        return raw[: length * 2].decode("utf-16-le", "replace")
    return raw[:length].decode("latin-1")
