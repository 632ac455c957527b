"""Hand-built AuditResults for the report tests: every cause, finding and party occurs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from telefonspor.model import (
    CAUSE_CODES,
    AuditResult,
    CauseChange,
    Changes,
    Decision,
    Finding,
    GroupCoverage,
    HolderResult,
    Hop,
    KlikUser,
    PhoneValue,
    ReportContext,
    SourceData,
    SourceRecord,
    Summary,
    SystemicFinding,
    TaskStep,
    TrendPoint,
)

EVIL_NAME = "</script><script>alert(1)</script>"
FORMULA_NAME = '=HYPERLINK("http://evil.example/x","Klik")'

_CAUSE_PARTY = {
    "legacy_klik_user": "klik_admin",
    "missing_in_source": "employee",
    "invalid_in_source": "hr",
    "lost_source_to_local": "supplier",
    "lost_local_to_fkorg": "sync_operator",
    "lost_fkorg_to_klik": "kombit",
    "lost_before_fkorg": "sync_operator",
    "undetermined": "klik_admin",
}

_UNUSABLE = [
    PhoneValue("", None, "unknown", ("missing",)),
    PhoneValue("12345678", "+4512345678", "unknown", ("placeholder",)),
    PhoneValue("1234", None, "unknown", ("extension_only",)),
    PhoneValue("0123 4567", None, "unknown", ("invalid",)),
]
_USABLE = [
    PhoneValue("33 66 33 66", "+4533663366", "landline", ()),
    PhoneValue("+45 20 30 40 50", "+4520304050", "mobile", ()),
    PhoneValue("70101010", "+4570101010", "unknown", ("service_number",)),
    PhoneValue("+46 8 123 456 78", "+46812345678", "unknown", ("foreign",)),
    PhoneValue("33 11 22 33", "+4533112233", "landline", ("shared",)),
    PhoneValue("21 22 23 24 / 31 32 33 34", "+4521222324", "mobile", ("multiple_numbers",)),
    PhoneValue(
        "2122 2324",
        "+4521222324",
        "mobile",
        ("mobile_in_landline_field", "same_number_both_fields"),
    ),
]


def _trace(i: int, cause: str | None) -> tuple[Hop, ...]:
    in_fkorg = cause != "legacy_klik_user"
    return (
        Hop(
            "ad", "source", True, direct="33 44 55 66", mobile="", key="user_id", confidence="exact"
        ),
        Hop(
            "os2sofd",
            "local",
            cause != "lost_source_to_local",
            direct="33445566" if cause != "lost_source_to_local" else "",
            sent_direct="" if cause == "lost_local_to_fkorg" else "33445566",
            key="uuid",
            confidence="exact" if i % 3 else "probable",
            notes=("AD-konto spærret",) if i % 7 == 0 else (),
        ),
        Hop("fkorg", "fkorg", in_fkorg, key="user_id", confidence="exact" if in_fkorg else ""),
        Hop("klik", "klik", True, direct="", mobile=""),
    )


def build_result(
    n: int = 40,
    *,
    systemic: bool = True,
    names: dict[int, str] | None = None,
) -> AuditResult:
    """A realistic result with ``n`` holders: about a third uncovered, all causes present."""
    names = names or {}
    holders: list[HolderResult] = []
    units = ["Borgerservice", "Jobcenter", "IT-afdelingen", "Skoleområdet", "Ældre og Sundhed"]
    role_names = [
        "KLIK-administrator",
        "Sikkerhedsansvarlig",
        "Supportansvarlig",
        "Kontaktperson SAPA",
    ]
    for i in range(n):
        uncovered = i % 3 == 0
        cause = CAUSE_CODES[(i // 3) % len(CAUSE_CODES)] if uncovered else None
        if uncovered:
            direct = _UNUSABLE[i % len(_UNUSABLE)]
            mobile = _UNUSABLE[(i + 1) % len(_UNUSABLE)]
        else:
            direct = _USABLE[i % len(_USABLE)]
            mobile = _UNUSABLE[0] if i % 2 else _USABLE[(i + 3) % len(_USABLE)]
        roles = tuple(role_names[: 1 + i % 3])
        holders.append(
            HolderResult(
                user_id=f"bruger{i:05d}",
                name=names.get(i, f"Medarbejder Ærø Østergård {i}"),
                email=f"bruger{i:05d}@kommune.dk",
                unit=units[i % len(units)],
                municipality="Testrup Kommune",
                roles=roles,
                row=i + 2,
                direct=direct,
                mobile=mobile,
                covered=not uncovered,
                direct_reach=not uncovered and "shared" not in direct.findings,
                cause=cause,
                cause_detail=f"Detalje for {cause}" if cause else "",
                responsible=_CAUSE_PARTY[cause] if cause else "",
                action=f"Ret nummeret i OS2sofd for bruger{i:05d}" if cause else "",
                rule="os2sofd.hidden_mobile" if cause == "lost_local_to_fkorg" else "",
                trace=_trace(i, cause),
                flags=("stale",) if i % 11 == 0 else (),
            )
        )
    return _result(holders, systemic=systemic)


def _result(holders: Sequence[HolderResult], *, systemic: bool) -> AuditResult:
    findings: list[Finding] = []
    counts: Counter[str] = Counter()
    causes: Counter[str] = Counter()
    for h in holders:
        counts.update(h.direct.findings)
        counts.update(h.mobile.findings)
        if h.cause:
            causes[h.cause] += 1
        for slot, value in (("direct", h.direct), ("mobile", h.mobile)):
            findings.extend(
                Finding(code, f"Fund {code} på '{value.raw}'", slot, h.row, h.user_id, "klik")
                for code in value.findings
                if code != "missing"
            )
    without = (
        KlikUser("uden.rolle", "Uden Rolle", "u@kommune.dk", "IT", "", (), "+4533", "", 99),
        KlikUser("=cmd|'/c calc'!A1", "Formel Bruger", "", "IT", "", (), "", "", 100),
    )
    summary = Summary(
        role_holders=len(holders),
        roles=sum(len(h.roles) for h in holders),
        covered_holders=sum(h.covered for h in holders),
        roles_covered=sum(len(h.roles) for h in holders if h.covered),
        direct_reach_holders=sum(h.direct_reach for h in holders),
        findings=dict(sorted(counts.items())),
        causes={c: causes[c] for c in CAUSE_CODES if causes[c]},
        users_without_roles=len(without),
    )
    gained = [h for h in holders if h.cause == "lost_local_to_fkorg"]
    systemic_findings = (
        (
            SystemicFinding(
                code="os2sofd_hidden_not_sent",
                title="Skjulte mobilnumre sendes ikke til FK-ORG",
                evidence={"hidden_mobiles": 120, "holders": len(gained)},
                evidence_text="120 personer har kun et skjult mobilnummer i OS2sofd.",
                fix="Slå sendHiddenPhoneNumbers til i OS2sofd.",
                setting="os2sofd.send_hidden_phone_numbers=true",
                responsible="supplier",
                roles_gained=sum(len(h.roles) for h in gained),
                holders_gained=len(gained),
                user_ids=tuple(h.user_id for h in gained),
            ),
            SystemicFinding(
                code="ad_phone_not_mapped",
                title="AD-feltet telephoneNumber er ikke koblet til OS2sofd",
                evidence={"ad_with_phone": 900, "sofd_landlines": 0},
                evidence_text="900 AD-brugere har telephoneNumber, 0 personer i OS2sofd har LANDLINE.",
                fix="Kobl AD-feltet Phone til LANDLINE i OS2sofds AD-integration.",
                setting="os2sofd.ad_phone_attribute=telephoneNumber",
                responsible="supplier",
                roles_gained=3,
                holders_gained=2,
            ),
        )
        if systemic
        else ()
    )
    by_role: dict[str, list[int]] = {}
    by_unit: dict[str, list[int]] = {}
    for h in holders:
        for name, table, roles in [(r, by_role, 1) for r in h.roles] + [
            (h.unit, by_unit, len(h.roles))
        ]:
            c = table.setdefault(name, [0, 0, 0, 0])
            c[0] += 1
            c[1] += h.covered
            c[2] += roles
            c[3] += roles if h.covered else 0
    return AuditResult(
        summary=summary,
        holders=tuple(holders),
        users_without_roles=without,
        findings=tuple(findings),
        by_role=tuple(GroupCoverage(k, *v) for k, v in sorted(by_role.items())),
        by_unit=tuple(GroupCoverage(k, *v) for k, v in sorted(by_unit.items())),
        generated_at="2024-05-02T08:30:00+00:00",
        sources=(
            SourceData("ad", "source", (SourceRecord("ad", "a"),), "ad.csv"),
            SourceData(
                "os2sofd",
                "local",
                (SourceRecord("os2sofd", "a"), SourceRecord("os2sofd", "b")),
                "https://sofd.kommune.dk/api/v2/persons",
                complete=False,
                notes=("Hentningen stoppede efter side 3",),
            ),
            SourceData("fkorg", "fkorg", (), "fkorg.csv"),
        ),
        source_notes=("Hentningen stoppede efter side 3",),
        systemic=systemic_findings,
        settings_used={"audit.municipality_name": "Testrup Kommune", "os2sofd.api_key": "HEMMELIG"},
    )


def build_context(result: AuditResult) -> ReportContext:
    uncovered = [h for h in result.holders if not h.covered]
    accepted = uncovered[0].user_id
    return ReportContext(
        run_id=3,
        trend=(
            TrendPoint(1, "2024-03-01T08:00:00+00:00", 55.0, 100, 55, {"missing_in_source": 20}),
            TrendPoint(2, "2024-04-01T08:00:00+00:00", 61.5, 100, 61),
            TrendPoint(3, "2024-05-02T08:30:00+00:00", result.summary.coverage_pct, 100, 64),
        ),
        changes=Changes(
            from_run=2,
            to_run=3,
            fixed=("bruger00001", "bruger00002"),
            newly_missing=("bruger00003",),
            changed_cause=(
                CauseChange("bruger00006", "missing_in_source", "lost_source_to_local"),
            ),
            gone=("gammel.bruger",),
        ),
        task=tuple(
            TaskStep(n, title, "2024-05-02T08:30:00+00:00" if n <= 3 else None, "")
            for n, title in enumerate(
                ["Find roller", "Find årsager", "Beslut", "Ret fejl", "Afslut"], start=1
            )
        ),
        decisions={
            accepted: Decision(
                accepted, "accept", "Fratræder 1. juni", "admin1", "2024-05-01T10:00:00"
            ),
            uncovered[1].user_id: Decision(
                uncovered[1].user_id, "fix", "Rettes af HR", "admin1", "2024-05-01T10:05:00"
            ),
        },
        task_decision=None,
    )
