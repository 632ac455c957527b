"""Self-service in the store: links (tokens), the employees' submissions and the write log.

A token is 128 random bits shown once (in the e-mail); only its SHA-256 is
kept. Submitted numbers are stored encrypted (``sealed``) and removed once
the submission is applied or rejected; the write log keeps masked values only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from telefonspor.errors import InputError, StoreError
from telefonspor.store import schema
from telefonspor.store.hashing import mask_digits
from telefonspor.store.sealed import Sealer

TOKEN_BYTES: Final = 16  # 128 bits
STATUSES: Final = ("pending", "approved", "applied", "rejected", "conflict")
#: Submissions that still hold an encrypted number.
OPEN_STATUSES: Final = frozenset({"pending", "approved", "conflict"})
KINDS: Final = ("number", "no_number")
FIELDS: Final = ("direct", "mobile")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def mask_number(number: str) -> str:
    return mask_digits("".join(ch for ch in number if ch.isdigit()))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class Link:
    """A live token: whom it is for. Never carries the token itself."""

    id: int
    user_id: str
    run_id: int
    name: str
    roles: tuple[str, ...]
    created_at: str
    expires_at: str
    revoked_at: str | None = None
    used_at: str | None = None


@dataclass(frozen=True, slots=True)
class Submission:
    """What one employee sent; numbers only masked (``SelfService.numbers`` decrypts)."""

    id: int
    token_id: int
    user_id: str
    run_id: int
    kind: str
    direct_masked: str
    mobile_masked: str
    reason: str
    status: str
    submitted_at: str
    decided_by: str
    decided_at: str | None
    note: str
    holds_numbers: bool


@dataclass(frozen=True, slots=True)
class WriteLog:
    """One logged write (or conflict) of a self-service number."""

    submission_id: int
    user_id: str
    field: str
    target: str
    old_masked: str
    new_masked: str
    outcome: str
    approved_by: str
    approved_at: str
    applied_by: str
    applied_at: str


class SelfService:
    """The self-service tables of one store (opened via ``Store.selfservice()``)."""

    def __init__(self, engine: sa.Engine, key: str, label: str) -> None:
        self._engine = engine
        self._key = key
        self._sealer = Sealer(key)
        self._label = label

    @contextmanager
    def _guard(self, doing: str) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as exc:
            raise StoreError(f"Selvbetjeningen i {self._label} kunne ikke {doing}.") from exc

    # --- links -------------------------------------------------------------------------

    def issue(
        self,
        *,
        user_id: str,
        run_id: int,
        name: str,
        roles: Sequence[str],
        before: Mapping[str, str],
        days: int,
        now: datetime | None = None,
    ) -> str:
        """A new link for one holder and one run; returns the token (shown once, never stored)."""
        if days < 1:
            raise InputError("selfservice.link_days skal være mindst 1 dag.")
        moment = now or datetime.now(UTC)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        row = {
            "token_hash": token_hash(token),
            "user_id": user_id,
            "run_id": run_id,
            "name": name,
            "roles": json.dumps(list(roles), ensure_ascii=False),
            "before": self._sealer.seal(json.dumps(dict(before)), _context("before", user_id)),
            "created_at": _iso(moment),
            "expires_at": _iso(moment + timedelta(days=days)),
        }
        with self._guard("gemme linket"), self._engine.begin() as conn:
            conn.execute(sa.insert(schema.selfservice_tokens).values(row))
        return token

    def link(self, token: str, now: datetime | None = None) -> Link | None:
        """The live link of ``token``; None for unknown, expired, revoked or used alike."""
        if not token or len(token) > 64:
            return None
        t = schema.selfservice_tokens
        with self._guard("læses"), self._engine.connect() as conn:
            row = conn.execute(sa.select(t).where(t.c.token_hash == token_hash(token))).first()
        if row is None or row.revoked_at or row.used_at:
            return None
        if row.expires_at <= _iso(now or datetime.now(UTC)):
            return None
        return _link(row)

    def links(self) -> list[Link]:
        t = schema.selfservice_tokens
        with self._guard("læses"), self._engine.connect() as conn:
            return [_link(r) for r in conn.execute(sa.select(t).order_by(t.c.id))]

    def revoke(self, user_id: str, now: datetime | None = None) -> int:
        """Revoke every live link of one holder; the number revoked."""
        t = schema.selfservice_tokens
        with self._guard("tilbagekalde linket"), self._engine.begin() as conn:
            done = conn.execute(
                sa.update(t)
                .where(t.c.user_id == user_id, t.c.revoked_at.is_(None), t.c.used_at.is_(None))
                .values(revoked_at=_iso(now or datetime.now(UTC)))
            )
        return int(done.rowcount or 0)

    def before(self, token_id: int, system: str = "") -> dict[str, str]:
        """The holder's numbers when the link was made (for compare-before-write): those of
        ``system`` (``ad.direct``-style keys), else the plain ``direct``/``mobile`` keys."""
        t = schema.selfservice_tokens
        with self._guard("læses"), self._engine.connect() as conn:
            row = conn.execute(sa.select(t).where(t.c.id == token_id)).first()
        if row is None:
            raise StoreError(f"Selvbetjeningslink nr. {token_id} findes ikke.")
        values = json.loads(self._sealer.open(row.before, _context("before", row.user_id)))
        return {f: str(values.get(f"{system}.{f}", values.get(f, ""))) for f in FIELDS}

    def shared_in_run(self, run_id: int, e164: str) -> bool:
        """Did the run find ``e164`` as a shared line (a main number on many holders)?"""
        digest = hmac.new(bytes.fromhex(self._key), e164.encode("utf-8"), hashlib.sha256)
        wanted = digest.hexdigest()
        h = schema.run_holders
        query = sa.select(h.c.id).where(
            h.c.run_id == run_id,
            sa.or_(
                sa.and_(h.c.direct_hash == wanted, h.c.direct_findings.contains('"shared"')),
                sa.and_(h.c.mobile_hash == wanted, h.c.mobile_findings.contains('"shared"')),
            ),
        )
        with self._guard("læses"), self._engine.connect() as conn:
            return conn.execute(query.limit(1)).first() is not None

    # --- submissions ------------------------------------------------------------------------

    def submit(
        self,
        link: Link,
        *,
        direct: str = "",
        mobile: str = "",
        reason: str = "",
        auto_approve: bool = False,
        now: datetime | None = None,
    ) -> Submission:
        """Store what the employee sent and use up the link, in one transaction."""
        moment = _iso(now or datetime.now(UTC))
        kind = "number" if direct or mobile else "no_number"
        if kind == "no_number" and not reason.strip():
            raise InputError("Skriv en kort begrundelse.")
        numbers = (
            self._sealer.seal(
                json.dumps({"direct": direct, "mobile": mobile}),
                _context("numbers", link.user_id),
            )
            if kind == "number"
            else None
        )
        approved = auto_approve and kind == "number"
        t = schema.selfservice_tokens
        s = schema.selfservice_submissions
        with self._guard("gemme indsendelsen"), self._engine.begin() as conn:
            used = conn.execute(
                sa.update(t)
                .where(t.c.id == link.id, t.c.used_at.is_(None), t.c.revoked_at.is_(None))
                .values(used_at=moment)
            )
            if not used.rowcount:  # a second tab or a replay: the link is spent
                raise InputError("Linket er allerede brugt.")
            new_id = conn.scalar(
                sa.insert(s)
                .values(
                    token_id=link.id,
                    user_id=link.user_id,
                    run_id=link.run_id,
                    kind=kind,
                    numbers=numbers,
                    direct_masked=mask_number(direct),
                    mobile_masked=mask_number(mobile),
                    reason=reason.strip(),
                    status="approved" if approved else "pending",
                    submitted_at=moment,
                    decided_by="automatisk" if approved else "",
                    decided_at=moment if approved else None,
                    note="",
                )
                .returning(s.c.id)
            )
        return self.submission(int(new_id or 0))

    def submission(self, submission_id: int) -> Submission:
        s = schema.selfservice_submissions
        with self._guard("læses"), self._engine.connect() as conn:
            row = conn.execute(sa.select(s).where(s.c.id == submission_id)).first()
        if row is None:
            raise InputError(
                f"Indsendelse nr. {submission_id} findes ikke. Se 'telefonspor selvbetjening list'."
            )
        return _submission(row)

    def submissions(self, statuses: Iterable[str] = ()) -> list[Submission]:
        s = schema.selfservice_submissions
        query = sa.select(s).order_by(s.c.id)
        wanted = tuple(statuses)
        if wanted:
            query = query.where(s.c.status.in_(wanted))
        with self._guard("læses"), self._engine.connect() as conn:
            return [_submission(r) for r in conn.execute(query)]

    def numbers(self, submission: Submission) -> dict[str, str]:
        """The plain numbers of a submission still waiting; only for applying them."""
        s = schema.selfservice_submissions
        with self._guard("læses"), self._engine.connect() as conn:
            sealed = conn.scalar(sa.select(s.c.numbers).where(s.c.id == submission.id))
        if not sealed:
            return {"direct": "", "mobile": ""}
        values = json.loads(self._sealer.open(str(sealed), _context("numbers", submission.user_id)))
        return {f: str(values.get(f, "")) for f in FIELDS}

    def decide(self, submission_id: int, status: str, by: str, note: str = "") -> Submission:
        """approved, rejected, applied or conflict; rejected and applied delete the numbers."""
        if status not in STATUSES:
            raise ValueError(status)
        if not by.strip():
            raise InputError("Angiv hvem der behandler indsendelsen.")
        current = self.submission(submission_id)
        if current.status not in OPEN_STATUSES:
            raise InputError(
                f"Indsendelse nr. {submission_id} er allerede behandlet ({current.status})."
            )
        values: dict[str, Any] = {"status": status, "note": note}
        if status in {"approved", "rejected"} or not current.decided_by:
            values.update(decided_by=by.strip(), decided_at=_iso(datetime.now(UTC)))
        if status in {"applied", "rejected"}:
            values["numbers"] = None  # nothing kept once it is done
        s = schema.selfservice_submissions
        with self._guard("gemme behandlingen"), self._engine.begin() as conn:
            conn.execute(sa.update(s).where(s.c.id == submission_id).values(values))
        return self.submission(submission_id)

    # --- the write log ------------------------------------------------------------------------

    def log_write(self, entry: WriteLog) -> None:
        with self._guard("logge skrivningen"), self._engine.begin() as conn:
            conn.execute(
                sa.insert(schema.selfservice_writes).values(
                    submission_id=entry.submission_id,
                    user_id=entry.user_id,
                    field=entry.field,
                    target=entry.target,
                    old_masked=entry.old_masked,
                    new_masked=entry.new_masked,
                    outcome=entry.outcome,
                    approved_by=entry.approved_by,
                    approved_at=entry.approved_at,
                    applied_by=entry.applied_by,
                    applied_at=entry.applied_at,
                )
            )

    def writes(self) -> list[WriteLog]:
        w = schema.selfservice_writes
        with self._guard("læses"), self._engine.connect() as conn:
            rows = conn.execute(sa.select(w).order_by(w.c.id)).all()
        return [
            WriteLog(
                r.submission_id,
                r.user_id,
                r.field,
                r.target,
                r.old_masked,
                r.new_masked,
                r.outcome,
                r.approved_by,
                r.approved_at,
                r.applied_by,
                r.applied_at,
            )
            for r in rows
        ]

    def written_before(self, user_ids: Iterable[str], moment: str) -> tuple[str, ...]:
        """Those of ``user_ids`` whose self-service number was written at or before ``moment``."""
        applied = self.applied_users()
        return tuple(
            u for u in user_ids if u.casefold() in applied and applied[u.casefold()] <= moment
        )

    def covered_in_run(self, run_id: int, started_at: str) -> tuple[str, ...]:
        """Holders covered in the run whose number came through self-service before it."""
        h = schema.run_holders
        query = sa.select(h.c.user_id).where(h.c.run_id == run_id, h.c.covered.is_(True))
        with self._guard("læses"), self._engine.connect() as conn:
            covered = list(conn.scalars(query.order_by(h.c.id)))
        return self.written_before(covered, started_at)

    def applied_users(self) -> dict[str, str]:
        """user_id (casefolded) -> when its self-service number was written (latest)."""
        w = schema.selfservice_writes
        query = (
            sa.select(w.c.user_id, w.c.applied_at)
            .where(w.c.outcome.in_(("written", "fix_file")))
            .order_by(w.c.id)
        )
        with self._guard("læses"), self._engine.connect() as conn:
            rows = conn.execute(query).all()
        return {r.user_id.casefold(): r.applied_at for r in rows}


def _context(purpose: str, user_id: str) -> str:
    return f"{purpose}:{user_id}"


def _link(row: Any) -> Link:
    return Link(
        id=int(row.id),
        user_id=row.user_id,
        run_id=int(row.run_id),
        name=row.name,
        roles=tuple(json.loads(row.roles)),
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        used_at=row.used_at,
    )


def _submission(row: Any) -> Submission:
    return Submission(
        id=int(row.id),
        token_id=int(row.token_id),
        user_id=row.user_id,
        run_id=int(row.run_id),
        kind=row.kind,
        direct_masked=row.direct_masked,
        mobile_masked=row.mobile_masked,
        reason=row.reason,
        status=row.status,
        submitted_at=row.submitted_at,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        note=row.note,
        holds_numbers=row.numbers is not None,
    )
