"""Read a spreadsheet or CSV file as one header row plus streamed data rows.

Every file reader (KLIK export, AD, OS2sofd, FK-ORG exports ...) sits on
:func:`open_table`: it sniffs the real format from the bytes, finds the header
row among title rows, maps tolerant header variants to field names and turns
every failure into a Danish :class:`~telefonspor.errors.InputError`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import unicodedata
import zipfile
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any, Final

import python_calamine

from telefonspor.errors import InputError
from telefonspor.sources.sheet_limits import (
    MAX_SHEET_COLUMNS,
    check_used_range,
    ods_used_ranges,
    thousands,
    xls_used_ranges,
    xlsb_sheet_parts,
    xlsb_used_range,
    xlsx_is_small,
    xlsx_sheet_parts,
    xlsx_used_range,
)

__all__ = [
    "HEADER_SCAN_ROWS",
    "MAX_ROW_CHARS",
    "MAX_ROW_FIELDS",
    "ZIP_MAX_RATIO",
    "ZIP_MAX_UNCOMPRESSED",
    "Table",
    "cell_text",
    "column_letter",
    "normalise_header",
    "open_table",
]

#: Zip-bomb guard for xlsx/ods: total uncompressed bytes and overall ratio.
ZIP_MAX_UNCOMPRESSED: Final = 1 << 30
ZIP_MAX_RATIO: Final = 200
#: How many rows from the top may hold titles before the header row.
HEADER_SCAN_ROWS: Final = 30
#: A CSV row (one record, even over several lines) may hold at most this many characters ...
MAX_ROW_CHARS: Final = 1 << 20
#: ... and at most as many fields as a spreadsheet may have columns.
MAX_ROW_FIELDS: Final = MAX_SHEET_COLUMNS

_ZIP_MAGIC: Final = b"PK\x03\x04"
_OLE_MAGIC: Final = bytes.fromhex("D0CF11E0A1B11AE1")
_ENCRYPTED_MARKER: Final = "EncryptedPackage".encode("utf-16-le")
_CSV_DELIMITERS: Final = (";", ",", "\t")
_SNIFF_BYTES: Final = 64 * 1024
_CHUNK: Final = 1 << 20
_NON_KEY = re.compile(r"[\W_]+")

RawRows = Callable[[], Iterator[tuple[int, Sequence[Any]]]]


# --- cells and headers ---------------------------------------------------------------


def cell_text(value: object) -> str:
    """A calamine/csv cell as text; integral Excel floats lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "SAND" if value else "FALSK"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _sheet_texts(cells: Sequence[Any]) -> tuple[str, ...]:
    """A spreadsheet row as :func:`cell_text` gives it, one C call for a row of text only."""
    try:
        "".join(cells)  # raises TypeError at the first cell that is not text
    except TypeError:
        return tuple(cell_text(c) for c in cells)
    return tuple(cells)


def normalise_header(text: str) -> str:
    """Key for tolerant header matching: case, spaces, NBSP and punctuation do not count."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NON_KEY.sub("", folded)


def column_letter(index: int) -> str:
    """0-based column index -> spreadsheet letters ("A", "AB")."""
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# --- the table ------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A header row and a way to stream the data rows below it."""

    path: Path
    sheet: str  # "" for CSV
    header_row: int  # 1-based row number of the header
    headers: tuple[str, ...]
    columns: Mapping[str, int]  # field -> 0-based index into each row tuple
    _raw_rows: RawRows = field(repr=False, compare=False)
    _column_offset: int = field(default=0, repr=False, compare=False)
    _texts: bool = field(default=False, repr=False, compare=False)
    #: CSV: (encoding, delimiter), for the batched rows of :func:`_plain_csv_batches`.
    _csv: tuple[str, str] | None = field(default=None, repr=False, compare=False)

    def rows(self) -> Iterator[tuple[int, tuple[str, ...]]]:
        """Data rows as ``(row number, cells as text)``; fully blank rows are skipped."""
        width = len(self.headers)
        padding = ("",) * width
        for number, cells in self._raw_rows():
            if number <= self.header_row:
                continue
            texts: tuple[str, ...] = tuple(cells) if self._texts else _sheet_texts(cells)
            if len(texts) < width:  # one copy, not two
                texts += padding[len(texts) :]
            if not "".join(texts).strip():  # same as no cell with text, without a generator
                continue
            yield number, texts

    def field_texts(self, fields: Sequence[str]) -> Iterator[tuple[int, tuple[str, ...]]]:
        """The rows of :meth:`rows` as ``(row number, stripped text per field)``.

        ``fields`` are looked up in :attr:`columns` once, not per row; a field the file has
        no column for reads as "". The cells are picked by position in C (itemgetter).
        """
        # A missing field points at the "" appended to each row (the last item: a row may
        # hold more cells than the header has columns).
        pick = _picker([self.columns.get(f, -1) for f in fields])
        strip = str.strip
        if self._texts:  # CSV: the reader's fresh list per row is padded in place
            yield from _csv_field_texts(self, pick)
            return
        blank = ("",)
        for number, cells in self.rows():
            yield number, tuple(map(strip, pick(cells + blank)))

    def column_letter(self, field: str) -> str:
        """Spreadsheet letter of a mapped field ("C"), for messages."""
        return column_letter(self.columns[field] + self._column_offset)

    def header_of(self, field: str) -> str:
        """The header text actually used for a mapped field."""
        return self.headers[self.columns[field]]


