"""What every report shows, derived once from an AuditResult (no I/O, no formatting).

Excel, HTML and JSON all take their orders, groupings and Danish texts from here,
so the three reports always agree.
"""

from __future__ import annotations

import contextlib
import functools
import operator
import weakref
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from telefonspor.localtime import danish_datetime as danish_datetime
from telefonspor.model import (
    CAUSE_CODES,
    PARTY_CODES,
    AuditResult,
    Decision,
    HolderResult,
    Hop,
    ReportContext,
    SystemicFinding,
    TaskStep,
)
from telefonspor.texts import (
    CAUSE_EXPLANATIONS,
    FINDING_LABELS,
    POSITION_LABELS,
    SLOT_LABELS,
    system_label,
)
from telefonspor.texts import danish_number as danish_number

_CAUSE_RANK: Final = {code: i for i, code in enumerate(CAUSE_CODES)}

#: The KLIK task's five steps (DOMAIN.md), used when no stored task status is given.
TASK_TITLES: Final = (
    "Find rollerne uden telefonnummer",
    "Find årsagen til hvert tilfælde",
    "Beslut, om der skal handles",
    "Ret fejlene sammen med de involverede parter",
    "Markér opgaven som løst",
)

#: One Excel sheet per responsible party (<= 31 characters, none of []:*?/\).
PARTY_SHEETS: Final = {
    "klik_admin": "KLIK-administrator",
    "hr": "HR",
    "employee": "Medarbejdere",
    "supplier": "Leverandør",
    "sync_operator": "Synkronisering",
    "kombit": "KOMBIT",
}

DECISION_LABELS: Final = {"fix": "Rettes", "accept": "Accepteret (handles ikke)"}


@dataclass(frozen=True, slots=True)
class ChainStep:
    """A place in the chain where numbers were lost, with how many holders."""

    label: str
    causes: tuple[str, ...]
    holders: int


#: Where each cause loses the number, upstream first (the chain diagram's order).
_CHAIN: Final = (
    ("Kilde (aldrig registreret eller ugyldigt)", ("missing_in_source", "invalid_in_source")),
    ("Kilde → Lokal organisationsløsning", ("lost_source_to_local",)),
    ("Lokal organisationsløsning → FK-ORG", ("lost_local_to_fkorg", "lost_before_fkorg")),
    ("FK-ORG → KLIK", ("lost_fkorg_to_klik",)),
    ("Ikke i FK-ORG (gammel KLIK-bruger)", ("legacy_klik_user",)),
    ("Årsag kan ikke afgøres", ("undetermined",)),
)

#: The boxes of the chain diagram.
CHAIN_BOXES: Final = ("Kilde", "Lokal organisationsløsning", "FK-ORG", "KLIK")


def holder_order(holders: Iterable[HolderResult]) -> list[HolderResult]:
    """Uncovered first (by cause order, then user id), then covered by user id."""
    # The order of sorted(holders, key=_holder_key), without a tuple per holder: sort by user
    # id (a C key), then the uncovered stably by cause rank.
    by_id = sorted(holders, key=_USER_ID)
    uncovered = [h for h in by_id if not h.covered]
    uncovered.sort(key=_cause_rank)
    uncovered += [h for h in by_id if h.covered]
    return uncovered


_USER_ID: Final = operator.attrgetter("user_id")


#: The last result's holders in report order and how many are uncovered (they come first),
#: while that result lives: the three writers order the same holders one after the other,
#: and a national result's sort by user id is ~0.1 s each time.
_last_order: tuple[weakref.ref[AuditResult], tuple[HolderResult, ...], int] | None = None


def report_order(result: AuditResult) -> tuple[tuple[HolderResult, ...], int]:
    """(``holder_order(result.holders)``, how many of them are uncovered: the first ones)."""
    global _last_order
    cached = _last_order
    if cached is not None and cached[0]() is result:
        return cached[1], cached[2]
    ordered = holder_order(result.holders)
    uncovered = len(ordered) - sum(map(_COVERED, ordered))
    order = tuple(ordered)
    # A frozen result's holders never change: the order holds until the result is gone. (A
    # result type without weak references is ordered each time.)
    with contextlib.suppress(TypeError):
        _last_order = (weakref.ref(result, _forget_order), order, uncovered)
    return order, uncovered


_COVERED: Final = operator.attrgetter("covered")


def _forget_order(_: object) -> None:
    global _last_order
    _last_order = None


