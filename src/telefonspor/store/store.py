"""The run history: one class over SQLAlchemy Core, SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

import hmac
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final

import sqlalchemy as sa
from alembic.util.exc import CommandError
from sqlalchemy.exc import SQLAlchemyError

from telefonspor.errors import InputError, StoreError
from telefonspor.model import (
    AuditResult,
    CauseChange,
    Changes,
    Decision,
    HolderResult,
    ReportContext,
    TaskStep,
    TrendPoint,
)
from telefonspor.private import make_private_dir
from telefonspor.settings import Key, Settings
from telefonspor.store import migrate, schema, task
from telefonspor.store.backup import backup_sqlite
from telefonspor.store.hashing import mask, phone_hash
from telefonspor.store.key import (
    CHECK_ROW,
    DEFAULT_ENV,
    KeySource,
    key_check,
    missing_key_message,
    missing_place_message,
    new_key,
    wrong_key_message,
)
from telefonspor.store.kombit_message import TaskFacts
from telefonspor.store.records import (
    NotificationLog,
    RunInfo,
    SourceStatus,
    StoredHolder,
    StoredInput,
)

if TYPE_CHECKING:
    from telefonspor.store.selfservice import SelfService

DECISIONS: Final = ("fix", "accept")
_CHUNK: Final = 2000  # holder rows per INSERT round trip


def iso(moment: datetime) -> str:
    """UTC ISO 8601 to the second; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def engine_url(url: str) -> sa.URL:
    """Parse ``url``; a PostgreSQL URL without a driver uses psycopg 3 (the one we ship)."""
    try:
        parsed = sa.make_url(url.replace("postgres://", "postgresql://", 1))
    except sa.exc.ArgumentError as exc:
        raise StoreError(
            f"'{url}' er ikke en gyldig database-URL. Skriv sqlite:///sti/til/fil.db "
            "eller postgresql://bruger@vært/database."
        ) from exc
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise StoreError(
            f"Databasetypen '{parsed.get_backend_name()}' understøttes ikke; brug sqlite:/// "
            "eller postgresql://."
        )
    return parsed


def _sqlite_file(url: sa.URL) -> Path | None:
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in {"", ":memory:"}:
        return None
    return Path(database)


def key_source(url: sa.URL, key_file: str = "", key_env: str = DEFAULT_ENV) -> KeySource:
    """Where the phone-hash key of the database at ``url`` lives (see ``store.key``)."""
    db_file = _sqlite_file(url)
    if key_file:
        return KeySource(key_env, Path(key_file))
    if db_file is not None:
        return KeySource(key_env, db_file.with_name(db_file.name + ".key"))
    return KeySource(key_env, None, ephemeral=url.get_backend_name() == "sqlite")


def _prepare_sqlite_file(path: Path) -> bool:
    """Create the folder (0700) and an empty file with mode 0600; True if it held data already."""
    try:
        make_private_dir(path.parent)
        if path.exists():
            return path.stat().st_size > 0
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
    except OSError as exc:
        raise StoreError(f"Databasefilen {path} kan ikke oprettes ({exc}).") from exc
    return False


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")  # wait for another writer instead of failing
    cursor.close()


