"""The national overview: coverage statements and a map of all 98 municipalities (issue 8).

Library entry points (the CLI and the web app's *Landsoversigt* page use these)::

    overview = build_overview([Path("erklaering.json"), Path("klik-alle.xlsx")])
    paths = write_overview(overview, Path("ud"))
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from telefonspor.national.municipalities import (
    BY_CODE,
    MUNICIPALITIES,
    REGIONS,
    Municipality,
    Region,
    match_municipality,
)
from telefonspor.national.overview import (
    Entry,
    Overview,
    Totals,
    Unmatched,
    build_overview,
    combine,
)
from telefonspor.national.statement import STATEMENT_SCHEMA, Statement

#: File names written by :func:`write_overview`, in this order.
OUTPUT_NAMES: Final = ("landsoversigt.html", "landsoversigt.xlsx", "landsoversigt.json")


def write_overview(overview: Overview, out_dir: Path) -> list[Path]:
    """Write the HTML map, the workbook and the JSON into ``out_dir``; return their paths."""
    from telefonspor.national import excel, html, jsonout
    from telefonspor.reports.atomic import write_text_atomic

    folder = Path(out_dir)
    html_path, xlsx_path, json_path = (folder / name for name in OUTPUT_NAMES)
    html.write_html(overview, html_path)
    excel.write_excel(overview, xlsx_path)
    write_text_atomic(json_path, jsonout.dumps(overview))
    return [html_path, xlsx_path, json_path]


__all__ = [
    "BY_CODE",
    "MUNICIPALITIES",
    "OUTPUT_NAMES",
    "REGIONS",
    "STATEMENT_SCHEMA",
    "Entry",
    "Municipality",
    "Overview",
    "Region",
    "Statement",
    "Totals",
    "Unmatched",
    "build_overview",
    "combine",
    "match_municipality",
    "write_overview",
]