def _csv_field_texts(
    table: Table, pick: Callable[[Any], tuple[str, ...]]
) -> Iterator[tuple[int, tuple[str, ...]]]:
    """:meth:`Table.field_texts` for CSV rows, the same rows as :meth:`Table.rows` gives.

    The rows come in batches from :func:`_plain_csv_batches` while the file is plain; from
    the first line it cannot vouch for, :func:`_csv_rows` (line by line, with every limit
    and error message) reads on, so anything unusual is read exactly as before.
    """
    width = len(table.headers)
    first = table.header_row + 1  # the first row that may be data
    if table._csv is not None:
        encoding, delimiter = table._csv
        try:
            for batch in _plain_csv_batches(table.path, encoding, delimiter):
                yield from _picked_rows(batch, width, pick, first)
            return
        except _NotPlain as stop:
            first = max(first, stop.line)
    rows = ((number, list(cells)) for number, cells in table._raw_rows())
    yield from _picked_rows(rows, width, pick, first)


def _picked_rows(
    rows: Iterable[tuple[int, list[str]]],
    width: int,
    pick: Callable[[Any], tuple[str, ...]],
    first: int,
) -> Iterator[tuple[int, tuple[str, ...]]]:
    """Each row from line ``first`` on that is not blank, padded to ``width`` cells plus the
    "" a field without a column reads, as its picked cells stripped (rows are changed)."""
    strip = str.strip
    for number, row in rows:
        if number < first:
            continue
        if len(row) < width:
            row += [""] * (width - len(row))
        # A blank row has only blank cells; the first cell settles nearly every row.
        if not row[0].strip() and not "".join(row).strip():
            continue
        row.append("")
        yield number, tuple(map(strip, pick(row)))


def _picker(indexes: Sequence[int]) -> Callable[[tuple[str, ...]], tuple[str, ...]]:
    """``cells -> tuple(cells[i] for i in indexes)``; itemgetter of one index gives no tuple."""
    if len(indexes) == 1:
        only = indexes[0]
        return lambda cells: (cells[only],)
    if not indexes:
        return lambda cells: ()
    return itemgetter(*indexes)


# --- opening ----------------------------------------------------------------------------


def open_table(
    path: Path,
    fields: Mapping[str, Sequence[str]],
    *,
    required: Sequence[Sequence[str]] = (),
    overrides: Mapping[str, str] = {},
    sheet: str = "",
    what: str = "filen",
) -> Table:
    """Open ``path`` and map its header row to ``fields``.

    ``fields`` maps a field name to accepted header variants; ``required`` lists
    groups of which at least one field must be found; ``overrides`` maps a field
    to the exact header text the user named (``--map felt="Overskrift"``).
    """
    path = Path(path)
    where = str(path)
    unknown = sorted(set(overrides) - set(fields))
    if unknown:
        raise InputError(
            f"ukendt felt i --map: {', '.join(unknown)}. Kendte felter: {', '.join(fields)}.",
            path=where,
        )
    head = _read_head(path)
    matcher = _HeaderMatcher(fields, overrides)
    if head.startswith(_ZIP_MAGIC):
        _check_zip(path)
        return _open_workbook(path, matcher, required, sheet, what)
    if head.startswith(_OLE_MAGIC):
        return _open_ole(path, matcher, required, sheet, what)
    _reject_non_text(path, head)
    return _open_csv(path, head, matcher, required, what)