class Store:
    """The run history of one database. Open with :meth:`open`; close or use ``with``."""

    def __init__(self, engine: sa.Engine, label: str, key: str) -> None:
        self._engine = engine
        self.label = label  # for messages: the URL without password
        self._key = key

    # --- opening -----------------------------------------------------------------

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        """Open the store of ``store.db`` with the key of ``store.key_file`` / ``store.key_env``."""
        return cls.open(settings.db_url(), **key_options(settings))

    @classmethod
    def open(cls, url: str, *, key_file: str = "", key_env: str = DEFAULT_ENV) -> Store:
        """Open (and create) the database and bring its schema up to date.

        An existing SQLite file is copied to ``<file>.bak-<revision>-<timestamp>``
        before any migration touches it. The phone-hash key is read from ``key_env``
        or ``key_file`` (default for SQLite: ``<file>.key``), made on first use, and
        refused when it is missing or does not match the stored check value.
        """
        parsed = engine_url(url)
        label = parsed.render_as_string(hide_password=True)
        source = key_source(parsed, key_file, key_env)
        if source.file is None and not source.ephemeral and source.read() is None:
            raise StoreError(missing_place_message(key_env))
        db_file = _sqlite_file(parsed)
        had_data = _prepare_sqlite_file(db_file) if db_file is not None else False
        engine: sa.Engine | None = None
        try:
            engine = sa.create_engine(parsed)
            key = _open(engine, parsed, db_file if had_data else None, source)
        except BaseException as exc:
            if engine is not None:
                engine.dispose()  # a refused database keeps no connection open
            if isinstance(exc, CommandError):
                raise StoreError(
                    f"Databasen {label} har et skema, som denne version af telefonspor ikke "
                    f"kender ({exc}). Opdatér telefonspor."
                ) from exc
            if isinstance(exc, SQLAlchemyError):
                raise StoreError(f"Databasen {label} kan ikke åbnes ({_short(exc)}).") from exc
            raise
        return cls(engine, label, key)

    def close(self) -> None:
        self._engine.dispose()

    def selfservice(self) -> SelfService:
        """The self-service links, submissions and write log (``store.selfservice``)."""
        from telefonspor.store.selfservice import SelfService

        return SelfService(self._engine, self._key, self.label)

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _guard(self, doing: str) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as exc:
            raise StoreError(
                f"Historikken i {self.label} kunne ikke {doing} ({_short(exc)})."
            ) from exc

    # --- runs ----------------------------------------------------------------------

    def save_run(
        self,
        result: AuditResult,
        *,
        started_at: datetime,
        finished_at: datetime,
        keep_names: bool = False,
        report_dir: str = "",
    ) -> int:
        """Store one run in ONE transaction (all or nothing) and return its id."""
        s = result.summary
        sources = [
            {
                "kind": src.kind,
                "position": src.position,
                "origin": src.origin,
                "complete": src.complete,
                "records": len(src.records),
                "notes": list(src.notes),
            }
            for src in result.sources
        ]
        run_row = {
            "started_at": iso(started_at),
            "finished_at": iso(finished_at),
            "generated_at": result.generated_at,
            "roles": s.roles,
            "roles_covered": s.roles_covered,
            "role_holders": s.role_holders,
            "covered_holders": s.covered_holders,
            "direct_reach_holders": s.direct_reach_holders,
            "coverage_pct": s.coverage_pct,
            "causes": _dumps(dict(s.causes)),
            "findings": _dumps(dict(s.findings)),
            "sources": _dumps(sources),
            "names_kept": keep_names,
            "report_dir": report_dir,
        }
        with self._guard("gemme kørslen; intet er gemt"), self._engine.begin() as conn:
            run_id: int | None = conn.scalar(
                sa.insert(schema.runs).values(run_row).returning(schema.runs.c.id)
            )
            if run_id is None:  # RETURNING always yields the id; keeps the type checker honest
                raise StoreError(f"Historikken i {self.label} gav ikke kørslen et nummer.")
            inputs = [
                {"run_id": run_id, "name": f.path, "kind": f.kind, "sha256": f.sha256}
                for f in _input_files(result)
            ]
            if inputs:
                conn.execute(sa.insert(schema.run_inputs), inputs)
            rows = [self._holder_row(run_id, h, keep_names) for h in result.holders]
            for start in range(0, len(rows), _CHUNK):
                conn.execute(sa.insert(schema.run_holders), rows[start : start + _CHUNK])
        return run_id

    def delete_run(self, run_id: int) -> RunInfo:
        """Remove one run (a wrong upload) in one transaction; decisions and the task stay."""
        run = self.run(run_id)
        with self._guard("slette kørslen; intet er slettet"), self._engine.begin() as conn:
            conn.execute(sa.delete(schema.run_holders).where(schema.run_holders.c.run_id == run_id))
            conn.execute(sa.delete(schema.run_inputs).where(schema.run_inputs.c.run_id == run_id))
            conn.execute(sa.delete(schema.runs).where(schema.runs.c.id == run_id))
        return run

    def _holder_row(self, run_id: int, h: HolderResult, keep_names: bool) -> dict[str, Any]:
        return {
            "run_id": run_id,
            "user_id": h.user_id,
            "name": h.name if keep_names else "",
            "covered": h.covered,
            "cause": h.cause or "",
            "rule": h.rule,
            "responsible": h.responsible,
            "roles": _dumps(list(h.roles)),
            "direct_hash": phone_hash(h.direct, self._key),
            "mobile_hash": phone_hash(h.mobile, self._key),
            "direct_masked": mask(h.direct),
            "mobile_masked": mask(h.mobile),
            "direct_findings": _dumps(list(h.direct.findings)),
            "mobile_findings": _dumps(list(h.mobile.findings)),
        }

    def runs(self) -> list[RunInfo]:
        """Every stored run, oldest first."""
        with self._guard("læses"), self._engine.connect() as conn:
            rows = conn.execute(sa.select(schema.runs).order_by(schema.runs.c.id)).all()
            inputs: dict[int, list[StoredInput]] = {}
            for i in conn.execute(sa.select(schema.run_inputs).order_by(schema.run_inputs.c.id)):
                inputs.setdefault(i.run_id, []).append(StoredInput(i.name, i.kind, i.sha256))
        return [_run_info(r, inputs.get(r.id, [])) for r in rows]

    def latest(self) -> RunInfo | None:
        """The newest run, or None when nothing is stored yet."""
        ids = self._run_ids()
        return self.run(ids[-1]) if ids else None

    def run(self, run_id: int | None = None) -> RunInfo:
        """One run; ``None`` = the latest. StoreError when there is no such run."""
        with self._guard("læses"), self._engine.connect() as conn:
            query = sa.select(schema.runs)
            if run_id is None:
                query = query.order_by(schema.runs.c.id.desc()).limit(1)
            else:
                query = query.where(schema.runs.c.id == run_id)
            row = conn.execute(query).first()
            if row is None:
                raise _no_run(run_id)
            inputs = [
                StoredInput(i.name, i.kind, i.sha256)
                for i in conn.execute(
                    sa.select(schema.run_inputs)
                    .where(schema.run_inputs.c.run_id == row.id)
                    .order_by(schema.run_inputs.c.id)
                )
            ]
        return _run_info(row, inputs)

    def holders(self, run_id: int) -> list[StoredHolder]:
        """The holders of one run, in the order they were saved."""
        self.run(run_id)  # a clear error for an unknown run
        t = schema.run_holders
        with self._guard("læses"), self._engine.connect() as conn:
            rows = conn.execute(sa.select(t).where(t.c.run_id == run_id).order_by(t.c.id)).all()
        return [
            StoredHolder(
                user_id=r.user_id,
                name=r.name,
                covered=bool(r.covered),
                cause=r.cause or None,
                rule=r.rule,
                responsible=r.responsible,
                roles=tuple(json.loads(r.roles)),
                direct_hash=r.direct_hash,
                mobile_hash=r.mobile_hash,
                direct_masked=r.direct_masked,
                mobile_masked=r.mobile_masked,
                direct_findings=tuple(json.loads(r.direct_findings)),
                mobile_findings=tuple(json.loads(r.mobile_findings)),
            )
            for r in rows
        ]

    def _run_ids(self) -> list[int]:
        with self._guard("læses"), self._engine.connect() as conn:
            return [
                int(i) for i in conn.scalars(sa.select(schema.runs.c.id).order_by(schema.runs.c.id))
            ]

    def _status(self, run_id: int) -> dict[str, tuple[bool, str | None]]:
        """user_id -> (covered, cause) of one run."""
        t = schema.run_holders
        with self._guard("læses"), self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(t.c.user_id, t.c.covered, t.c.cause).where(t.c.run_id == run_id)
            )
            return {r.user_id: (bool(r.covered), r.cause or None) for r in rows}

    # --- progress ---------------------------------------------------------------------

    def diff(self, run_a: int | None = None, run_b: int | None = None) -> Changes:
        """What changed from ``run_a`` to ``run_b``; defaults: the previous run vs the latest."""
        ids = self._run_ids()
        if not ids:
            raise _no_run(None)
        b = ids[-1] if run_b is None else run_b
        if b not in ids:
            raise _no_run(b)
        if run_a is None:
            earlier = [i for i in ids if i < b]
            if not earlier:
                raise StoreError(
                    f"Der er ingen kørsel før nr. {b} at sammenligne med. "
                    "Gem mindst to kørsler, eller angiv to kørselsnumre."
                )
            a = earlier[-1]
        else:
            a = run_a
        if a not in ids:
            raise _no_run(a)
        changes = compare(a, self._status(a), b, self._status(b))
        if not changes.fixed:
            return changes
        via = self.selfservice().written_before(changes.fixed, self.run(b).started_at)
        return replace(changes, via_selfservice=via)

    def trend(self) -> tuple[TrendPoint, ...]:
        return tuple(_trend_point(r) for r in self.runs())

    # --- decisions and the task ---------------------------------------------------------

    def decide(self, user_id: str, decision: str, reason: str, decided_by: str) -> Decision:
        """Record a decision for one holder, or for the whole task when ``user_id`` is ''."""
        decision = decision.strip().lower()
        if decision not in DECISIONS:
            raise InputError(
                f"Beslutningen skal være 'fix' (sikre nummeret) eller 'accept', ikke '{decision}'."
            )
        if decision == "accept" and not reason.strip():
            raise InputError("En accept kræver en begrundelse, fx 'Rollen bruges ikke til opkald'.")
        if not decided_by.strip():
            raise InputError("Angiv hvem der har truffet beslutningen.")
        made = Decision(
            user_id.strip(), decision, reason.strip(), decided_by.strip(), iso(datetime.now(UTC))
        )
        with self._guard("gemme beslutningen"), self._engine.begin() as conn:
            conn.execute(
                sa.insert(schema.decisions).values(
                    user_id=made.user_id,
                    decision=made.decision,
                    reason=made.reason,
                    decided_by=made.decided_by,
                    decided_at=made.decided_at,
                )
            )
        return made

    def decisions(self) -> dict[str, Decision]:
        """The latest decision per user id ('' = the whole task); older ones stay in the table."""
        return {d.user_id: d for d in self.decision_history()}

    def decision_history(self) -> list[Decision]:
        """Every decision ever recorded, oldest first."""
        t = schema.decisions
        with self._guard("læses"), self._engine.connect() as conn:
            rows = conn.execute(sa.select(t).order_by(t.c.id)).all()
        return [Decision(r.user_id, r.decision, r.reason, r.decided_by, r.decided_at) for r in rows]

    def task_steps(self) -> tuple[TaskStep, ...]:
        """The KLIK task's five steps with the date each was done."""
        runs = self.runs()
        uncovered = self._uncovered(runs[-1].id) if runs else []
        decided = self.decisions()
        completion = self._completion()
        reopened = None
        if completion is not None:
            # Only runs from the last one before the completion onwards can reopen it.
            recent = [r for r in runs if r.finished_at > completion.done_at]
            earlier = [r for r in runs if r.finished_at <= completion.done_at][-1:]
            reopened = task.reopened_by(
                completion.done_at,
                [(r.id, r.finished_at, self._uncovered(r.id)) for r in earlier + recent],
                _per_holder(decided),
                decided.get(""),
            )
        return task.steps(
            [task.RunFacts(r.finished_at, bool(r.sources)) for r in runs],
            uncovered,
            _per_holder(decided),
            decided.get(""),
            completion,
            reopened,
        )

    def task_facts(self, municipality: str = "") -> TaskFacts:
        """Counts for the message to KOMBIT (no names, ids or numbers leave this method)."""
        runs = self.runs()
        decided = self.decisions()
        fixed = len(self.diff(runs[0].id, runs[-1].id).fixed) if len(runs) >= 2 else 0
        uncovered = self._uncovered(runs[-1].id) if runs else []
        still_open = task.open_cases(uncovered, _per_holder(decided), decided.get(""))
        completion = self._completion()
        return TaskFacts(
            runs=runs,
            task_decision=decided.get(""),
            fixed_since_first=fixed,
            accepted=len(uncovered) - len(still_open),
            open_cases=len(still_open),
            municipality=municipality,
            completed_note=completion.note if completion else "",
        )

    def open_cases(self) -> list[str]:
        """User ids in the latest run without a usable number whose case is not accepted."""
        ids = self._run_ids()
        if not ids:
            return []
        decided = self.decisions()
        return task.open_cases(self._uncovered(ids[-1]), _per_holder(decided), decided.get(""))

    def complete_task(self, *, reason: str = "", by: str) -> TaskStep:
        """Step 5: only when no case is open, or with a reason why it is done anyway."""
        reason = reason.strip()
        if not by.strip():
            raise InputError("Angiv hvem der markerer opgaven som fuldført.")
        if not reason:
            if not self._run_ids():
                raise InputError(
                    "Der er ingen gemte kørsler, så det kan ikke ses, at opgaven er løst. "
                    "Gem en kørsel først, eller giv en begrundelse."
                )
            still_open = self.open_cases()
            if still_open:
                raise InputError(
                    "Opgaven kan ikke markeres som fuldført: der er stadig "
                    f"{task.cases(len(still_open), 'åben', 'åbne')} (hverken rettet eller "
                    "accepteret). Giv en begrundelse, hvis den skal "
                    "markeres som fuldført alligevel."
                )
        with self._guard("gemme markeringen"), self._engine.begin() as conn:
            conn.execute(
                sa.insert(schema.task_events).values(
                    step=5, done_at=iso(datetime.now(UTC)), done_by=by.strip(), note=reason
                )
            )
        return self.task_steps()[4]

    def _uncovered(self, run_id: int) -> list[str]:
        t = schema.run_holders
        with self._guard("læses"), self._engine.connect() as conn:
            query = sa.select(t.c.user_id).where(t.c.run_id == run_id, t.c.covered.is_(False))
            return list(conn.scalars(query.order_by(t.c.id)))

    def _completion(self) -> task.Completion | None:
        t = schema.task_events
        with self._guard("læses"), self._engine.connect() as conn:
            row = conn.execute(
                sa.select(t).where(t.c.step == 5).order_by(t.c.id.desc()).limit(1)
            ).first()
        return task.Completion(row.done_at, row.done_by, row.note) if row else None

    def report_context(self, run_id: int | None = None) -> ReportContext:
        """Trend up to the run, changes since the run before it, the task and the decisions."""
        run = self.run(run_id)
        ids = [i for i in self._run_ids() if i <= run.id]
        changes = self.diff(ids[-2], run.id) if len(ids) >= 2 else None
        decided = self.decisions()
        return ReportContext(
            run_id=run.id,
            trend=tuple(p for p in self.trend() if p.run_id <= run.id),
            changes=changes,
            task=self.task_steps(),
            decisions={u: d for u, d in decided.items() if u},
            task_decision=decided.get(""),
        )

    # --- notifications ------------------------------------------------------------------

    def was_notified(self, recipient: str, within_days: int, now: datetime) -> bool:
        """Was a real (not dry-run) message sent to ``recipient`` within the last days?"""
        if within_days <= 0:
            return False
        since = iso(now - timedelta(days=within_days))
        t = schema.notifications
        query = sa.select(t.c.id).where(
            t.c.recipient == recipient.strip().casefold(),
            t.c.dry_run.is_(False),
            t.c.sent_at >= since,
        )
        with self._guard("læses"), self._engine.connect() as conn:
            return conn.execute(query.limit(1)).first() is not None

    def record_notification(
        self, recipient: str, kind: str, run_id: int | None, sent_at: datetime, dry_run: bool
    ) -> None:
        with self._guard("gemme beskeden i loggen"), self._engine.begin() as conn:
            conn.execute(
                sa.insert(schema.notifications).values(
                    recipient=recipient.strip().casefold(),
                    kind=kind,
                    run_id=run_id,
                    sent_at=iso(sent_at),
                    dry_run=dry_run,
                )
            )

    def notifications(self) -> list[NotificationLog]:
        t = schema.notifications
        with self._guard("læses"), self._engine.connect() as conn:
            rows = conn.execute(sa.select(t).order_by(t.c.id)).all()
        return [
            NotificationLog(r.recipient, r.kind, r.run_id, r.sent_at, bool(r.dry_run)) for r in rows
        ]


