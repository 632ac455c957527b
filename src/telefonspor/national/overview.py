"""Combine statements, results and national KLIK exports into one overview of all 98 municipalities.

Inputs are recognised by content: a JSON file with schema
``telefonspor/statement/v1`` or ``telefonspor/audit/v1``, anything else is
read as a KLIK export with a ``Kommune`` column (name or code) and audited
per municipality. Every municipality text that cannot be placed is kept in
:attr:`Overview.unmatched` with a Danish warning: nothing is dropped silently.
When one municipality has several statements, the newest counts and the one
before it gives the change in percentage points.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Final

from telefonspor.audit import run_audit
from telefonspor.errors import InputError
from telefonspor.model import KlikExport, KlikUser, pct
from telefonspor.national import statement as st
from telefonspor.national.municipalities import (
    MUNICIPALITIES,
    REGIONS,
    Municipality,
    match_municipality,
)
from telefonspor.reports.jsonin import is_result
from telefonspor.reports.jsonout import AUDIT_SCHEMA
from telefonspor.settings import Key, Settings, defaults

_JSON_SUFFIXES: Final = (".json",)


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A municipality text from an input that is not one of the 98."""

    input: str  # file name
    name: str  # as written; "" when the cell or field was empty
    users: int = 0  # KLIK users under that text (0 for a statement or result)

    @property
    def message(self) -> str:
        if self.users and not self.name:
            return f"{self.input}: {self.users} brugere uden kommune er ikke med i oversigten."
        if self.users:
            return (
                f"{self.input}: kommunen '{self.name}' blev ikke genkendt "
                f"({self.users} brugere er ikke med i oversigten)."
            )
        if not self.name:
            return (
                f"{self.input}: det fremgår ikke, hvilken kommune tallene gælder; "
                "filen er ikke med i oversigten."
            )
        return (
            f"{self.input}: kommunen '{self.name}' blev ikke genkendt; "
            "filen er ikke med i oversigten."
        )


@dataclass(frozen=True, slots=True)
class Entry:
    """One municipality in the overview: its newest statement and the one before."""

    municipality: Municipality
    current: st.Statement | None = None
    previous: st.Statement | None = None

    @property
    def has_data(self) -> bool:
        return self.current is not None and self.current.roles > 0

    @property
    def coverage_pct(self) -> float | None:
        return self.current.coverage_pct if self.has_data and self.current else None

    @property
    def previous_coverage_pct(self) -> float | None:
        if self.previous is None or self.previous.roles == 0:
            return None
        return self.previous.coverage_pct

    @property
    def change(self) -> float | None:
        """Change in percentage points since the previous statement."""
        now, before = self.coverage_pct, self.previous_coverage_pct
        if now is None or before is None:
            return None
        return round(now - before, 1)


@dataclass(frozen=True, slots=True)
class Totals:
    """Sums over a group of municipalities (a region or the whole country)."""

    name: str
    municipalities: int
    with_data: int
    roles: int
    roles_covered: int
    role_holders: int
    covered_holders: int
    causes: Mapping[str, int] = field(default_factory=dict)
    findings: Mapping[str, int] = field(default_factory=dict)
    code: str = ""

    @property
    def coverage_pct(self) -> float | None:
        return pct(self.roles_covered, self.roles) if self.roles else None

    @property
    def holder_coverage_pct(self) -> float | None:
        return pct(self.covered_holders, self.role_holders) if self.role_holders else None