def _read_head(path: Path) -> bytes:
    where = str(path)
    if not path.exists():
        raise InputError("filen findes ikke. Tjek stien og filnavnet.", path=where)
    if path.is_dir():
        raise InputError("stien er en mappe, ikke en fil.", path=where)
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as exc:
        raise InputError(f"filen kan ikke læses ({exc.strerror}).", path=where) from exc
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise InputError("filen er tom.", path=where)
    return head


def _reject_non_text(path: Path, head: bytes) -> None:
    where = str(path)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return  # Excel's "Unicode text" export: UTF-16 with tabs
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta")) or (
        text.startswith(b"<") and b"<table" in text
    ):
        raise InputError(
            "filen er en HTML/XML-side gemt med et regnearksnavn, ikke et rigtigt regneark. "
            "Åbn den i Excel og gem den som Excel-projektmappe (.xlsx), eller eksportér som CSV.",
            path=where,
        )
    if b"\x00" in head or text.startswith((b"%pdf", b"\x89png", b"\xff\xd8")):
        raise InputError(
            "filen er ikke et regneark eller en CSV-fil. Brug .xlsx, .xls, .ods eller .csv.",
            path=where,
        )


# --- header matching -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Match:
    columns: dict[str, int]
    score: int
    error: str = ""  # duplicate mapped header


class _HeaderMatcher:
    def __init__(self, fields: Mapping[str, Sequence[str]], overrides: Mapping[str, str]) -> None:
        self.fields = fields
        self.overrides = {f: normalise_header(h) for f, h in overrides.items()}
        self.override_texts = dict(overrides)
        self.variants = {
            name: tuple(normalise_header(v) for v in variants) for name, variants in fields.items()
        }

    def match(self, cells: Sequence[str]) -> _Match:
        keys = [normalise_header(c) for c in cells]
        positions: dict[str, list[int]] = {}
        for index, key in enumerate(keys):
            if key:
                positions.setdefault(key, []).append(index)
        columns: dict[str, int] = {}
        used: set[int] = set()
        wanted: dict[str, str] = {}
        for name, key in self.overrides.items():
            if key in positions:
                columns[name] = positions[key][0]
                used.add(positions[key][0])
                wanted[name] = key
        for name, variants in self.variants.items():
            if name in self.overrides:
                continue
            for key in variants:
                hits = positions.get(key)
                if hits and hits[0] not in used:
                    columns[name] = hits[0]
                    used.add(hits[0])
                    wanted[name] = key
                    break
        error = ""
        for name, key in wanted.items():
            hits = positions[key]
            if len(hits) > 1:
                letters = " og ".join(column_letter(i) for i in hits)
                error = (
                    f'overskriften "{cells[hits[0]].strip()}" ({name}) står flere gange '
                    f"(kolonne {letters}). Omdøb den ene kolonne, eller vælg den rigtige med "
                    f'--map {name}="Overskrift".'
                )
                break
        return _Match(columns, len(columns), error)


@dataclass(frozen=True)
class _Header:
    row: int  # 1-based
    cells: tuple[str, ...]
    match: _Match


def _find_header(
    rows: Iterable[tuple[int, Sequence[Any]]], matcher: _HeaderMatcher
) -> _Header | None:
    """The first row that maps the most fields, among the first rows of the sheet.

    Returns the first non-blank row (score 0) when no row maps anything, so
    errors can list what the file does have; None when the rows are all blank.
    """
    best: _Header | None = None
    for scanned, (number, raw) in enumerate(rows):
        if scanned >= HEADER_SCAN_ROWS:
            break
        cells = tuple(cell_text(c).strip() for c in raw)
        if not any(cells):
            continue
        match = matcher.match(cells)
        if best is None or match.score > best.match.score:
            best = _Header(number, cells, match)
    return best


