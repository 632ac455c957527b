"""The data every layer shares: plain frozen dataclasses, no I/O.

Readers (``sources/``) produce :class:`KlikUser` and :class:`SourceRecord`;
the core (``audit``) turns them into an :class:`AuditResult`; reports, the
store and the web app only read that result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple, Protocol

import msgspec

from telefonspor.catalogue import CAUSES, FINDINGS, PARTIES

# --- codes -------------------------------------------------------------------

# Derived from the catalogue (one entry per code); the names stay for every caller.
#: Data-quality findings (DESIGN.md contract), in the order reports list them.
FINDING_CODES: Final = tuple(f.code for f in FINDINGS)
#: Findings that make a value unusable; every other finding leaves it usable.
UNUSABLE_FINDINGS: Final = frozenset(f.code for f in FINDINGS if not f.usable)
#: Findings on a usable value that is no *direct reach* (a switchboard, not the person).
NOT_DIRECT_REACH_FINDINGS: Final = frozenset(
    f.code for f in FINDINGS if f.usable and not f.direct_reach
)
#: Why a holder has no usable number (DESIGN.md contract), in the order reports list them.
CAUSE_CODES: Final = tuple(c.code for c in CAUSES)
#: Parties who can fix something; labels live in the catalogue.
PARTY_CODES: Final = tuple(p.code for p in PARTIES)

#: Chain positions, upstream first.
POSITIONS: Final = ("source", "local", "sync", "fkorg")

SLOTS: Final = ("direct", "mobile")


# --- phone values ---------------------------------------------------------------


class _PhoneFields(NamedTuple):
    raw: str
    e164: str | None
    kind: str  # "mobile" | "landline" | "unknown"
    findings: tuple[str, ...]
    usable: bool


class PhoneValue(_PhoneFields):
    """One phone cell after parsing.

    ``e164`` is set whenever digits formed a plausible number (also for
    placeholders, so they can be counted as shared); ``usable`` says whether
    KOMBIT could call it: ``e164`` is set and no finding makes the value unusable.

    A NamedTuple rather than a frozen dataclass: an audit makes one per phone cell, and
    ``phones`` builds them with ``tuple.__new__`` at a third of a dataclass's cost. It
    stays immutable, equals only another PhoneValue (never a plain tuple), and equal
    values hash equal.

    ``usable`` is derived from the other fields when a value is made (an audit and its
    reports ask it five times a value: a field costs a tenth of a property). It is no
    argument: ``PhoneValue(raw, e164, kind, findings)`` computes it; whoever builds one
    with ``tuple.__new__`` passes it, computed the same way.
    """

    __slots__ = ()

    def __new__(
        cls, raw: str, e164: str | None, kind: str, findings: tuple[str, ...] = ()
    ) -> PhoneValue:
        usable = e164 is not None and UNUSABLE_FINDINGS.isdisjoint(findings)
        return _new_phone(cls, (raw, e164, kind, findings, usable))

    def with_findings(self, *codes: str) -> PhoneValue:
        """Return a copy with ``codes`` added (order kept, no duplicates)."""
        raw, e164, kind, findings, usable = self
        new = tuple([c for c in codes if c not in findings])
        if not new:
            return self
        usable = usable and UNUSABLE_FINDINGS.isdisjoint(new)
        return _new_phone(PhoneValue, (raw, e164, kind, findings + new, usable))

    # NamedTuple's _replace would copy ``usable`` as it was: made from the four fields.
    def _replace(self, **changes: Any) -> PhoneValue:
        raw, e164, kind, findings, _ = self
        return PhoneValue(
            changes.pop("raw", raw),
            changes.pop("e164", e164),
            changes.pop("kind", kind),
            changes.pop("findings", findings),
            **changes,  # anything else (``usable``) is refused, as an unknown field is
        )

    def __getnewargs__(self) -> tuple[Any, ...]:  # copy and pickle: the four fields
        return tuple(self)[:4]

    def __repr__(self) -> str:
        return (
            f"PhoneValue(raw={self.raw!r}, e164={self.e164!r}, kind={self.kind!r}, "
            f"findings={self.findings!r})"
        )

    # A dataclass's equality: only a PhoneValue equals a PhoneValue (not a plain tuple).
    def __eq__(self, other: object) -> bool:
        return type(other) is PhoneValue and tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return type(other) is not PhoneValue or tuple.__ne__(self, other)

    # __hash__ stays tuple's: equal values hash equal, as with the frozen dataclass.
    __hash__ = tuple.__hash__


# tuple.__new__ skips the generated and our own __new__: a third of the cost of building one.
_new_phone: Final = tuple.__new__

EMPTY_PHONE: Final = PhoneValue("", None, "unknown", ("missing",))


# --- the KLIK export ----------------------------------------------------------------


# A Struct, not a frozen dataclass (as the chain's records below): the reader makes one per
# user, and a Struct is built in a tenth of the time. ``gc=False``: it holds only strings,
# an int and a tuple of strings. Copy with ``msgspec.structs.replace``.
class KlikUser(msgspec.Struct, frozen=True, gc=False):
    """One KLIK user, rows of the same user already merged."""

    user_id: str  # the grouping key: user name, else e-mail, else name
    name: str
    email: str
    unit: str
    municipality: str
    roles: tuple[str, ...]
    direct_raw: str
    mobile_raw: str
    row: int  # first sheet row (1-based) of this user
    user_name: str = ""  # the user-name cell as written ("" when the key fell back)


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file that went into a run (for the report and the store)."""

    path: str
    kind: str
    sha256: str = ""
    sheet: str = ""
    rows: int = 0


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem in the data: reported, never raised (frictionless style)."""

    code: str
    message: str  # Danish, ready for a report
    field: str = ""  # "direct" | "mobile" | a column or system name
    row: int | None = None
    user_id: str = ""
    system: str = ""


@dataclass(frozen=True, slots=True)
class KlikExport:
    """Everything read from a KLIK user export."""

    users: tuple[KlikUser, ...]
    file: InputFile
    has_roles_column: bool
    columns: Mapping[str, str]  # field -> header text actually used
    findings: tuple[Finding, ...] = ()  # row-level problems (conflicting duplicates, ...)


# --- records from the systems of the chain ------------------------------------------------


# The chain's records are msgspec Structs, not dataclasses: a national run builds millions of
# them, and a frozen slots dataclass costs ~1.5 µs to construct against ~0.15 µs for a Struct.
# ``gc=False``: they only hold strings, bools and tuples of each other, so they can never be
# part of a reference cycle, and the collector need not track them (16 bytes less each).
# ``omit_defaults``: msgpack sent from a forked reader (edge.parallel_read) leaves out fields
# equal to their default, so the decoded records share the one default object.
# Copy with ``msgspec.structs.replace`` (``dataclasses.replace`` does not take them).


class PhoneEntry(msgspec.Struct, frozen=True, gc=False, omit_defaults=True):
    """A phone number as one system holds it, before any sync rule applies.

    ``type`` is the system's own name for it: the OS2sofd ``phoneType``, the
    OS2mo address type ``user_key`` (its class UUID is ``type_uuid``), the AD attribute, the FK-ORG address role
    (``FastnetTelefon``/``Telefon``), the OS2sync field (``Landline``/``PhoneNumber``).
    The rules in ``rules/`` decide which slot it feeds.
    """

    raw: str
    type: str
    visibility: str = ""  # upper-case system value ("VISIBLE", "PUBLIC", ...); "" unknown
    prime: bool = False
    type_prime: bool = False
    owner: str = ""  # OS2mo: "person" or "it_user"; else ""
    type_uuid: str = ""  # OS2mo: the address type's class UUID (what the export matches on)


class SourceRecord(msgspec.Struct, frozen=True, gc=False, omit_defaults=True):
    """One user/account as one system of the chain knows it.

    A system with persons holding several accounts (OS2sofd, OS2mo) yields one
    record per account, sharing ``person_key`` and ``phones``.
    """

    system: str  # source kind: "ad", "os2sofd", "os2mo", "os2sync-db", "fkorg", "opus", "hr"
    user_id: str  # account name as written (sAMAccountName, FK-ORG brugernavn, ...); may be ""
    uuid: str = ""  # canonical lower-case UUID (objectGUID, kombitUuid, FK-ORG uuid)
    person_key: str = ""  # groups the records of one person inside this system
    employee_id: str = ""
    email: str = ""
    name: str = ""
    phones: tuple[PhoneEntry, ...] = ()
    active: bool = True  # enabled account, active affiliation/engagement
    flags: frozenset[str] = frozenset()  # facts the rules read, see rules/__init__.py
    error: str = ""  # e.g. the OS2sync failure text
    location: str = ""  # where in the input, for messages: "ad.csv række 12"


@dataclass(frozen=True, slots=True)
class SourceData:
    """What one configured system delivered."""

    kind: str
    position: str  # one of POSITIONS
    records: tuple[SourceRecord, ...]
    origin: str  # file path or URL, for the report
    complete: bool = True  # False when a live fetch stopped early
    notes: tuple[
        str, ...
    ] = ()  # Danish remarks for the report (e.g. "kun mobil fra /api/hierarchy")
    files: tuple[InputFile, ...] = ()


# --- the result ---------------------------------------------------------------------


# A Struct for the same reason as the records (one per system per holder: a million at
# national); ``gc=False``: it holds only strings, a bool and a tuple of strings.
class Hop(msgspec.Struct, frozen=True, gc=False):
    """One system in a holder's trace."""

    system: str
    position: str
    found: bool
    direct: str = ""  # the number the system holds for the direct slot ("" none)
    mobile: str = ""
    sent_direct: str = ""  # what it passes on after its rules
    sent_mobile: str = ""
    key: str = ""  # how the record was linked: "user_id", "uuid", "employee_id", "email", "name"
    confidence: str = ""  # "exact" | "probable" | "ambiguous" | ""
    notes: tuple[str, ...] = ()


