"""Read everything a run needs and audit it: the library's one-call entry point.

This is where I/O meets the pure core: readers (``sources``) are called here,
``audit.run_audit`` gets only records.
"""

from __future__ import annotations

import time
from collections.abc import Callable, MutableMapping, Sequence
from pathlib import Path

from telefonspor.audit import run_audit
from telefonspor.gcpause import paused_gc
from telefonspor.model import AuditResult, KlikExport, SourceData
from telefonspor.rules.os2sync_ad import check_chain
from telefonspor.settings import Key, Settings, SourceSpec
from telefonspor.sources import read_source
from telefonspor.sources.klik import read_klik

#: ``progress(stage, done, total)``: stage is a Danish label, total None when unknown.
Progress = Callable[[str, int, int | None], None]


def read_inputs(
    klik_path: Path,
    settings: Settings,
    *,
    sources: Sequence[SourceSpec] | None = None,
    progress: Progress | None = None,
) -> tuple[KlikExport, list[SourceData]]:
    """Read the KLIK export and every system of the chain (files or live)."""

    def klik_progress(rows: int) -> None:
        if progress is not None:
            progress("Læser KLIK-eksport", rows, None)

    klik = read_klik(
        Path(klik_path),
        overrides=settings.klik_map,
        sheet=settings.get(Key.KLIK_SHEET),
        progress=klik_progress,
    )
    specs = settings.sources if sources is None else sources
    check_chain((spec.kind for spec in specs), settings)  # before reading anything
    data: list[SourceData] = []
    for number, spec in enumerate(specs, start=1):
        if progress is not None:
            progress("Læser kæden", number - 1, len(specs))
        data.append(read_source(spec, settings, progress=progress))
    if progress is not None and specs:
        progress("Læser kæden", len(specs), len(specs))
    return klik, data


def audit_files(
    klik_path: Path,
    settings: Settings,
    *,
    sources: Sequence[SourceSpec] | None = None,
    progress: Progress | None = None,
    timings: MutableMapping[str, float] | None = None,
    after_read: Callable[[], None] | None = None,
) -> AuditResult:
    """Read the KLIK export and every system of the chain, then audit.

    ``after_read`` runs between reading and auditing: a one-shot command passes
    ``gc.freeze`` there (see ``cli.app.freeze_inputs``); a long-running process must not,
    as frozen objects are never collected.
    """
    started = time.perf_counter()
    with paused_gc():  # readers build records without cycles: no collector walks over them
        klik, data = read_inputs(klik_path, settings, sources=sources, progress=progress)
    if after_read is not None:
        after_read()
    if timings is not None:
        timings["read"] = timings.get("read", 0.0) + time.perf_counter() - started
    with paused_gc():  # the audit's objects are acyclic: no full collections over them
        return run_audit(klik, data, settings, timings=timings)
