"""``rollemigrering.xlsx`` and ``rollemigrering.csv``: the old KLIK users' roles to move (issue 18).

One row per ``legacy_klik_user`` holder, in :func:`telefonspor.twins.migration_rows`
order: roles only old users hold first (they vanish with the old user), then the
moves that close the most roles. The XLSX writes every value as a string with
Excel's quote prefix (never a formula); the CSV escapes formula-like cells.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Final

import xlsxwriter

from telefonspor.fixfiles.csvfile import csv_bytes
from telefonspor.model import HolderResult
from telefonspor.twins import MATCHED_BY_DA, MigrationRow, migration_rows

CSV_NAME: Final = "rollemigrering.csv"
XLSX_NAME: Final = "rollemigrering.xlsx"

HEADER: Final = (
    "Gammel KLIK-bruger",
    "Navn",
    "Enhed",
    "Kommune",
    "FK-ORG-bruger (tvilling)",
    "Fundet på",
    "Sikkerhed",
    "Roller der skal flyttes",
    "Antal roller",
    "Roller kun gamle brugere har",
    "Nummer efter flytning",
    "Direkte nummer (tvilling)",
    "Mobil nummer (tvilling)",
    "Handling",
)
#: Danish words for the rows' outcome after the move.
_COVERED_DA: Final = {
    "move": "Ja",
    "move_no_number": "Nej – tvillingen har intet brugbart nummer",
    "ambiguous": "Uafklaret – flere mulige FK-ORG-brugere",
    "create": "Nej – ingen FK-ORG-bruger fundet",
}
_CONFIDENCE_DA: Final = {"probable": "sandsynlig", "possible": "mulig", "ambiguous": "flertydig"}
_EPOCH: Final = datetime(2000, 1, 1)
_WIDTHS: Final = (18, 26, 22, 10, 26, 20, 12, 50, 12, 40, 34, 18, 18, 90)


def cells(row: MigrationRow) -> list[str]:
    """The row as text cells, in HEADER order."""
    h, twin = row.holder, row.twin
    if twin is None:
        twin_cell, how, confidence = "", "", ""
    elif twin.candidates:
        twin_cell = ", ".join(twin.candidates)
        how, confidence = MATCHED_BY_DA[twin.matched_by], _CONFIDENCE_DA.get(twin.confidence, "")
    else:
        twin_cell = twin.user_id
        how, confidence = MATCHED_BY_DA[twin.matched_by], _CONFIDENCE_DA.get(twin.confidence, "")
    return [
        h.user_id,
        h.name,
        h.unit,
        h.municipality,
        twin_cell,
        how,
        confidence,
        ", ".join(h.roles),
        str(len(h.roles)),
        ", ".join(h.sole_roles),
        _COVERED_DA[row.kind],
        twin.direct if twin else "",
        twin.mobile if twin else "",
        h.action,
    ]


def migration_csv(rows: Sequence[MigrationRow]) -> bytes:
    return csv_bytes(HEADER, (cells(r) for r in rows))


def migration_xlsx(rows: Sequence[MigrationRow]) -> bytes:
    """A small workbook (one sheet, frozen header, filter); deterministic bytes."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    # A fixed creation date: two runs on the same result give the same file.
    book.set_properties({"title": "Rollemigrering", "created": _EPOCH})
    sheet = book.add_worksheet("Rollemigrering")
    header = book.add_format({"bold": True, "bg_color": "#1A1A6C", "font_color": "#FFFFFF"})
    text = book.add_format({"quote_prefix": True, "text_wrap": False})
    flagged = book.add_format({"quote_prefix": True, "bg_color": "#FCE4D6"})
    for col, (title, width) in enumerate(zip(HEADER, _WIDTHS, strict=True)):
        sheet.write_string(0, col, title, header)
        sheet.set_column(col, col, width)
    for number, row in enumerate(rows, start=1):
        style = flagged if row.holder.sole_roles else text
        for col, value in enumerate(cells(row)):
            if col == 8:
                sheet.write_number(number, col, len(row.holder.roles))
            else:
                sheet.write_string(number, col, value, style)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, max(len(rows), 1), len(HEADER) - 1)
    book.close()
    return buffer.getvalue()


def migration_files(holders: Iterable[HolderResult]) -> dict[str, bytes]:
    """Both files, or nothing when the run has no old KLIK users."""
    rows = migration_rows(holders)
    if not rows:
        return {}
    return {XLSX_NAME: migration_xlsx(rows), CSV_NAME: migration_csv(rows)}
