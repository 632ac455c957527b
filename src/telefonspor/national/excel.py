"""landsoversigt.xlsx: the overview as sheets (xlsxwriter).

Every text cell is written with ``write_string``; text that a spreadsheet
would read as a formula (a file or municipality name from an input starting
with ``=``, ``+``, ``-``, ``@``) also gets Excel's quote prefix, so it stays text.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException

from telefonspor.errors import InputError
from telefonspor.model import CAUSE_CODES
from telefonspor.national.jsonout import ordered
from telefonspor.national.overview import Overview, Totals
from telefonspor.reports.atomic import atomic_path
from telefonspor.reports.safe import is_formula_like
from telefonspor.texts import cause_label

Cell = str | int | float | None


class _Sheets:
    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self.header = wb.add_format(
            {"bold": True, "bg_color": "#2A788E", "font_color": "#FFFFFF", "text_wrap": True}
        )
        self.quoted = wb.add_format({"quote_prefix": True})
        self.pct = wb.add_format({"num_format": "0.0"})

    def table(
        self,
        name: str,
        headers: Sequence[str],
        rows: Sequence[Sequence[Cell]],
        widths: Sequence[int],
        pct_columns: Sequence[int] = (),
    ) -> None:
        ws = self.wb.add_worksheet(name)
        for col, (text, width) in enumerate(zip(headers, widths, strict=True)):
            ws.write_string(0, col, text, self.header)
            ws.set_column(col, col, width)
        for r, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                self.cell(ws, r, col, value, self.pct if col in pct_columns else None)
        ws.freeze_panes(1, 0)
        if rows:
            ws.autofilter(0, 0, len(rows), len(headers) - 1)

    def cell(self, ws: Any, row: int, col: int, value: Cell, fmt: Any) -> None:
        if value is None or value == "":
            return
        if isinstance(value, int | float):
            ws.write_number(row, col, value, fmt)
        else:
            ws.write_string(row, col, value, self.quoted if is_formula_like(value) else fmt)


def write_excel(overview: Overview, path: Path) -> Path:
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(
            str(tmp),
            {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
        )
        _fill(_Sheets(wb), overview)
        try:
            wb.close()
        except (OSError, XlsxWriterException) as exc:
            raise InputError(f"Kan ikke skrive regnearket ({exc}).", path=str(path)) from exc
    return path


def _fill(sheets: _Sheets, overview: Overview) -> None:
    sheets.table(
        "Kommuner",
        [
            "Kode",
            "Kommune",
            "Region",
            "Nr.",
            "Dækning (roller) %",
            "Roller",
            "Roller med nummer",
            "Rolleindehavere",
            "Rolleindehavere med nummer",
            "Dækning (rolleindehavere) %",
            "Opgjort",
            "Forrige dækning %",
            "Forrige opgørelse",
            "Ændring (procentpoint)",
        ],
        [
            [
                e.municipality.code,
                e.municipality.name,
                e.municipality.region.name,
                overview.rank_of(e),
                e.coverage_pct,
                c.roles if c else None,
                c.roles_covered if c else None,
                c.role_holders if c else None,
                c.covered_holders if c else None,
                c.holder_coverage_pct if c else None,
                c.date if c else "ingen data",
                e.previous_coverage_pct,
                e.previous.date if e.previous else None,
                e.change,
            ]
            for e in overview.ranking()
            for c in [e.current if e.has_data else None]
        ],
        [7, 20, 20, 6, 12, 10, 12, 12, 14, 14, 12, 12, 14, 14],
        pct_columns=(4, 9, 11, 13),
    )
    sheets.table(
        "Regioner",
        ["Region", "Kommuner", "Kommuner med data", "Roller", "Roller med nummer", "Dækning %"],
        [_totals_row(t) for t in (*overview.regions, overview.national)],
        [22, 10, 12, 12, 14, 12],
        pct_columns=(5,),
    )
    causes = ordered(overview.national.causes, CAUSE_CODES)
    sheets.table(
        "Årsager",
        ["Kode", "Årsag", "Rolleindehavere"],
        [[code, cause_label(code) or code, count] for code, count in causes.items()],
        [22, 50, 14],
    )
    sheets.table(
        "Ikke genkendt",
        ["Fil", "Kommune som skrevet", "Brugere", "Besked"],
        [[u.input, u.name, u.users or None, u.message] for u in overview.unmatched],
        [30, 30, 10, 80],
    )


def _totals_row(t: Totals) -> list[Cell]:
    return [t.name, t.municipalities, t.with_data, t.roles, t.roles_covered, t.coverage_pct]
