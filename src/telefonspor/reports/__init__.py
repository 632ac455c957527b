"""The reports: rapport.xlsx, rapport.html and resultat.json from one AuditResult.

Each writer is atomic (a temporary name, then a rename), so a crash never
leaves a partial report under the final name.
"""

from __future__ import annotations

import time
from collections.abc import Callable, MutableMapping, Sequence
from functools import partial
from pathlib import Path
from typing import Final, TypeVar

from telefonspor.errors import InputError
from telefonspor.forking import Beside, can_fork
from telefonspor.model import AuditResult, ReportContext
from telefonspor.reports.excel import write_excel
from telefonspor.reports.html import write_html
from telefonspor.reports.jsonout import to_json, write_json

__all__ = ["FILE_NAMES", "to_json", "write_excel", "write_html", "write_json", "write_reports"]

R = TypeVar("R")

#: Format -> file name inside the output folder (DESIGN.md contract).
FILE_NAMES: Final = {"xlsx": "rapport.xlsx", "html": "rapport.html", "json": "resultat.json"}

_WRITERS: Final[dict[str, Callable[[AuditResult, Path, ReportContext | None], object]]] = {
    "xlsx": write_excel,
    "html": write_html,
    "json": write_json,
}

#: From this many role holders on, ``processes=2`` writes resultat.json in a forked child
#: while the parent writes the other two (below it, the three take well under a second).
PARALLEL_FROM_HOLDERS: Final = 50_000


def write_reports(
    result: AuditResult,
    out_dir: Path,
    *,
    context: ReportContext | None = None,
    formats: Sequence[str] = ("xlsx", "html", "json"),
    processes: int = 1,
    timings: MutableMapping[str, float] | None = None,
) -> list[Path]:
    """Write the chosen reports into ``out_dir`` (created if needed); return their paths.

    ``processes=2`` (command line only: never in a process that runs threads) writes
    resultat.json in a forked child meanwhile, for results of ``PARALLEL_FROM_HOLDERS``
    holders or more. ``timings`` gets each report's seconds as ``report_<format>``; for the
    child's report, how long the parent waited for it after its own.
    """
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
    paths = {fmt: out_dir / FILE_NAMES[fmt] for fmt in formats}
    beside = "json" if "json" in paths and len(paths) > 1 else None
    child: Beside | None = None
    if (
        beside is not None
        and processes > 1
        and len(result.holders) >= PARALLEL_FROM_HOLDERS
        and can_fork()
    ):
        out_dir.mkdir(parents=True, exist_ok=True)  # before the fork: no race to make it
        child = Beside(lambda: _WRITERS["json"](result, paths["json"], context))
    try:
        for fmt, path in paths.items():
            if child is None or fmt != beside:
                _timed(fmt, timings, partial(_WRITERS[fmt], result, path, context))
    except BaseException:
        if child is not None:
            child.stop()
        raise
    if child is not None and not _timed("json", timings, child.succeeded):
        # It failed (or was killed): write it here, so its error is raised from here.
        _WRITERS["json"](result, paths["json"], context)
    return list(paths.values())


def _timed(fmt: str, timings: MutableMapping[str, float] | None, work: Callable[[], R]) -> R:
    started = time.perf_counter()
    try:
        return work()
    finally:
        if timings is not None:
            timings[f"report_{fmt}"] = time.perf_counter() - started