# A Struct for the same reason (one per holder, built in the audit's loop); ``gc=False``: it
# holds strings, bools, PhoneValues, Hops, a LegacyTwin and tuples of them, none of which
# can refer back to it. Copy with ``msgspec.structs.replace``.
class HolderResult(msgspec.Struct, frozen=True, gc=False):
    """A role holder after phone evaluation and diagnosis."""

    user_id: str
    name: str
    email: str
    unit: str
    municipality: str
    roles: tuple[str, ...]
    row: int
    direct: PhoneValue
    mobile: PhoneValue
    covered: bool
    direct_reach: bool
    cause: str | None = None  # a CAUSE_CODES entry; None when covered
    cause_detail: str = ""
    responsible: str = ""  # a PARTY_CODES entry
    action: str = ""
    rule: str = ""  # stable id of the replayed rule that lost the number, if any
    trace: tuple[Hop, ...] = ()
    flags: tuple[str, ...] = ()  # "stale", "no_active_employment", "ambiguous_match", ...
    #: legacy_klik_user holders only: the person's FK-ORG user, if one was found (issue 18)
    legacy_twin: LegacyTwin | None = None
    #: legacy_klik_user holders only: roles no other holder in the municipality has
    sole_roles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LegacyTwin:
    """The FK-ORG user an old KLIK user's roles should move to (see ``twins``).

    ``matched_by`` is "email", "upn", "name_unit" or "ambiguous"; when ambiguous,
    ``user_id`` is "" and ``candidates`` lists the FK-ORG users that fit.
    ``direct``/``mobile`` are the twin's numbers as KLIK (else FK-ORG) holds them;
    ``covered`` says whether moving the roles gives a usable number today.
    """

    user_id: str
    matched_by: str
    confidence: str  # "probable" | "possible" | "ambiguous"
    covered: bool
    direct: str = ""
    mobile: str = ""
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GroupCoverage:
    """Coverage for one role name or one unit."""

    name: str
    holders: int
    covered_holders: int
    roles: int
    roles_covered: int

    @property
    def coverage_pct(self) -> float:
        return pct(self.roles_covered, self.roles)


