"""Read everything a run needs and audit it: the library's one-call entry point.

This is where I/O meets the pure core: readers (``sources``) are called here,
``audit.run_audit`` gets only records.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, MutableMapping, Sequence
from pathlib import Path

from telefonspor.audit import run_audit
from telefonspor.edge.parallel_read import can_fork, read_in_two_processes, worth_a_second_process
from telefonspor.gcpause import paused_gc
from telefonspor.model import AuditResult, KlikExport, SourceData
from telefonspor.phones import PhoneEngine
from telefonspor.rules.os2sync_ad import check_chain
from telefonspor.settings import Key, Settings, SourceSpec
from telefonspor.sources import read_source
from telefonspor.sources.klik import read_klik
from telefonspor.systemic import UsableCache, precount

#: ``progress(stage, done, total)``: stage is a Danish label, total None when unknown.
Progress = Callable[[str, int, int | None], None]


def read_inputs(
    klik_path: Path,
    settings: Settings,
    *,
    sources: Sequence[SourceSpec] | None = None,
    progress: Progress | None = None,
    processes: int = 1,
    precounted: dict[str, dict[str, int]] | None = None,
) -> tuple[KlikExport, list[SourceData]]:
    """Read the KLIK export and every system of the chain (files or live).

    ``processes=2`` lets a forked child read some of the chain's files meanwhile (see
    :mod:`telefonspor.edge.parallel_read`); only a process without threads may ask. Each
    process also counts the systems it read for the systemic detectors right after reading
    them (``systemic.precount``): those counts are put in ``precounted``, by kind.
    """

    def klik_progress(rows: int) -> None:
        if progress is not None:
            progress("Læser KLIK-eksport", rows, None)

    def read_klik_export() -> KlikExport:
        return read_klik(
            Path(klik_path),
            overrides=settings.klik_map,
            sheet=settings.get(Key.KLIK_SHEET),
            progress=klik_progress,
        )

    specs = settings.sources if sources is None else sources
    if processes > 1 and can_fork() and worth_a_second_process(specs):
        check_chain((spec.kind for spec in specs), settings)  # before reading anything
        return _read_in_two(read_klik_export, specs, settings, progress, precounted)
    klik = read_klik_export()
    check_chain((spec.kind for spec in specs), settings)  # before reading the chain
    data: list[SourceData] = []
    for number, spec in enumerate(specs, start=1):
        if progress is not None:
            progress("Læser kæden", number - 1, len(specs))
        data.append(read_source(spec, settings, progress=progress))
    if progress is not None and specs:
        progress("Læser kæden", len(specs), len(specs))
    return klik, data


def _read_in_two(
    read_klik_export: Callable[[], KlikExport],
    specs: Sequence[SourceSpec],
    settings: Settings,
    progress: Progress | None,
    precounted: dict[str, dict[str, int]] | None,
) -> tuple[KlikExport, list[SourceData]]:
    """The KLIK export in the parent while the forked child starts on the chain's files."""
    klik: list[KlikExport] = []

    def chain_progress(count: int) -> None:
        if progress is not None:
            progress("Læser kæden", count, len(specs))

    def read_one(spec: SourceSpec) -> SourceData:
        return read_source(spec, settings, progress=progress if spec.live else None)

    kinds = Counter(spec.kind for spec in specs)
    # One per process (the child counts in its copy): the systems share most numbers.
    usable = UsableCache(PhoneEngine(settings.get(Key.AUDIT_PLACEHOLDERS)))

    def count(data: SourceData) -> dict[str, int] | None:
        # A kind is counted over all its systems: only a kind with one system is counted alone.
        return precount(data, settings, usable) if kinds[data.kind] == 1 else None

    if progress is not None:
        progress("Læser kæden", 0, len(specs))
    extras: dict[int, dict[str, int]] = {}
    data = read_in_two_processes(
        specs,
        read_one,
        before_own=lambda: klik.append(read_klik_export()),
        done=chain_progress,
        extra=count if precounted is not None else None,
        extras=extras,
    )
    if precounted is not None:
        precounted.update({data[i].kind: counts for i, counts in extras.items()})
    return klik[0], data


def audit_files(
    klik_path: Path,
    settings: Settings,
    *,
    sources: Sequence[SourceSpec] | None = None,
    progress: Progress | None = None,
    timings: MutableMapping[str, float] | None = None,
    after_read: Callable[[], None] | None = None,
    processes: int = 1,
) -> AuditResult:
    """Read the KLIK export and every system of the chain, then audit.

    ``after_read`` runs between reading and auditing: a one-shot command passes
    ``gc.freeze`` there (see ``cli.app.freeze_inputs``); a long-running process must not,
    as frozen objects are never collected. ``processes=2`` reads the chain's files in two
    processes (see :func:`read_inputs`): only for a process that runs no threads.
    """
    started = time.perf_counter()
    precounted: dict[str, dict[str, int]] = {}
    with paused_gc():  # readers build records without cycles: no collector walks over them
        klik, data = read_inputs(
            klik_path,
            settings,
            sources=sources,
            progress=progress,
            processes=processes,
            precounted=precounted,
        )
    if after_read is not None:
        after_read()
    if timings is not None:
        timings["read"] = timings.get("read", 0.0) + time.perf_counter() - started
    with paused_gc():  # the audit's objects are acyclic: no full collections over them
        return run_audit(klik, data, settings, timings=timings, precounted=precounted)
