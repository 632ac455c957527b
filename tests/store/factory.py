"""Hand-built audit results for the store tests (no audit, no files)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from telefonspor.model import (
    EMPTY_PHONE,
    AuditResult,
    HolderResult,
    InputFile,
    PhoneValue,
    SourceData,
    Summary,
)


def phone(digits: str) -> PhoneValue:
    return PhoneValue(digits, f"+45{digits}", "landline")


def holder(
    user_id: str,
    *,
    covered: bool = False,
    cause: str | None = "missing_in_source",
    number: str = "12344050",
    roles: Sequence[str] = ("Rolle A",),
    name: str = "",
) -> HolderResult:
    return HolderResult(
        user_id=user_id,
        name=name or f"Navn {user_id}",
        email=f"{user_id}@kommune.dk",
        unit="Enhed",
        municipality="Kommune",
        roles=tuple(roles),
        row=2,
        direct=phone(number) if covered else EMPTY_PHONE,
        mobile=EMPTY_PHONE,
        covered=covered,
        direct_reach=covered,
        cause=None if covered else cause,
        responsible="" if covered else "hr",
        rule="" if covered else "os2sofd.no_landline",
    )


def result(holders: Sequence[HolderResult], *, with_sources: bool = False) -> AuditResult:
    roles = sum(len(h.roles) for h in holders)
    covered = [h for h in holders if h.covered]
    summary = Summary(
        role_holders=len(holders),
        roles=roles,
        covered_holders=len(covered),
        roles_covered=sum(len(h.roles) for h in covered),
        direct_reach_holders=len(covered),
        findings=dict(Counter(f for h in holders for f in h.direct.findings)),
        causes=dict(Counter(h.cause for h in holders if h.cause)),
    )
    sources: tuple[SourceData, ...] = ()
    if with_sources:
        sources = (
            SourceData(
                kind="ad",
                position="source",
                records=(),
                origin="ad.csv",
                files=(InputFile("ad.csv", "ad", "b" * 64),),
            ),
        )
    return AuditResult(
        summary=summary,
        holders=tuple(holders),
        users_without_roles=(),
        findings=(),
        by_role=(),
        by_unit=(),
        generated_at="2026-01-05T08:00:00+00:00",
        inputs=(InputFile("klik.xlsx", "klik", "a" * 64),),
        sources=sources,
    )


def many(count: int, *, covered_every: int = 3) -> AuditResult:
    """A bigger run: every ``covered_every``-th holder covered."""
    return result(
        [
            holder(f"u{i:06d}", covered=i % covered_every == 0, number=f"{20000000 + i}")
            for i in range(count)
        ]
    )