def _check_header(
    header: _Header | None,
    matcher: _HeaderMatcher,
    required: Sequence[Sequence[str]],
    where: str,
    sheet: str,
    what: str,
) -> _Header:
    if header is None:
        raise InputError(f"{what} har ingen data (arket er tomt).", path=where, sheet=sheet)
    found = ", ".join(f'"{c}"' for c in header.cells if c) or "(ingen)"
    for name, text in matcher.override_texts.items():
        if name not in header.match.columns:
            raise InputError(
                f'--map {name}="{text}": overskriften findes ikke i {what}. '
                f"Fundne overskrifter (række {header.row}): {found}.",
                path=where,
                sheet=sheet,
            )
    if header.match.error:
        raise InputError(header.match.error, path=where, sheet=sheet, row=header.row)
    for group in required:
        if not any(name in header.match.columns for name in group):
            names = " eller ".join(group)
            example = group[0]
            raise InputError(
                f"kan ikke finde en kolonne til {names} i {what}. "
                f"Fundne overskrifter (række {header.row}): {found}. "
                f'Angiv kolonnen med --map felt="Overskrift", fx --map {example}="Min overskrift".',
                path=where,
                sheet=sheet,
            )
    return header


def _satisfies(
    header: _Header | None, matcher: _HeaderMatcher, required: Sequence[Sequence[str]]
) -> bool:
    if header is None or header.match.score == 0 or header.match.error:
        return False
    if any(name not in header.match.columns for name in matcher.overrides):
        return False
    return all(any(n in header.match.columns for n in group) for group in required)


def _make_table(
    path: Path,
    sheet: str,
    header: _Header,
    raw_rows: RawRows,
    *,
    offset: int = 0,
    texts: bool,
    csv_dialect: tuple[str, str] | None = None,
) -> Table:
    return Table(
        path=path,
        sheet=sheet,
        header_row=header.row,
        headers=header.cells,
        columns=dict(header.match.columns),
        _raw_rows=raw_rows,
        _column_offset=offset,
        _texts=texts,
        _csv=csv_dialect,
    )


# --- workbooks (calamine) --------------------------------------------------------------------


def _check_zip(path: Path) -> None:
    where = str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError) as exc:
        # NotImplementedError: a damaged "version needed" field; ValueError: a damaged
        # UTF-8 file name (both found by make fuzz).
        raise InputError(
            "regnearket er beskadiget eller ufuldstændigt (zip-strukturen kan ikke læses). "
            "Eksportér filen igen.",
            path=where,
        ) from exc
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > ZIP_MAX_UNCOMPRESSED or total / packed > ZIP_MAX_RATIO:
        raise InputError(
            f"regnearket udpakker til {total // (1 << 20)} MB (forhold {total // packed}:1), "
            "over grænsen for sikker indlæsning. "
            "Filen er sandsynligvis ikke en almindelig eksport.",
            path=where,
        )
    if not ("xl/workbook.xml" in names or "xl/workbook.bin" in names or "content.xml" in names):
        raise InputError(
            "filen er et zip-arkiv, men ikke et regneark. Brug .xlsx, .xls, .ods eller .csv.",
            path=where,
        )


def _open_ole(
    path: Path,
    matcher: _HeaderMatcher,
    required: Sequence[Sequence[str]],
    sheet: str,
    what: str,
) -> Table:
    if _contains(path, _ENCRYPTED_MARKER):
        raise _password_error(path)
    try:
        return _open_workbook(path, matcher, required, sheet, what)
    except InputError as exc:
        if path.suffix.lower() in (".xlsx", ".xlsm") and exc.__cause__ is not None:
            raise _password_error(path) from exc
        raise


def _password_error(path: Path) -> InputError:
    return InputError(
        "filen er beskyttet med adgangskode (krypteret). Åbn den i Excel, fjern adgangskoden "
        "(Filer > Oplysninger > Beskyt projektmappe) og gem den igen.",
        path=str(path),
    )


def _contains(path: Path, marker: bytes) -> bool:
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            if marker in tail + chunk:
                return True
            tail = chunk[-len(marker) :]
    return False