def _cause_rank(h: HolderResult) -> int:
    return _CAUSE_RANK.get(h.cause or "", len(CAUSE_CODES))


def _holder_key(h: HolderResult) -> tuple[int, int, str]:
    if h.covered:
        return (1, 0, h.user_id)
    return (0, _CAUSE_RANK.get(h.cause or "", len(CAUSE_CODES)), h.user_id)


#: Default for the setting ``report.trace_all_up_to`` when a result carries no settings.
TRACE_ALL_UP_TO: Final = 10_000


def trace_holders(result: AuditResult) -> Sequence[HolderResult]:
    """The holders the "Spor" sheet lists: all of them, or at scale only those a person reads.

    Above ``report.trace_all_up_to`` holders, a covered holder whose numbers have no finding
    (an empty field aside) is left out of the sheet; resultat.json still holds every trace.
    """
    if _traces_all(result):
        return result.holders
    return [h for h in result.holders if not h.covered or _has_finding(h)]


def _traces_all(result: AuditResult) -> bool:
    limit = result.settings_used.get("report.trace_all_up_to", TRACE_ALL_UP_TO)
    return len(result.holders) <= int(limit)


def trace_order(result: AuditResult) -> Sequence[HolderResult]:
    """``holder_order(trace_holders(result))``, from the result's ``report_order``."""
    ordered, uncovered = report_order(result)
    if _traces_all(result):
        return ordered
    # The uncovered holders come first, then the covered in user id order: a filter keeps both.
    return [*ordered[:uncovered], *filter(_has_finding, ordered[uncovered:])]


def _has_finding(h: HolderResult) -> bool:
    """A finding other than "missing" on either field."""
    direct, mobile = h.direct.findings, h.mobile.findings
    # any(code != "missing" ...) without a generator per holder
    return direct.count("missing") != len(direct) or mobile.count("missing") != len(mobile)


def decisions(context: ReportContext | None) -> dict[str, Decision]:
    return dict(context.decisions) if context is not None else {}


def is_accepted(h: HolderResult, decided: dict[str, Decision]) -> bool:
    d = decided.get(h.user_id)
    return d is not None and d.decision == "accept"


def split_uncovered(
    result: AuditResult, context: ReportContext | None
) -> tuple[list[HolderResult], list[HolderResult]]:
    """(open cases, accepted cases) among uncovered holders, in report order."""
    decided = decisions(context)
    ordered, count = report_order(result)
    uncovered = list(ordered[:count])  # holder_order(result.uncovered())
    if not decided:  # no decisions (a plain audit): every case is open
        return uncovered, []
    open_ = [h for h in uncovered if not is_accepted(h, decided)]
    accepted = [h for h in uncovered if is_accepted(h, decided)]
    return open_, accepted


def problem_text(h: HolderResult) -> str:
    """ "Hvad er galt": the findings on both fields, in Danish."""
    # Few distinct pairs of findings occur: each text is made once (per process).
    return _problem_text(tuple(h.direct.findings), tuple(h.mobile.findings))


@functools.lru_cache(maxsize=4096)
def _problem_text(direct: tuple[str, ...], mobile: tuple[str, ...]) -> str:
    parts = [_slot_problem("direct", direct), _slot_problem("mobile", mobile)]
    return "; ".join(p for p in parts if p)


def _slot_problem(slot: str, findings: tuple[str, ...]) -> str:
    if not findings:
        return ""
    labels = ", ".join(FINDING_LABELS.get(c, c) for c in findings)
    return f"{SLOT_LABELS[slot]}: {labels}"


def explanation(h: HolderResult) -> str:
    if h.cause_detail:
        return h.cause_detail
    return CAUSE_EXPLANATIONS.get(h.cause or "", "")


def decision_text(decision: Decision | None) -> str:
    if decision is None:
        return ""
    label = DECISION_LABELS.get(decision.decision, decision.decision)
    return f"{label}: {decision.reason}" if decision.reason else label


def chain_losses(result: AuditResult) -> list[ChainStep]:
    causes = Counter(h.cause for h in result.holders if not h.covered and h.cause)
    return [ChainStep(label, codes, sum(causes[c] for c in codes)) for label, codes in _CHAIN]


def cause_counts(result: AuditResult) -> list[tuple[str, int]]:
    """(cause code, holders) in the contract's cause order, only causes that occur."""
    counts = Counter(h.cause for h in result.holders if not h.covered and h.cause)
    return [(c, counts[c]) for c in CAUSE_CODES if counts[c]]


