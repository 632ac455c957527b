"""run_audit's summary helpers as they were before issue 15: the slow path the fast one must equal.

A frozen copy; only the equivalence tests import it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence

from telefonspor.model import (
    CAUSE_CODES,
    Finding,
    GroupCoverage,
    HolderResult,
    PhoneValue,
    Summary,
)
from telefonspor.texts import FINDING_EXPLANATIONS, SLOT_LABELS


def mark_shared(
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


def phone_findings(holders: Iterable[HolderResult]) -> list[Finding]:
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


def summary(holders: Sequence[HolderResult], users_without_roles: int) -> Summary:
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


def by_group(
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


def roles_of(h: HolderResult) -> Iterable[tuple[str, int]]:
    return ((role, 1) for role in dict.fromkeys(h.roles))


def unit_of(h: HolderResult) -> Iterable[tuple[str, int]]:
    return ((h.unit, len(h.roles)),)


def contextual_findings(direct: PhoneValue, mobile: PhoneValue) -> tuple[PhoneValue, PhoneValue]:
    """phones.contextual_findings before issue 15's round 3."""
    if direct.usable and direct.kind == "mobile" and (direct.e164 or "").startswith("+45"):
        direct = direct.with_findings("mobile_in_landline_field")
    if direct.usable and mobile.usable and direct.e164 == mobile.e164:
        direct = direct.with_findings("same_number_both_fields")
        mobile = mobile.with_findings("same_number_both_fields")
    return direct, mobile