def _open_workbook(
    path: Path,
    matcher: _HeaderMatcher,
    required: Sequence[Sequence[str]],
    sheet: str,
    what: str,
) -> Table:
    where = str(path)
    guard = _sheet_guard(path)  # before calamine: .xls and .ods load every sheet when opened
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        names: list[str] = list(workbook.sheet_names)
    except python_calamine.PasswordError as exc:
        raise _password_error(path) from exc
    except Exception as exc:  # calamine raises several unrelated types for broken files
        raise InputError(
            f"regnearket kan ikke læses; det er beskadiget eller ikke et regneark ({_short(exc)}). "
            "Eksportér filen igen, eller gem den som .xlsx eller .csv.",
            path=where,
        ) from exc
    if sheet and sheet not in names:
        listed = ", ".join(f'"{n}"' for n in names)
        raise InputError(f'arket "{sheet}" findes ikke. Arkene er: {listed}.', path=where)
    candidates = [sheet] if sheet else names
    first: tuple[str, _Header | None] | None = None
    for name in candidates:
        guard(name)
        rows = _sheet_rows(workbook, name, path)
        header = _find_header(rows.iterate(), matcher)
        if first is None or (first[1] is None and header is not None):
            first = (name, header)
        if _satisfies(header, matcher, required) and header is not None:
            return _make_table(path, name, header, rows.iterate, offset=rows.offset, texts=False)
    if first is None:
        raise InputError(f"{what} har ingen ark.", path=where)
    name, header = first
    checked = _check_header(header, matcher, required, where, name, what)
    rows = _sheet_rows(workbook, name, path)
    return _make_table(path, name, checked, rows.iterate, offset=rows.offset, texts=False)


def _sheet_guard(path: Path) -> Callable[[str], None]:
    """Refuse sheets too big for calamine's grid; returns the check for a lazily loaded sheet."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                if "content.xml" in names and "xl/workbook.xml" not in names:
                    for sheet, used in ods_used_ranges(archive).items():
                        check_used_range(used, path, sheet)
                    return _no_guard
            return _XlsxGuard(path)
        import olefile  # only for .xls (it loads logging)

        if olefile.isOleFile(str(path)):
            with olefile.OleFileIO(str(path)) as ole:
                stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), "")
                data = ole.openstream(stream).read() if stream else b""
            for sheet, used in xls_used_ranges(data):
                check_used_range(used, path, sheet)
    except InputError:
        raise
    except Exception:  # damaged file: calamine names the damage in its own words
        return _no_guard
    return _no_guard


def _no_guard(sheet: str) -> None:
    return None


@dataclass(frozen=True)
class _XlsxGuard:
    """xlsx/xlsb load one sheet at a time: measure a sheet just before calamine loads it."""

    path: Path

    def __call__(self, sheet: str) -> None:
        try:
            with zipfile.ZipFile(self.path) as archive:
                names = set(archive.namelist())
                binary = "xl/workbook.bin" in names and "xl/workbook.xml" not in names
                parts = xlsb_sheet_parts(archive) if binary else xlsx_sheet_parts(archive)
                measure = xlsb_used_range if binary else xlsx_used_range
                suffix = ".bin" if binary else ".xml"
                part = parts.get(sheet, "")
                # An unmapped sheet: measure every worksheet part rather than none.
                todo = (
                    [part]
                    if part in names
                    else [
                        n
                        for n in sorted(names)
                        if n.startswith("xl/worksheets/") and n.endswith(suffix)
                    ]
                )
                for member in todo:
                    # An export's sheet is proved small in a few C scans; else it is measured.
                    if binary or not xlsx_is_small(archive, member):
                        check_used_range(measure(archive, member), self.path, sheet)
        except InputError:
            raise
        except Exception:  # damaged file: calamine names the damage in its own words
            return


@dataclass(frozen=True)
class _SheetRows:
    sheet: Any
    offset: int
    path: Path
    name: str

    def iterate(self) -> Iterator[tuple[int, Sequence[Any]]]:
        try:
            for index, cells in enumerate(self.sheet.iter_rows()):
                yield index + 1, cells
        except Exception as exc:
            raise InputError(
                f"regnearket kan ikke læses til ende ({_short(exc)}).",
                path=str(self.path),
                sheet=self.name,
            ) from exc


def _sheet_rows(workbook: Any, name: str, path: Path) -> _SheetRows:
    try:
        sheet = workbook.get_sheet_by_name(name)
    except Exception as exc:
        raise InputError(
            f"arket kan ikke læses; filen er beskadiget ({_short(exc)}). Eksportér filen igen.",
            path=str(path),
            sheet=name,
        ) from exc
    start = sheet.start
    return _SheetRows(sheet, start[1] if start else 0, path, name)


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


# --- CSV ---------------------------------------------------------------------------------------


def _detect_encoding(path: Path, head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _text_lines(path: Path, encoding: str) -> Iterator[tuple[int, str]]:
    """Lines of a text file, skipping a PowerShell ``#TYPE`` line; numbers are 1-based.

    A line is read with a length limit, so a 500 MB line is refused after 1 MB.
    """
    errors = "replace" if encoding == "cp1252" else "strict"
    with path.open("r", encoding=encoding, errors=errors, newline="") as handle:
        number = 0
        while line := handle.readline(MAX_ROW_CHARS + 1):
            number += 1
            if len(line) > MAX_ROW_CHARS:
                raise _row_too_long(path, number)
            if number == 1 and line.startswith("#TYPE"):
                continue
            yield number, line


class _RowLimit(Exception):
    """Cause of an InputError for a row over the limits: no other delimiter can help."""


def _row_too_long(path: Path, row: int) -> InputError:
    error = InputError(
        f"rækken fylder over {MAX_ROW_CHARS >> 20} MB tekst, hvilket ingen eksport har "
        "(en kæmpestor celle, eller et anførselstegn der ikke er lukket?). "
        "Tjek, at det er den rigtige fil.",
        path=str(path),
        row=row,
    )
    error.__cause__ = _RowLimit()
    return error


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Generator[tuple[int, Sequence[Any]]]:
    lines = _text_lines(path, encoding)
    current = [0]  # line number of the last line read
    start = [0]  # first line of the record being read (quoted cells may span lines)
    size = [0]  # characters of the record being read

    def feed() -> Iterator[str]:
        for number, line in lines:
            current[0] = number
            start[0] = start[0] or number
            size[0] += len(line)
            if size[0] > MAX_ROW_CHARS:  # one record over many lines (an open quote)
                raise _row_too_long(path, start[0])
            yield line

    reader = csv.reader(feed(), delimiter=delimiter)
    try:
        for cells in reader:
            if len(cells) > MAX_ROW_FIELDS:
                raise InputError(
                    f"rækken har {thousands(len(cells))} felter; højst {thousands(MAX_ROW_FIELDS)} "
                    "kan læses. Tjek, at det er den rigtige fil, og at den er gemt som CSV med "
                    "semikolon.",
                    path=str(path),
                    row=start[0],
                ) from _RowLimit()
            yield start[0], cells
            start[0] = size[0] = 0
    except (csv.Error, UnicodeDecodeError) as exc:
        if isinstance(exc, csv.Error) and "field limit" in str(exc):
            raise InputError(
                f"en celle er større end {csv.field_size_limit() // 1024} KB, hvilket ingen "
                "eksport har. Tjek, at det er den rigtige fil, og at anførselstegn er lukket.",
                path=str(path),
                row=current[0],
            ) from exc
        raise InputError(
            f"CSV-filen kan ikke læses ({_short(exc)}).", path=str(path), row=current[0]
        ) from exc


class _NotPlain(Exception):
    """:func:`_plain_csv_batches` stops: rows starting at ``line`` need :func:`_csv_rows`."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


