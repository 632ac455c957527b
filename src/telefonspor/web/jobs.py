"""Audits started from "Ny kørsel": each runs in a background thread and reports its progress.

A run's reports (resultat.json, rapport.xlsx, rapport.html) and fix files are
kept in its own folder under the data dir; the stored run points to it
(``report_dir``), so the pages that need full detail read resultat.json there.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from telefonspor.errors import InputError, TelefonsporError
from telefonspor.settings import Key, Settings, SourceSpec

log = logging.getLogger("telefonspor.web")

FIX_DIR: Final = "rettelser"


@dataclass
class Job:
    id: str
    started_by: str
    started_at: str
    state: str = "running"  # running | done | failed
    stage: str = "Starter kørslen"
    done: int = 0
    total: int | None = None
    error: str = ""
    run_id: int | None = None

    def as_json(self) -> dict[str, object]:
        percent = None
        if self.total:
            percent = min(100, round(100 * self.done / self.total))
        return {
            "id": self.id,
            "state": self.state,
            "stage": self.stage,
            "done": self.done,
            "total": self.total,
            "percent": percent,
            "error": self.error,
            "run_id": self.run_id,
        }


@dataclass(frozen=True, slots=True)
class AuditRequest:
    """What one run needs: the KLIK export, the chain, where to keep the results."""

    klik: Path
    settings: Settings
    sources: Sequence[SourceSpec]
    db_url: str
    report_dir: Path
    cleanup: Callable[[], None] = field(default=lambda: None)
    #: save even when role holders dropped below half of the previous run (a likely wrong file)
    accept_drop: bool = False


Work = Callable[[Job], int]


class Jobs:
    """The running and recent jobs of this process."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, work: Work, started_by: str) -> Job:
        job = Job(uuid.uuid4().hex, started_by, datetime.now(UTC).isoformat(timespec="seconds"))
        with self._lock:
            self._jobs[job.id] = job
        thread = threading.Thread(
            target=_run, args=(job, work), name=f"telefonspor-job-{job.id[:8]}", daemon=True
        )
        thread.start()
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)


def _run(job: Job, work: Work) -> None:
    try:
        job.run_id = work(job)
        job.stage = "Færdig"
        job.state = "done"
    except TelefonsporError as exc:
        job.error = str(exc)
        job.state = "failed"
    except Exception:  # a background thread has no caller to hand an error to
        log.exception("Kørsel %s fejlede", job.id)
        job.error = "Kørslen stoppede med en uventet fejl. Serverens log har detaljerne."
        job.state = "failed"


def audit_work(request: AuditRequest) -> Work:
    """The job that audits, stores the run and writes its reports and fix files."""

    def work(job: Job) -> int:
        try:
            return _audit(job, request)
        finally:
            request.cleanup()

    return work


def _audit(job: Job, request: AuditRequest) -> int:
    from telefonspor.edge.run import audit_files
    from telefonspor.fixfiles import write_fix_files
    from telefonspor.reports import write_reports
    from telefonspor.store import Store, key_options
    from telefonspor.store.plausible import likely_wrong_file

    def progress(stage: str, done: int, total: int | None) -> None:
        job.stage, job.done, job.total = stage, done, total

    started = datetime.now(UTC)
    result = audit_files(request.klik, request.settings, sources=request.sources, progress=progress)
    progress("Gemmer kørslen", 0, None)
    with Store.open(request.db_url, **key_options(request.settings)) as store:
        warning = likely_wrong_file(store.latest(), result.summary.role_holders)
        if warning and not request.accept_drop:
            raise InputError(
                f"{warning} Kørslen er ikke gemt. Er filen rigtig, så start kørslen igen med "
                "»Gem, selvom antallet af rolleindehavere er faldet kraftigt« slået til."
            )
        run_id = store.save_run(
            result,
            started_at=started,
            finished_at=datetime.now(UTC),
            keep_names=request.settings.get(Key.STORE_KEEP_NAMES),
            report_dir=str(request.report_dir),
        )
        context = store.report_context(run_id)
    progress("Skriver rapporter", 0, None)
    write_reports(result, request.report_dir, context=context)
    write_fix_files(
        result,
        request.report_dir / FIX_DIR,
        decisions=context.decisions,
        settings=request.settings,
    )
    log.info("Kørsel %s gemt som nr. %s", job.id, run_id)
    return run_id