# --- helpers -------------------------------------------------------------------------------


def compare(
    a: int,
    before: Mapping[str, tuple[bool, str | None]],
    b: int,
    after: Mapping[str, tuple[bool, str | None]],
) -> Changes:
    """Changes between two runs' ``user_id -> (covered, cause)`` maps."""
    fixed, newly_missing, changed = [], [], []
    for user_id in sorted(after):
        covered, cause = after[user_id]
        old = before.get(user_id)
        if covered:
            if old is not None and not old[0]:
                fixed.append(user_id)
        elif old is None or old[0]:
            newly_missing.append(user_id)
        elif old[1] != cause:
            changed.append(CauseChange(user_id, old[1], cause))
    gone = sorted(u for u in before if u not in after)
    return Changes(a, b, tuple(fixed), tuple(newly_missing), tuple(changed), tuple(gone))


def _open(engine: sa.Engine, url: sa.URL, backup: Path | None, source: KeySource) -> str:
    """Migrate (``backup``: the SQLite file to copy first) and return the phone-hash key."""
    if url.get_backend_name() == "sqlite":
        sa.event.listen(engine, "connect", _on_sqlite_connect)
    current = migrate.current_revision(engine)
    if current != migrate.head_revision():
        if backup is not None:
            engine.dispose()  # no open connection while the file is copied
            backup_sqlite(backup, current)
        migrate.upgrade(engine, key=source)
    return _ensure_key(engine, source)


