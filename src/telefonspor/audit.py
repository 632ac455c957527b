"""The one orchestration: KLIK users + chain data -> holders -> findings -> AuditResult.

Pure: readers hand it records, reports take its result. ``timings`` (optional)
collects seconds per stage for ``make bench``.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from datetime import UTC, datetime

from telefonspor.diagnose import Diagnoser
from telefonspor.model import (
    CAUSE_CODES,
    NOT_DIRECT_REACH_FINDINGS,
    AuditResult,
    Finding,
    GroupCoverage,
    HolderResult,
    KlikExport,
    PhoneValue,
    SourceData,
    Summary,
)
from telefonspor.phones import PhoneEngine, contextual_findings
from telefonspor.rules.os2sync_ad import chain_sources
from telefonspor.settings import Key, Settings
from telefonspor.systemic import find_systemic
from telefonspor.texts import FINDING_EXPLANATIONS, SLOT_LABELS
from telefonspor.twins import find_twins, gain_items


def run_audit(
    klik: KlikExport,
    sources: Sequence[SourceData],
    settings: Settings,
    *,
    generated_at: str | None = None,
    timings: MutableMapping[str, float] | None = None,
    with_systemic: bool = True,
) -> AuditResult:
    """Audit ``klik`` against the chain; ``with_systemic=False`` skips the what-if ranking."""
    clock = _StageClock(timings)
    sources = chain_sources(sources, settings)  # a chain preset may move a system's position
    engine = PhoneEngine(settings.get(Key.AUDIT_PLACEHOLDERS))
    holders = [u for u in klik.users if u.roles]
    without_roles = tuple(u for u in klik.users if not u.roles)

    phones = [(engine.parse(u.direct_raw), engine.parse(u.mobile_raw)) for u in holders]
    phones = [contextual_findings(direct, mobile) for direct, mobile in phones]
    phones = _mark_shared(phones, settings.get(Key.AUDIT_SHARED_THRESHOLD))
    clock.stage("normalise")

    diagnoser = Diagnoser(sources, settings, engine)
    clock.stage("identity")

    results = []
    for user, (direct, mobile) in zip(holders, phones, strict=True):
        covered = direct.usable or mobile.usable
        reach = any(
            v.usable and not NOT_DIRECT_REACH_FINDINGS.intersection(v.findings)
            for v in (direct, mobile)
        )
        diagnosis = diagnoser.diagnose(user, direct, mobile, covered)
        results.append(
            HolderResult(
                user_id=user.user_id,
                name=user.name,
                email=user.email,
                unit=user.unit,
                municipality=user.municipality,
                roles=user.roles,
                row=user.row,
                direct=direct,
                mobile=mobile,
                covered=covered,
                direct_reach=reach,
                cause=None if covered else diagnosis.cause,
                cause_detail="" if covered else diagnosis.cause_detail,
                responsible="" if covered else diagnosis.responsible,
                action="" if covered else diagnosis.action,
                rule="" if covered else diagnosis.rule,
                trace=diagnosis.trace,
                flags=diagnosis.flags,
            )
        )
    results = find_twins(klik, results, diagnoser.resolver, settings, engine)
    clock.stage("diagnose")

    systemic = (
        find_systemic(
            klik,
            sources,
            settings,
            results,
            engine,
            resolver=diagnoser.resolver,
            identities=diagnoser.identities,
            groups=gain_items(results),
            passages=diagnoser.passages,
        )
        if with_systemic
        else ()
    )
    clock.stage("systemic")

    findings = (*klik.findings, *_phone_findings(results))
    result = AuditResult(
        summary=_summary(results, len(without_roles)),
        holders=tuple(results),
        users_without_roles=without_roles,
        findings=findings,
        by_role=_by_group(results, _roles_of),
        by_unit=_by_group(results, _unit_of),
        generated_at=generated_at or datetime.now(UTC).isoformat(timespec="seconds"),
        inputs=(klik.file, *(f for s in sources for f in s.files)),
        sources=tuple(sources),
        source_notes=tuple(n for s in sources for n in s.notes),
        systemic=systemic,
        settings_used=dict(settings.values),
    )
    clock.stage("summarise")
    return result


def _mark_shared(
    phones: list[tuple[PhoneValue, PhoneValue]], threshold: int
) -> list[tuple[PhoneValue, PhoneValue]]:
    """A usable number on ``threshold`` or more holders is a shared line (a main number)."""
    holders_per_number: Counter[str] = Counter()
    for direct, mobile in phones:
        numbers = {v.e164 for v in (direct, mobile) if v.usable and v.e164}
        holders_per_number.update(numbers)
    shared = {n for n, count in holders_per_number.items() if count >= threshold}
    if not shared:
        return phones
    return [
        (
            direct.with_findings("shared") if direct.usable and direct.e164 in shared else direct,
            mobile.with_findings("shared") if mobile.usable and mobile.e164 in shared else mobile,
        )
        for direct, mobile in phones
    ]


def _phone_findings(holders: Iterable[HolderResult]) -> list[Finding]:
    """One Finding per problem on a value; an empty field is not listed (uncovered holders are)."""
    out = []
    for h in holders:
        for slot, value in (("direct", h.direct), ("mobile", h.mobile)):
            for code in value.findings:
                if code == "missing":
                    continue
                out.append(
                    Finding(
                        code=code,
                        message=f"{SLOT_LABELS[slot]} '{value.raw}': {FINDING_EXPLANATIONS[code]}",
                        field=slot,
                        row=h.row,
                        user_id=h.user_id,
                        system="klik",
                    )
                )
    return out


def _summary(holders: Sequence[HolderResult], users_without_roles: int) -> Summary:
    findings: Counter[str] = Counter()
    causes: Counter[str] = Counter()
    for h in holders:
        findings.update(h.direct.findings)
        findings.update(h.mobile.findings)
        if h.cause:
            causes[h.cause] += 1
    return Summary(
        role_holders=len(holders),
        roles=sum(len(h.roles) for h in holders),
        covered_holders=sum(1 for h in holders if h.covered),
        roles_covered=sum(len(h.roles) for h in holders if h.covered),
        direct_reach_holders=sum(1 for h in holders if h.direct_reach),
        findings=dict(sorted(findings.items())),
        causes={c: causes[c] for c in CAUSE_CODES if causes[c]},
        users_without_roles=users_without_roles,
    )


def _by_group(
    holders: Sequence[HolderResult],
    groups_of: Callable[[HolderResult], Iterable[tuple[str, int]]],
) -> tuple[GroupCoverage, ...]:
    """Coverage per group; ``groups_of`` yields (group name, role assignments in it) per holder."""
    counts: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for h in holders:
        for name, roles in groups_of(h):
            c = counts[name]
            c[0] += 1
            c[1] += h.covered
            c[2] += roles
            c[3] += roles if h.covered else 0
    groups = [GroupCoverage(name, *c) for name, c in counts.items()]
    groups.sort(key=lambda g: (g.coverage_pct, -g.roles, g.name))
    return tuple(groups)


def _roles_of(h: HolderResult) -> Iterable[tuple[str, int]]:
    return ((role, 1) for role in dict.fromkeys(h.roles))


def _unit_of(h: HolderResult) -> Iterable[tuple[str, int]]:
    return ((h.unit, len(h.roles)),)


class _StageClock:
    def __init__(self, timings: MutableMapping[str, float] | None) -> None:
        self._timings = timings
        self._last = time.perf_counter()

    def stage(self, name: str) -> None:
        now = time.perf_counter()
        if self._timings is not None:
            self._timings[name] = self._timings.get(name, 0.0) + now - self._last
        self._last = now
