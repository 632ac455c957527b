"""Audits started from "Ny kørsel": each runs in a background thread and reports its progress.

The run itself is ``runs.make_run``, as for the command line: its reports
(resultat.json, rapport.xlsx, rapport.html) and fix files are kept in its own
folder under the data dir; the stored run points to it (``report_dir``), so the
pages that need full detail read resultat.json there.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from telefonspor.errors import InputError, TelefonsporError, redacted_traceback
from telefonspor.settings import Settings, SourceSpec

log = logging.getLogger("telefonspor.web")


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
    except Exception as exc:  # a background thread has no caller to hand an error to
        log.error("Kørsel %s fejlede\n%s", job.id, redacted_traceback(exc))
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
    from telefonspor.runs import make_run

    def progress(stage: str, done: int, total: int | None) -> None:
        job.stage, job.done, job.total = stage, done, total

    # No after_read=gc.freeze here: frozen objects are never freed, and this process lives on.
    made = make_run(
        request.klik,
        request.settings,
        request.report_dir,
        sources=request.sources,
        save=True,
        db_url=request.db_url,
        accept_drop=request.accept_drop,
        reports_when_held_back=False,
        progress=progress,
    )
    if made.held_back or made.run_id is None:
        raise InputError(
            f"{made.held_back} Kørslen er ikke gemt. Er filen rigtig, så start kørslen igen med "
            "»Gem, selvom antallet af rolleindehavere er faldet kraftigt« slået til."
        )
    log.info("Kørsel %s gemt som nr. %s", job.id, made.run_id)
    return made.run_id