def key_options(settings: Settings) -> dict[str, str]:
    """``store.key_file`` (relative to the config file's folder) and ``store.key_env``."""
    key_file = settings.get(Key.STORE_KEY_FILE).strip()
    if key_file and settings.config_path and not Path(key_file).is_absolute():
        key_file = str(Path(settings.config_path).parent / key_file)
    return {"key_file": key_file, "key_env": settings.get(Key.STORE_KEY_ENV).strip()}


def _ensure_key(engine: sa.Engine, source: KeySource) -> str:
    """The database's phone-hash key: read, checked against ``meta``, or made when new."""
    t = schema.meta
    with engine.connect() as conn:
        check = conn.scalar(sa.select(t.c.value).where(t.c.key == CHECK_ROW))
        hashed = conn.execute(
            sa.select(schema.run_holders.c.id)
            .where(
                sa.or_(
                    schema.run_holders.c.direct_hash != "", schema.run_holders.c.mobile_hash != ""
                )
            )
            .limit(1)
        ).first()
    key = source.read()
    if key is None:
        if check is not None or hashed is not None:
            raise StoreError(missing_key_message(source))
        key = source.keep(new_key())
    if check is None:
        try:
            with engine.begin() as conn:
                conn.execute(sa.insert(t).values(key=CHECK_ROW, value=key_check(key)))
        except sa.exc.IntegrityError:  # another process opened the new database meanwhile
            with engine.connect() as conn:
                check = conn.scalar(sa.select(t.c.value).where(t.c.key == CHECK_ROW))
    if check is not None and not hmac.compare_digest(str(check), key_check(key)):
        raise StoreError(wrong_key_message(source))
    return key