@dataclass(frozen=True, slots=True)
class Summary:
    role_holders: int
    roles: int
    covered_holders: int
    roles_covered: int
    direct_reach_holders: int
    findings: Mapping[str, int]
    causes: Mapping[str, int]
    users_without_roles: int = 0

    @property
    def coverage_pct(self) -> float:
        return pct(self.roles_covered, self.roles)

    @property
    def holder_coverage_pct(self) -> float:
        return pct(self.covered_holders, self.role_holders)


@dataclass(frozen=True, slots=True)
class SystemicFinding:
    """A configuration fault that explains many holders at once (issue 9)."""

    code: str
    title: str  # Danish
    evidence: Mapping[str, int]
    evidence_text: str  # Danish sentence with the counts
    fix: str  # Danish: the one change that fixes it
    setting: str  # the what-if assignment that replays the fix, e.g. "os2sofd.send_hidden_phone_numbers=true"
    responsible: str
    roles_gained: int
    holders_gained: int
    user_ids: tuple[str, ...] = ()
    #: roles gained by this fix together with every fix ranked above it
    cumulative_roles_gained: int = 0


@dataclass(frozen=True, slots=True, weakref_slot=True)  # weakref: reports.view.report_order
class AuditResult:
    summary: Summary
    holders: tuple[HolderResult, ...]
    users_without_roles: tuple[KlikUser, ...]
    findings: tuple[Finding, ...]  # every data finding (phone and row level)
    by_role: tuple[GroupCoverage, ...]
    by_unit: tuple[GroupCoverage, ...]
    generated_at: str  # ISO 8601, UTC
    inputs: tuple[InputFile, ...] = ()
    sources: tuple[SourceData, ...] = field(default=(), repr=False)
    source_notes: tuple[str, ...] = ()
    systemic: tuple[SystemicFinding, ...] = ()
    settings_used: Mapping[str, Any] = field(default_factory=dict)
    #: the command-line arguments that read this run's inputs again (KLIK export, --config,
    #: --source, --map, --set), so reports can print commands that run as printed; () when the
    #: run did not come from a command line (web uploads)
    rerun: tuple[str, ...] = ()

    def uncovered(self) -> tuple[HolderResult, ...]:
        return tuple(h for h in self.holders if not h.covered)

    def flatten(self, fields: Sequence[str]) -> list[tuple[Any, ...]]:
        """Rows of the named holder attributes, for compact test asserts."""
        return [tuple(getattr(h, f) for f in fields) for h in self.holders]


