"""A what-if scenario: the same data audited before and after a change of settings (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telefonspor.audit import run_audit
from telefonspor.model import AuditResult, KlikExport, SourceData
from telefonspor.phones import PhoneEngine
from telefonspor.settings import Key, Settings
from telefonspor.whatif import ChainReplayer


@dataclass(frozen=True, slots=True)
class HolderChange:
    user_id: str
    roles: int
    covered_before: bool
    covered_after: bool
    cause_before: str | None
    cause_after: str | None


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    before: AuditResult
    after: AuditResult
    changes: tuple[HolderChange, ...]  # holders whose coverage or cause changed
    assignments: dict[str, object]

    @property
    def roles_gained(self) -> int:
        return self.after.summary.roles_covered - self.before.summary.roles_covered


def run_scenario(
    klik: KlikExport,
    sources: Sequence[SourceData],
    base: Settings,
    assignments: dict[str, object],
    *,
    before: AuditResult | None = None,
) -> ScenarioResult:
    """Audit the data as it is and as it would be with ``assignments``; no system is touched."""
    new = base.replace(assignments)
    if before is None:
        before = run_audit(klik, sources, base, with_systemic=False)
    engine = PhoneEngine(base.get(Key.AUDIT_PLACEHOLDERS))
    replay = ChainReplayer(klik, sources, base, engine).replay(new)
    after = run_audit(replay.klik, replay.sources, new, with_systemic=False)
    old = {h.user_id: h for h in before.holders}
    changes = []
    for h in after.holders:
        b = old.get(h.user_id)
        if b is None or (b.covered, b.cause) == (h.covered, h.cause):
            continue
        changes.append(
            HolderChange(h.user_id, len(h.roles), b.covered, h.covered, b.cause, h.cause)
        )
    changes.sort(
        key=lambda c: (c.covered_after == c.covered_before, not c.covered_after, c.user_id)
    )
    return ScenarioResult(before, after, tuple(changes), dict(assignments))