def _input_files(result: AuditResult) -> list[Any]:
    """The run's input files, each once (the KLIK export and every source file)."""
    seen: dict[tuple[str, str], Any] = {}
    for f in (*result.inputs, *(f for src in result.sources for f in src.files)):
        seen.setdefault((f.path, f.kind), f)
    return list(seen.values())


def _run_info(row: Any, inputs: list[StoredInput]) -> RunInfo:
    return RunInfo(
        id=int(row.id),
        started_at=row.started_at,
        finished_at=row.finished_at,
        coverage_pct=float(row.coverage_pct),
        roles=row.roles,
        roles_covered=row.roles_covered,
        role_holders=row.role_holders,
        covered_holders=row.covered_holders,
        direct_reach_holders=row.direct_reach_holders,
        causes=json.loads(row.causes),
        findings=json.loads(row.findings),
        inputs=tuple(inputs),
        sources=tuple(
            SourceStatus(
                s["kind"],
                s["position"],
                s["origin"],
                s["complete"],
                s["records"],
                tuple(s["notes"]),
            )
            for s in json.loads(row.sources)
        ),
        report_dir=row.report_dir,
        names_kept=bool(row.names_kept),
    )


def _trend_point(run: RunInfo) -> TrendPoint:
    return TrendPoint(
        run.id, run.started_at, run.coverage_pct, run.roles, run.roles_covered, dict(run.causes)
    )


def _per_holder(decided: Mapping[str, Decision]) -> dict[str, Decision]:
    return {u.casefold(): d for u, d in decided.items() if u}


def _no_run(run_id: int | None) -> StoreError:
    if run_id is None:
        return StoreError(
            "Der er ingen gemte kørsler i historikken endnu. "
            "Gem en kørsel med 'telefonspor audit ... --save'."
        )
    return StoreError(f"Kørsel nr. {run_id} findes ikke. Se 'telefonspor history'.")


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _short(exc: Exception) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__
