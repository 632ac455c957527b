"""The one orchestration: KLIK users + chain data -> holders -> findings -> AuditResult.

Pure: readers hand it records, reports take its result. ``timings`` (optional)
collects seconds per stage for ``make bench``.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from datetime import UTC, datetime
from itertools import chain, compress
from typing import Final

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
    precounted: Mapping[str, Mapping[str, int]] | None = None,
) -> AuditResult:
    """Audit ``klik`` against the chain; ``with_systemic=False`` skips the what-if ranking.

    ``precounted``: systems' counts for the systemic detectors, made by the process that
    read them (``systemic.precount``, by kind).
    """
    clock = _StageClock(timings)
    sources = chain_sources(sources, settings)  # a chain preset may move a system's position
    engine = PhoneEngine(settings.get(Key.AUDIT_PLACEHOLDERS))
    holders = [u for u in klik.users if u.roles]
    without_roles = tuple(u for u in klik.users if not u.roles)

    parse = engine.parse
    phones = [contextual_findings(parse(u.direct_raw), parse(u.mobile_raw)) for u in holders]
    phones = _mark_shared(phones, settings.get(Key.AUDIT_SHARED_THRESHOLD))
    clock.stage("normalise")

    diagnoser = Diagnoser(sources, settings, engine)
    clock.stage("identity")

    results = []
    diagnose = diagnoser.diagnose
    no_reach = NOT_DIRECT_REACH_FINDINGS
    for user, (direct, mobile) in zip(holders, phones, strict=True):
        direct_usable, mobile_usable = direct.usable, mobile.usable
        covered = direct_usable or mobile_usable
        reach = (direct_usable and no_reach.isdisjoint(direct.findings)) or (
            mobile_usable and no_reach.isdisjoint(mobile.findings)
        )
        d = diagnose(user, direct, mobile, covered)
        # Positional: a keyword call costs twice as much, once per holder. Field order:
        # user_id, name, email, unit, municipality, roles, row, direct, mobile, covered,
        # direct_reach, cause, cause_detail, responsible, action, rule, trace, flags.
        if covered:  # no cause, detail, party, action or rule
            cause, detail, party, action, rule = None, "", "", "", ""
        else:
            cause, detail, party, action, rule = (
                d.cause,
                d.cause_detail,
                d.responsible,
                d.action,
                d.rule,
            )
        holder = HolderResult(
            user.user_id,
            user.name,
            user.email,
            user.unit,
            user.municipality,
            user.roles,
            user.row,
            direct,
            mobile,
            covered,
            reach,
            cause,
            detail,
            party,
            action,
            rule,
            d.trace,
            d.flags,
        )
        results.append(holder)
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
            precounted=precounted,
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
        by_role=_by_role(results),
        by_unit=_by_unit(results),
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
    holders_per_number: dict[str, int] = {}
    count = holders_per_number.get
    for direct, mobile in phones:
        # e164 first: most empty values are settled without ``usable``.
        number = direct.e164
        if number and not direct.usable:
            number = None
        if number:
            holders_per_number[number] = count(number, 0) + 1
        other = mobile.e164
        if other and other != number and mobile.usable:  # a holder counts once per number
            holders_per_number[other] = count(other, 0) + 1
    shared = {n for n, holders in holders_per_number.items() if holders >= threshold}
    if not shared:
        return phones
    # The set lookup first: few values are shared, and None is never in the set.
    return [
        (
            direct.with_findings("shared") if direct.e164 in shared and direct.usable else direct,
            mobile.with_findings("shared") if mobile.e164 in shared and mobile.usable else mobile,
        )
        for direct, mobile in phones
    ]


def _phone_findings(holders: Iterable[HolderResult]) -> list[Finding]:
    """One Finding per problem on a value; an empty field is not listed (uncovered holders are)."""
    out = []
    slots = (("direct", SLOT_LABELS["direct"]), ("mobile", SLOT_LABELS["mobile"]))
    # Most holders have no finding but "missing" on either field: they are passed over in C.
    nothing = _NO_PHONE_FINDING
    listed = [
        h for h in holders if h.direct.findings not in nothing or h.mobile.findings not in nothing
    ]
    for h in listed:
        for (slot, label), value in zip(slots, (h.direct, h.mobile), strict=True):
            for code in value.findings:
                if code == "missing":
                    continue
                message = f"{label} '{value.raw}': {FINDING_EXPLANATIONS[code]}"
                # Positional (code, message, field, row, user_id, system): once per finding.
                out.append(Finding(code, message, slot, h.row, h.user_id, "klik"))
    return out


#: The findings of a value that give no Finding: none, or only an empty field.
_NO_PHONE_FINDING: Final = ((), ("missing",))


def _summary(holders: Sequence[HolderResult], users_without_roles: int) -> Summary:
    # Every total from columns of the holders, counted and summed in C.
    findings: Counter[str] = Counter(chain.from_iterable([h.direct.findings for h in holders]))
    findings.update(chain.from_iterable([h.mobile.findings for h in holders]))
    causes: Counter[str] = Counter([h.cause for h in holders if h.cause])
    sizes = list(map(len, [h.roles for h in holders]))
    covered = [h.covered for h in holders]
    return Summary(
        role_holders=len(holders),
        roles=sum(sizes),
        covered_holders=sum(map(bool, covered)),
        roles_covered=sum(compress(sizes, covered)),
        direct_reach_holders=sum(map(bool, [h.direct_reach for h in holders])),
        findings=dict(sorted(findings.items())),
        causes={c: causes[c] for c in CAUSE_CODES if causes[c]},
        users_without_roles=users_without_roles,
    )


def _by_role(holders: Sequence[HolderResult]) -> tuple[GroupCoverage, ...]:
    """Coverage per role name: a holder counts once for each distinct role it holds."""
    # Holders with the same roles and coverage are counted together first (in C): an
    # export has far fewer distinct role lists than holders.
    same = Counter(zip([h.roles for h in holders], [h.covered for h in holders], strict=True))
    held: dict[str, int] = {}
    covered: dict[str, int] = {}
    for (roles, is_covered), n in same.items():
        for role in dict.fromkeys(roles):
            held[role] = held.get(role, 0) + n
            if is_covered:
                covered[role] = covered.get(role, 0) + n
    # One role assignment per holder and role: the holder counts are the role counts.
    return _groups(
        {role: (n, covered.get(role, 0), n, covered.get(role, 0)) for role, n in held.items()}
    )


def _by_unit(holders: Sequence[HolderResult]) -> tuple[GroupCoverage, ...]:
    """Coverage per unit, with the role assignments of its holders."""
    same = Counter(
        zip(
            [h.unit for h in holders],
            [h.covered for h in holders],
            map(len, [h.roles for h in holders]),
            strict=True,
        )
    )
    counts: dict[str, tuple[int, int, int, int]] = {}
    for (unit, is_covered, roles), n in same.items():
        held, covered, assigned, assigned_covered = counts.get(unit, (0, 0, 0, 0))
        if is_covered:
            counts[unit] = (
                held + n,
                covered + n,
                assigned + roles * n,
                assigned_covered + roles * n,
            )
        else:
            counts[unit] = (held + n, covered, assigned + roles * n, assigned_covered)
    return _groups(counts)


def _groups(counts: Mapping[str, tuple[int, int, int, int]]) -> tuple[GroupCoverage, ...]:
    """The groups of ``counts`` (holders, covered, roles, roles covered), least covered first."""
    groups = [GroupCoverage(name, *c) for name, c in counts.items()]
    groups.sort(key=lambda g: (g.coverage_pct, -g.roles, g.name))
    return tuple(groups)


class _StageClock:
    def __init__(self, timings: MutableMapping[str, float] | None) -> None:
        self._timings = timings
        self._last = time.perf_counter()

    def stage(self, name: str) -> None:
        now = time.perf_counter()
        if self._timings is not None:
            self._timings[name] = self._timings.get(name, 0.0) + now - self._last
        self._last = now