@dataclass(frozen=True, slots=True)
class Overview:
    entries: tuple[Entry, ...]  # all 98, in code order
    regions: tuple[Totals, ...]
    national: Totals
    unmatched: tuple[Unmatched, ...] = ()
    warnings: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()
    generated_at: str = ""

    def ranking(self) -> list[Entry]:
        """Highest coverage first; municipalities without data last, by name."""
        with_data = sorted(
            (e for e in self.entries if e.coverage_pct is not None),
            key=lambda e: (-(e.coverage_pct or 0.0), e.municipality.name),
        )
        without = sorted(
            (e for e in self.entries if e.coverage_pct is None), key=lambda e: e.municipality.name
        )
        return [*with_data, *without]

    def rank_of(self, entry: Entry) -> int | None:
        """1-based position among municipalities with data (equal coverage, equal rank)."""
        if entry.coverage_pct is None:
            return None
        return 1 + sum(
            1
            for e in self.entries
            if e.coverage_pct is not None and e.coverage_pct > entry.coverage_pct
        )


def build_overview(
    inputs: Sequence[Path],
    settings: Settings | None = None,
    *,
    now: datetime | None = None,
) -> Overview:
    """Read every input and combine them; InputError for a file that cannot be used at all."""
    config = settings or defaults()
    statements: list[st.Statement] = []
    unmatched: list[Unmatched] = []
    for path in inputs:
        found, missed = _read_input(Path(path), config)
        statements.extend(found)
        unmatched.extend(missed)
    return combine(
        statements,
        unmatched,
        inputs=tuple(str(p) for p in inputs),
        generated_at=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
    )


def combine(
    statements: Iterable[st.Statement],
    unmatched: Iterable[Unmatched] = (),
    *,
    inputs: tuple[str, ...] = (),
    generated_at: str = "",
) -> Overview:
    """The overview of already-read statements (the web page uses this after its uploads)."""
    warnings: list[str] = []
    by_code: defaultdict[str, list[st.Statement]] = defaultdict(list)
    for s in statements:
        by_code[s.municipality.code].append(s)
    entries = []
    for m in MUNICIPALITIES:
        current, previous, note = _newest_two(by_code.get(m.code, []))
        if note:
            warnings.append(note)
        entries.append(Entry(m, current, previous))
    missed = tuple(unmatched)
    warnings.extend(u.message for u in missed)
    regions = tuple(
        _totals(r.name, [e for e in entries if e.municipality.region == r], code=r.code)
        for r in REGIONS
    )
    return Overview(
        entries=tuple(entries),
        regions=regions,
        national=_totals("Hele landet", entries),
        unmatched=missed,
        warnings=tuple(warnings),
        inputs=inputs,
        generated_at=generated_at,
    )


# --- reading inputs ---------------------------------------------------------------


def _read_input(path: Path, settings: Settings) -> tuple[list[st.Statement], list[Unmatched]]:
    if path.suffix.lower() in _JSON_SUFFIXES:
        doc = st.read_json(path)
        schema = doc.get("schema")
        try:
            if schema == st.STATEMENT_SCHEMA:
                return [st.from_statement_json(doc, origin=str(path))], []
            if is_result(doc):
                return [st.from_result_json(doc, None, origin=str(path))], []
        except st.UnknownMunicipality as exc:
            return [], [Unmatched(path.name, exc.name)]
        raise InputError(
            f"JSON-filen er hverken en dækningserklæring ('{st.STATEMENT_SCHEMA}') eller et "
            f"resultat ('{AUDIT_SCHEMA}'), men har schema '{schema}'.",
            path=str(path),
        )
    return _read_national_klik(path, settings)


def _read_national_klik(
    path: Path, settings: Settings
) -> tuple[list[st.Statement], list[Unmatched]]:
    # Imported here: the reader pulls in the spreadsheet libraries only when a KLIK file is given.
    from telefonspor.sources.klik import read_klik

    export = read_klik(path, overrides=settings.klik_map, sheet=settings.get(Key.KLIK_SHEET))
    if "municipality" not in export.columns:
        raise InputError(
            "KLIK-eksporten har ingen kolonne med kommunen (fx 'Kommune'). En landsdækkende "
            "eksport skal have kommunens navn eller kode i hver række; ellers brug "
            "erklæringer (telefonspor statement).",
            path=str(path),
        )
    groups: defaultdict[str, list[KlikUser]] = defaultdict(list)
    missed: Counter[str] = Counter()
    places: dict[str, Municipality | None] = {}
    for user in export.users:
        text = user.municipality.strip()
        if text not in places:
            places[text] = match_municipality(text)
        found = places[text]
        if found is None:
            missed[text] += 1
        else:
            groups[found.code].append(user)
    measured_at = _file_moment(path)
    statements = [
        _audit_group(export, users, settings, measured_at, str(path))
        for users in groups.values()
        if any(u.roles for u in users)
    ]
    unmatched = [Unmatched(path.name, text, count) for text, count in sorted(missed.items())]
    return statements, unmatched


