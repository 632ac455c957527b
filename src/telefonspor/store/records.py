"""What the store hands back: plain frozen dataclasses, no database types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class StoredInput:
    """A file (or live source) that went into a run."""

    name: str
    kind: str
    sha256: str = ""


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """How one system of the chain delivered in a run."""

    kind: str
    position: str
    origin: str
    complete: bool
    records: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RunInfo:
    """One stored audit run: its summary, not its holders."""

    id: int
    started_at: str  # ISO 8601, UTC
    finished_at: str
    coverage_pct: float
    roles: int
    roles_covered: int
    role_holders: int
    covered_holders: int
    direct_reach_holders: int = 0
    causes: Mapping[str, int] = field(default_factory=dict)
    findings: Mapping[str, int] = field(default_factory=dict)
    inputs: tuple[StoredInput, ...] = ()
    sources: tuple[SourceStatus, ...] = ()
    report_dir: str = ""
    names_kept: bool = False

    @property
    def uncovered_holders(self) -> int:
        return self.role_holders - self.covered_holders


@dataclass(frozen=True, slots=True)
class StoredHolder:
    """A role holder as remembered: no plain number, a name only if names were kept."""

    user_id: str
    name: str
    covered: bool
    cause: str | None
    rule: str
    responsible: str
    roles: tuple[str, ...]
    direct_hash: str
    mobile_hash: str
    direct_masked: str
    mobile_masked: str
    direct_findings: tuple[str, ...] = ()
    mobile_findings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NotificationLog:
    """One sent (or, in a dry run, written) notification."""

    recipient: str
    kind: str
    run_id: int | None
    sent_at: str  # ISO 8601, UTC
    dry_run: bool