def pct(part: int, whole: int) -> float:
    """Percentage with one decimal; 0 of 0 is 0.0 (nothing to cover)."""
    return round(100.0 * part / whole, 1) if whole else 0.0


# --- follow-up across runs (store fills these; reports show them) ----------------------------


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One stored run, for the trend chart."""

    run_id: int
    started_at: str  # ISO 8601
    coverage_pct: float
    roles: int
    roles_covered: int
    causes: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CauseChange:
    user_id: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class Changes:
    """What changed between two runs ("Ændringer siden sidst")."""

    from_run: int
    to_run: int
    fixed: tuple[str, ...] = ()  # user ids covered now, uncovered before
    newly_missing: tuple[str, ...] = ()  # uncovered now, covered before or new holders
    changed_cause: tuple[CauseChange, ...] = ()
    gone: tuple[str, ...] = ()  # holders no longer in KLIK
    #: Of ``fixed``: holders whose own number was written back by self-service before the run.
    via_selfservice: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Decision:
    """Task step 3: act or not, for one holder ('' = the whole task)."""

    user_id: str
    decision: str  # "fix" | "accept"
    reason: str
    decided_by: str
    decided_at: str  # ISO 8601


@dataclass(frozen=True, slots=True)
class TaskStep:
    number: int  # 1-5, the KLIK task's steps
    title: str  # Danish
    done_at: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class ReportContext:
    """Everything a report shows beyond one run's result."""

    run_id: int | None = None
    trend: tuple[TrendPoint, ...] = ()
    changes: Changes | None = None
    task: tuple[TaskStep, ...] = ()
    decisions: Mapping[str, Decision] = field(default_factory=dict)  # user_id -> decision
    task_decision: Decision | None = None  # whole-task decision, if any


# --- a run read back (reports.jsonin fills these; fix files, notify and the web read them) ---


class Holders(Protocol):
    """What follow-up work reads from a run: a fresh :class:`AuditResult` or a :class:`LoadedRun`.

    Fix files, notifications and the web app's pages need only the figures and the holders,
    so they take this and work the same on a run just audited and on one read back.
    """

    @property
    def summary(self) -> Summary: ...

    @property
    def holders(self) -> tuple[HolderResult, ...]: ...

    @property
    def generated_at(self) -> str: ...

    def uncovered(self) -> tuple[HolderResult, ...]: ...


@dataclass(frozen=True, slots=True)
class LoadedRun:
    """A run read back from its ``resultat.json``: exactly what the file keeps.

    The figures, every holder with phones, cause and trace, and the decisions saved
    with it. Not the findings list, the group tables, the systemic findings, the
    sources or the settings used: the file keeps them for people, not for re-reading,
    so they are absent here instead of empty look-alikes of an :class:`AuditResult`.
    """

    summary: Summary
    holders: tuple[HolderResult, ...]
    generated_at: str  # ISO 8601, UTC ("" when the file has none)
    decisions: Mapping[str, Decision] = field(default_factory=dict)  # user_id -> decision
    municipality: str = ""
    #: the stored run's number the file was written for (None: a run that was not saved)
    run_id: int | None = None
    #: the resultat.json it was read from
    path: str = ""

    def uncovered(self) -> tuple[HolderResult, ...]:
        return tuple(h for h in self.holders if not h.covered)