#: Line breaks str.splitlines knows and a file read with newline="" does not (it breaks at
#: \n, \r and \r\n only): a text holding one is read line by line.
_OTHER_BREAKS: Final = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
#: Characters decoded per batch; below MAX_ROW_CHARS, so only a line carried over from the
#: batch before can be too long.
_TEXT_CHUNK: Final = 1 << 18


#: A row whose last cell ends so was cut at the end of its batch inside quotes: the csv
#: module gives what it has when its lines run out.
_LINE_ENDS: Final = ("\n", "\r")


def _plain_csv_batches(
    path: Path, encoding: str, delimiter: str
) -> Iterator[list[tuple[int, list[str]]]]:
    """The rows of :func:`_csv_rows` for a plain file, a batch of lines parsed in one C call.

    Plain: every row is one line (no quoted line break), no line is over the limits, the
    text decodes and has no other line break. At the first batch that is not,
    :class:`_NotPlain` names the line from which :func:`_csv_rows` must read; every row
    given before is exactly what it would have given (one line each, so the same numbers).
    """
    errors = "replace" if encoding == "cp1252" else "strict"
    done = 0  # lines read as plain rows, a PowerShell #TYPE line included
    try:
        with path.open("r", encoding=encoding, errors=errors, newline="") as handle:
            for lines in _line_batches(handle):
                number = done + 1
                if not done and lines[0].startswith("#TYPE"):
                    del lines[0]  # skipped as _text_lines skips it; numbers count it
                    number, done = 2, 1
                rows = _split_rows(lines, delimiter)
                # As many rows as lines: each row is one line. None may be cut off by the
                # batch's end (see _LINE_ENDS) or be wider than the limit.
                if len(rows) != len(lines) or (
                    rows
                    and (
                        (rows[-1] and rows[-1][-1].endswith(_LINE_ENDS))
                        or max(map(len, rows)) > MAX_ROW_FIELDS
                    )
                ):
                    break
                yield list(zip(range(number, number + len(rows)), rows, strict=True))
                done += len(lines)
            else:
                return
    except (_NotPlain, csv.Error, UnicodeDecodeError, OSError):
        pass
    raise _NotPlain(done + 1)


