"""The reports: rapport.xlsx, rapport.html and resultat.json from one AuditResult.

Each writer is atomic (a temporary name, then a rename), so a crash never
leaves a partial report under the final name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

from telefonspor.errors import InputError
from telefonspor.model import AuditResult, ReportContext
from telefonspor.reports.excel import write_excel
from telefonspor.reports.html import write_html
from telefonspor.reports.jsonout import to_json, write_json

__all__ = ["FILE_NAMES", "to_json", "write_excel", "write_html", "write_json", "write_reports"]

#: Format -> file name inside the output folder (DESIGN.md contract).
FILE_NAMES: Final = {"xlsx": "rapport.xlsx", "html": "rapport.html", "json": "resultat.json"}

_WRITERS: Final[dict[str, Callable[[AuditResult, Path, ReportContext | None], object]]] = {
    "xlsx": write_excel,
    "html": write_html,
    "json": write_json,
}


def write_reports(
    result: AuditResult,
    out_dir: Path,
    *,
    context: ReportContext | None = None,
    formats: Sequence[str] = ("xlsx", "html", "json"),
) -> list[Path]:
    """Write the chosen reports into ``out_dir`` (created if needed); return their paths."""
    unknown = [f for f in formats if f not in _WRITERS]
    if unknown:
        raise InputError(
            f"Ukendt rapportformat: {', '.join(unknown)}. Vælg blandt: {', '.join(_WRITERS)}."
        )
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(
            "Stien findes, men er ikke en mappe. Angiv en mappe til rapporterne.", path=str(out_dir)
        )
    paths = []
    for fmt in formats:
        path = out_dir / FILE_NAMES[fmt]
        _WRITERS[fmt](result, path, context)
        paths.append(path)
    return paths