def _audit_group(
    export: KlikExport,
    users: list[KlikUser],
    settings: Settings,
    measured_at: str,
    origin: str,
) -> st.Statement:
    """The same audit as `telefonspor audit`, on one municipality's rows and without sources."""
    ids = {u.user_id for u in users}
    part = dataclasses.replace(
        export,
        users=tuple(users),
        findings=tuple(f for f in export.findings if f.user_id in ids),
    )
    result = run_audit(part, [], settings, generated_at=measured_at, with_systemic=False)
    s = result.summary
    found = match_municipality(users[0].municipality)
    if found is None:  # grouped by a match above; kept for the type checker
        raise InputError("Intern fejl: kommunen kunne ikke genfindes.", path=origin)
    return st.Statement(
        municipality=found,
        measured_at=measured_at,
        roles=s.roles,
        roles_covered=s.roles_covered,
        role_holders=s.role_holders,
        covered_holders=s.covered_holders,
        causes={k: v for k, v in s.causes.items() if v},
        findings={k: v for k, v in s.findings.items() if v},
        origin=origin,
    )


def _file_moment(path: Path) -> str:
    """A KLIK export carries no date; the file's modification time is when it was taken."""
    try:
        stamp = path.stat().st_mtime
    except OSError as exc:
        raise InputError(f"Filen kan ikke læses ({exc.strerror}).", path=str(path)) from exc
    return datetime.fromtimestamp(stamp, UTC).isoformat(timespec="seconds")


# --- combining ---------------------------------------------------------------------


def _sort_moment(s: st.Statement) -> datetime:
    text = s.measured_at
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _newest_two(
    found: list[st.Statement],
) -> tuple[st.Statement | None, st.Statement | None, str]:
    if not found:
        return None, None, ""
    # A stable sort keeps input order among equal moments: the last given wins.
    ordered = sorted(found, key=_sort_moment)
    current = ordered[-1]
    newest = _sort_moment(current)
    same = [s for s in ordered[:-1] if _sort_moment(s) == newest]
    older = [s for s in ordered if _sort_moment(s) < newest]
    note = ""
    if same:
        note = (
            f"{current.municipality.name}: {len(same) + 1} opgørelser fra samme tidspunkt "
            f"({current.date}); den sidst angivne ({Path(current.origin).name}) er brugt."
        )
    return current, (older[-1] if older else None), note


def _totals(name: str, entries: Sequence[Entry], *, code: str = "") -> Totals:
    causes: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    sums = Counter[str]()
    with_data = 0
    for e in entries:
        if e.current is None or not e.has_data:
            continue
        with_data += 1
        c = e.current
        sums.update(
            roles=c.roles,
            roles_covered=c.roles_covered,
            role_holders=c.role_holders,
            covered_holders=c.covered_holders,
        )
        causes.update(c.causes)
        findings.update(c.findings)
    return Totals(
        name=name,
        code=code,
        municipalities=len(entries),
        with_data=with_data,
        roles=sums["roles"],
        roles_covered=sums["roles_covered"],
        role_holders=sums["role_holders"],
        covered_holders=sums["covered_holders"],
        causes=dict(causes),
        findings=dict(findings),
    )


__all__ = ["Entry", "Overview", "Totals", "Unmatched", "build_overview", "combine"]