def _split_rows(lines: list[str], delimiter: str) -> list[list[str]]:
    """The csv module's rows of ``lines``; for lines without a quote (most exports' rows)
    split at the delimiter in C, which is what the csv module makes of them."""
    body = "".join(lines)
    if '"' in body or max(map(len, lines), default=0) > csv.field_size_limit():
        return list(csv.reader(lines, delimiter=delimiter))  # quotes, or its own errors
    # Without a quote no cell can hold the delimiter or a line break; an empty line is no
    # cell at all ([], as the csv module gives it). body has no other line break (see
    # _line_batches), so splitlines() gives the same lines, without their ends.
    return [text.split(delimiter) if text else [] for text in body.splitlines()]


def _line_batches(handle: Any) -> Iterator[list[str]]:
    """The text's lines (ends kept), a batch per chunk read (never empty); :class:`_NotPlain`
    when a line is too long, or another line break than newline="" knows is met."""
    carry = ""  # a line not ended yet (or ended by \r, which a \n may follow)
    while chunk := handle.read(_TEXT_CHUNK):
        text = carry + chunk if carry else chunk
        for other in _OTHER_BREAKS:  # one fast scan each; most are not in the text at all
            if other in text:
                raise _NotPlain(0)
        lines = text.splitlines(keepends=True)
        carry = "" if lines[-1].endswith("\n") else lines.pop()
        if len(carry) > MAX_ROW_CHARS or (lines and max(map(len, lines)) > MAX_ROW_CHARS):
            raise _NotPlain(0)
        if lines:
            yield lines
    if carry:
        yield [carry]


def _open_csv(
    path: Path,
    head: bytes,
    matcher: _HeaderMatcher,
    required: Sequence[Sequence[str]],
    what: str,
) -> Table:
    where = str(path)
    encoding = _detect_encoding(path, head)
    best: tuple[str, _Header | None] | None = None
    failure: InputError | None = None
    for delimiter in _rank_delimiters(_sample_text(path, encoding)):
        rows = _csv_rows(path, encoding, delimiter)
        try:
            header = _find_header(rows, matcher)
        except InputError as exc:
            if isinstance(exc.__cause__, _RowLimit):
                raise
            # A wrong delimiter can turn a wide line into one giant cell: try the next one.
            failure = failure or exc
            continue
        finally:
            rows.close()
        if best is None or (
            header is not None and (best[1] is None or header.match.score > best[1].match.score)
        ):
            best = (delimiter, header)
    if best is None:
        raise failure or InputError(f"{what} har ingen data.", path=where)
    delimiter, header = best
    checked = _check_header(header, matcher, required, where, "", what)

    def raw_rows() -> Iterator[tuple[int, Sequence[Any]]]:
        return _csv_rows(path, encoding, delimiter)

    return _make_table(path, "", checked, raw_rows, texts=True, csv_dialect=(encoding, delimiter))


def _sample_text(path: Path, encoding: str) -> str:
    lines: list[str] = []
    try:
        for _, line in _text_lines(path, encoding):
            lines.append(line)
            if len(lines) >= HEADER_SCAN_ROWS:
                break
    except UnicodeDecodeError as exc:
        raise InputError(f"tegnsættet kan ikke læses ({_short(exc)}).", path=str(path)) from exc
    return "".join(lines)


def _rank_delimiters(text: str) -> list[str]:
    """Candidate delimiters, most frequent in the sample first (ties keep ';' first)."""
    return sorted(_CSV_DELIMITERS, key=lambda d: -text.count(d))
