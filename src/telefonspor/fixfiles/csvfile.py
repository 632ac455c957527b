"""CSV output for spreadsheets: ';', UTF-8 with BOM (Excel reads æøå), formula-safe cells."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from telefonspor.reports.safe import csv_safe as safe_cell


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
    return buffer.getvalue().encode("utf-8-sig")