def task_steps(result: AuditResult, context: ReportContext | None) -> list[TaskStep]:
    """The stored task status, or: this run did steps 1 and 2."""
    if context is not None and context.task:
        return sorted(context.task, key=lambda s: s.number)
    return [
        TaskStep(n, title, result.generated_at if n <= 2 else None)
        for n, title in enumerate(TASK_TITLES, start=1)
    ]


def municipality(result: AuditResult) -> str:
    """The municipality's name: the setting, else the most common value in the export."""
    configured = result.settings_used.get("audit.municipality_name")
    if isinstance(configured, str) and configured.strip():
        return configured.strip()
    names = Counter(h.municipality for h in result.holders if h.municipality)
    return names.most_common(1)[0][0] if names else ""


def hop_columns(holders: Sequence[HolderResult]) -> list[str]:
    """Trace keys in chain order (first appearance), one per configured system."""
    return hop_keys(keyed_hops(h.trace) for h in holders)


def hop_keys(keyed: Iterable[Sequence[tuple[str, Hop]]]) -> list[str]:
    """``hop_columns`` from the holders' ``keyed_hops``."""
    return trace_keys(dict(pairs) for pairs in keyed)


def trace_keys(traces: Iterable[dict[str, Hop]]) -> list[str]:
    """``hop_columns`` from the holders' ``keyed_trace``."""
    seen: dict[str, Hop] = {}
    for trace in traces:
        seen.update(trace)  # a key seen before keeps its place
    keys = list(seen)
    # KLIK is the end of the chain: always last.
    return [k for k in keys if k != "klik"] + (["klik"] if "klik" in seen else [])


def keyed_hops(trace: Sequence[Hop]) -> list[tuple[str, Hop]]:
    """Hops with a unique key: the system, with "#2" for a second system of the same kind."""
    if len(trace) == 1:  # a KLIK-only audit
        return [(trace[0].system, trace[0])]
    systems = [hop.system for hop in trace]
    if len(set(systems)) == len(systems):  # the common case: each kind once
        return list(zip(systems, trace, strict=True))
    counts: Counter[str] = Counter()
    out = []
    for hop in trace:
        counts[hop.system] += 1
        n = counts[hop.system]
        out.append((hop.system if n == 1 else f"{hop.system}#{n}", hop))
    return out


def keyed_trace(trace: Sequence[Hop]) -> dict[str, Hop]:
    """``dict(keyed_hops(trace))``: the hops by their unique key, in chain order."""
    # The common trace has each system once: keyed by system, the dict is as long as the
    # trace and is keyed_hops' (without its list of systems and set); else the general path.
    if len(trace) == 1:  # a KLIK-only audit: no comprehension for one hop
        return {trace[0].system: trace[0]}
    keyed = {hop.system: hop for hop in trace}
    if len(keyed) != len(trace):
        keyed = dict(keyed_hops(trace))
    return keyed


def hop_label(key: str) -> str:
    system, _, n = key.partition("#")
    return f"{system_label(system)} ({n})" if n else system_label(system)


def position_label(position: str) -> str:
    return POSITION_LABELS.get(position, position)


def party_order() -> tuple[str, ...]:
    return PARTY_CODES


def gap_closed_pct(gained: int, gap: int) -> float:
    """Share of the gap (uncovered roles) closed, capped at 100."""
    return min(100.0, round(100.0 * gained / gap, 1)) if gap else 0.0


def ranked_gains(result: AuditResult) -> list[tuple[SystemicFinding, float]]:
    """ "Største gevinster": every ranked item with the share of the gap closed with those above.

    The one computation the terminal, the HTML report, Excel and resultat.json show:
    the same items, in the same order, with the same rounding (one decimal).
    """
    s = result.summary
    gap = s.roles - s.roles_covered
    running, out = 0, []
    for f in sorted(result.systemic, key=lambda f: (-f.roles_gained, f.code)):
        # Fixes overlap: the cumulative gain is replayed together, not summed.
        running = f.cumulative_roles_gained or running + f.roles_gained
        out.append((f, gap_closed_pct(running, gap)))
    return out


KEY_LABELS: Final = {
    "user_id": "brugernavn",
    "uuid": "UUID",
    "employee_id": "medarbejdernummer",
    "email": "e-mail",
    "name": "navn",
}
CONFIDENCE_LABELS: Final = {"exact": "sikker", "probable": "sandsynlig", "ambiguous": "tvetydig"}
