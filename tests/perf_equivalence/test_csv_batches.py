"""CSV rows in batches (issue 15, round 3) give exactly what the line-by-line reader gives.

``Table.field_texts`` reads a CSV file's lines in batches, splitting quote-free lines at the
delimiter and parsing the others with one csv call per batch; from the first batch it cannot
vouch for (a quoted line break, a line over the limits, another line break, NUL, a bad byte)
the line-by-line reader reads on. The reference is that reader alone (``_csv = None``).
Small batches, limits and field limits make every boundary and fallback happen in small files.
"""

from __future__ import annotations

import csv
import dataclasses
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from telefonspor.errors import InputError
from telefonspor.sources import tabular
from telefonspor.sources.tabular import open_table

_FIELDS = {"a": ("a",), "b": ("b",), "c": ("c",)}
#: Pieces of a line: cells, delimiters, quotes, every line break newline="" knows and the
#: ones it does not, NUL, letters cp1252 has and one it has not.
_PIECES = st.sampled_from(
    [
        *("x", " y ", "æø", ";", ",", "\t", '"', '""', '"q;r"'),
        *("\n", "\r", "\r\n", "\x0b", "\x85", "\u2028", "\x00", "€", "Ω", " "),
    ]
)
_LINES = st.lists(st.lists(_PIECES, max_size=8).map("".join), max_size=8)


@contextmanager
def _small(chunk: int, row_chars: int, row_fields: int, field_limit: int) -> Iterator[None]:
    old = csv.field_size_limit(field_limit)
    try:
        with (
            mock.patch.object(tabular, "_TEXT_CHUNK", chunk),
            mock.patch.object(tabular, "MAX_ROW_CHARS", row_chars),
            mock.patch.object(tabular, "MAX_ROW_FIELDS", row_fields),
        ):
            yield
    finally:
        csv.field_size_limit(old)


def _outcome(path: Path, *, batched: bool) -> object:
    try:
        table = open_table(path, _FIELDS)
        if not batched:
            table = dataclasses.replace(table, _csv=None)
        return list(table.field_texts(["c", "a", "missing", "b"]))
    except InputError as exc:
        return str(exc)


@example(["#TYPE x", "1;2;3", '"4\n5";6', "7;8;9"], "utf-8-sig", ";", 4, 99, 9, 99)
@example(["1;2\r", "\n3;4", "", "5"], "utf-8", ";", 3, 99, 9, 99)
@example(["1;2;3" * 9, "4"], "cp1252", ";", 16, 20, 9, 99)
@example(['"1,2",3', "x,y,z,w,v"], "utf-8", ",", 64, 99, 4, 6)
@example(["1;2;3", '"4\n5";6', "7;8;9", "x"], "utf-8", ";", 1 << 18, 1 << 20, 16384, 131072)
@example(["1;2;3", "abcdefgh;2;3", "x"], "utf-8", ";", 1 << 18, 1 << 20, 16384, 5)
@example(["1;2;3", "4;5;6;7", "8"], "utf-8", ";", 1 << 18, 1 << 20, 3, 131072)
@example(["1;2;3", "4;5;6" * 9, "8"], "utf-8", ";", 1 << 18, 40, 16384, 131072)
@given(
    lines=_LINES,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    delimiter=st.sampled_from([";", ",", "\t"]),
    chunk=st.sampled_from([1, 3, 8, 64, 1 << 18]),
    row_chars=st.sampled_from([12, 40, 1 << 20]),
    row_fields=st.sampled_from([3, 16384]),
    field_limit=st.sampled_from([5, 131072]),
)
def test_batched_rows_equal_the_line_by_line_reader(
    lines: list[str],
    encoding: str,
    delimiter: str,
    chunk: int,
    row_chars: int,
    row_fields: int,
    field_limit: int,
) -> None:
    # The header is looked for in the first 30 rows (line by line): the lines under test
    # come after plain rows, so what the batches make of them is what counts.
    head = [delimiter.join("abc")] + [delimiter.join("fgh")] * tabular.HEADER_SCAN_ROWS
    if lines and lines[0] == "#TYPE x":
        head.insert(0, lines.pop(0))
    text = "\n".join(head + lines)
    data = text.encode(encoding, errors="replace")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.csv"
        path.write_bytes(data)
        with _small(chunk, row_chars, row_fields, field_limit):
            assert _outcome(path, batched=True) == _outcome(path, batched=False)


def test_a_bad_byte_after_plain_batches_is_named_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"a;b;c\n" + b"1;2;3\n" * 50 + b"4;\xff;6\n7;8;9\n")
    with _small(16, 1 << 20, 16384, 131072):
        batched = _outcome(path, batched=True)
    assert batched == _outcome(path, batched=False)
    assert isinstance(batched, list) and len(batched) == 52  # cp1252 read: \xff is a letter


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_user_made_csv_takes_the_batched_path(tmp_path: Path, encoding: str) -> None:
    """A ; file from Excel (cp1252 or UTF-8 with BOM, CRLF) is read in batches to the end."""
    path = tmp_path / "data.csv"
    rows = ["a;b;c", "Søren;33 12 34 56;x", "Åse; ;", "", ";;", "Ib;1;2"]
    path.write_bytes("\r\n".join(rows).encode(encoding))
    table = open_table(path, _FIELDS)
    assert table._csv is not None
    batches = list(tabular._plain_csv_batches(path, *table._csv))  # no _NotPlain
    assert [number for batch in batches for number, _ in batch] == [1, 2, 3, 4, 5, 6]
    assert list(table.field_texts(["a", "c"])) == [
        (2, ("Søren", "x")),
        (3, ("Åse", "")),
        (6, ("Ib", "2")),
    ]
