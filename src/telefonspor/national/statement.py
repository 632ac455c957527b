"""Coverage statements (schema ``telefonspor/statement/v1``): one municipality's figures, no people.

A statement is what a municipality can share with KOMBIT or its neighbours:
counts only. It is built from a run (``resultat.json`` or a stored run) and
never copies a name, user id, e-mail address or phone number; cause and
finding counts are kept only under the project's own codes, so free text from
a tampered input cannot slip through either.

Schema v1 (fields may be added in v1, never renamed)::

    {
      "schema": "telefonspor/statement/v1",
      "municipality": {"code": "101", "name": "København", "region": "Region Hovedstaden"},
      "date": "2024-05-01",                  # day of the measurement
      "measured_at": "2024-05-01T08:00:00+00:00",
      "roles": 1200, "roles_covered": 870,   # role assignments, and those with a number
      "role_holders": 400, "covered_holders": 300,
      "coverage_pct": 72.5,                  # roles_covered / roles
      "holder_coverage_pct": 75.0,
      "causes": {"legacy_klik_user": 40, ...},
      "findings": {"missing": 120, ...},
      "generator": "telefonspor 0.1.0"
    }
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from telefonspor import __version__
from telefonspor.errors import InputError
from telefonspor.model import CAUSE_CODES, FINDING_CODES, pct
from telefonspor.national.municipalities import Municipality, match_municipality
from telefonspor.reports.jsonin import check_result
from telefonspor.sources.jsonfile import parse_json
from telefonspor.texts import FINDING_LABELS

if TYPE_CHECKING:
    from telefonspor.store.records import RunInfo

STATEMENT_SCHEMA: Final = "telefonspor/statement/v1"

#: Only these keys survive into a statement's count maps.
_CAUSE_KEYS: Final = frozenset(CAUSE_CODES)
_FINDING_KEYS: Final = frozenset(FINDING_CODES) | frozenset(FINDING_LABELS)
_COUNT_FIELDS: Final = ("roles", "roles_covered", "role_holders", "covered_holders")
#: No municipality has a billion role assignments; larger counts are a damaged file (and
#: beyond ~1e308 they could not even become a percentage or an Excel number).
MAX_COUNT: Final = 1_000_000_000


@dataclass(frozen=True, slots=True)
class Statement:
    """Aggregate coverage of one municipality at one moment."""

    municipality: Municipality
    measured_at: str  # ISO 8601 date or date-time
    roles: int
    roles_covered: int
    role_holders: int
    covered_holders: int
    causes: Mapping[str, int] = field(default_factory=dict)
    findings: Mapping[str, int] = field(default_factory=dict)
    origin: str = ""  # the input it came from, for messages (never written into a statement)

    @property
    def date(self) -> str:
        return self.measured_at[:10]

    @property
    def coverage_pct(self) -> float:
        return pct(self.roles_covered, self.roles)

    @property
    def holder_coverage_pct(self) -> float:
        return pct(self.covered_holders, self.role_holders)


def to_json(statement: Statement) -> dict[str, Any]:
    m = statement.municipality
    return {
        "schema": STATEMENT_SCHEMA,
        "municipality": {"code": m.code, "name": m.name, "region": m.region.name},
        "date": statement.date,
        "measured_at": statement.measured_at,
        "roles": statement.roles,
        "roles_covered": statement.roles_covered,
        "role_holders": statement.role_holders,
        "covered_holders": statement.covered_holders,
        "coverage_pct": statement.coverage_pct,
        "holder_coverage_pct": statement.holder_coverage_pct,
        "causes": _ordered(statement.causes, CAUSE_CODES),
        "findings": _ordered(statement.findings, FINDING_CODES),
        "generator": f"telefonspor {__version__}",
    }


def dumps(statement: Statement) -> str:
    return json.dumps(to_json(statement), ensure_ascii=False, indent=2) + "\n"


def from_result_json(
    doc: Mapping[str, Any], municipality: Municipality | None, *, origin: str = ""
) -> Statement:
    """A statement from a parsed ``resultat.json``; the municipality comes from the caller,
    else from the file's ``municipality`` field. InputError when neither names one."""
    check_result(doc, origin)
    summary = doc.get("summary")
    if not isinstance(summary, Mapping):
        raise InputError("Filen mangler 'summary'.", path=origin)
    found = municipality or _resolve(doc.get("municipality"), origin)
    return Statement(
        municipality=found,
        measured_at=_moment(doc.get("generated_at"), origin, "generated_at"),
        **_counts(summary, origin),
        causes=_codes(summary.get("causes"), _CAUSE_KEYS),
        findings=_codes(summary.get("findings"), _FINDING_KEYS),
        origin=origin,
    )


def from_run(run: RunInfo, municipality: Municipality, *, origin: str = "") -> Statement:
    """A statement from a stored run (the store keeps no municipality, so the caller names it)."""
    return Statement(
        municipality=municipality,
        measured_at=run.started_at,
        roles=run.roles,
        roles_covered=run.roles_covered,
        role_holders=run.role_holders,
        covered_holders=run.covered_holders,
        causes=_codes(run.causes, _CAUSE_KEYS),
        findings=_codes(run.findings, _FINDING_KEYS),
        origin=origin or f"kørsel {run.id}",
    )


class UnknownMunicipality(InputError):
    """A statement names a municipality that is not in the table (the overview reports it)."""

    def __init__(self, name: str, origin: str) -> None:
        message = (
            f"Kommunen '{name}' findes ikke blandt de 98 kommuner."
            if name
            else "Det fremgår ikke, hvilken kommune tallene gælder. Angiv --municipality "
            "(fx 101) eller indstillingen audit.municipality_code."
        )
        super().__init__(message, path=origin)
        self.name = name


def from_statement_json(doc: Mapping[str, Any], *, origin: str = "") -> Statement:
    """Read a statement back; InputError names the file and the field that is wrong."""
    if doc.get("schema") != STATEMENT_SCHEMA:
        raise InputError(
            f"Filen er ikke en dækningserklæring (forventede schema '{STATEMENT_SCHEMA}').",
            path=origin,
        )
    raw = doc.get("municipality")
    if not isinstance(raw, Mapping):
        raise InputError("Feltet 'municipality' mangler eller er ikke et objekt.", path=origin)
    code, name = str(raw.get("code") or "").strip(), str(raw.get("name") or "").strip()
    found = match_municipality(code) if code else None
    if found is None:
        found = match_municipality(name)
    if found is None:
        raise UnknownMunicipality(name or code, origin)
    return Statement(
        municipality=found,
        measured_at=_moment(doc.get("measured_at") or doc.get("date"), origin, "date"),
        **_counts(doc, origin),
        causes=_codes(doc.get("causes"), _CAUSE_KEYS),
        findings=_codes(doc.get("findings"), _FINDING_KEYS),
        origin=origin,
    )


def read_json(path: Path) -> dict[str, Any]:
    """Parse a JSON file; InputError when it cannot be read or is not a JSON object."""
    try:
        doc = parse_json(path.read_text(encoding="utf-8-sig"), path=str(path), what="Filen")
    except FileNotFoundError:
        raise InputError("Filen findes ikke.", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Filen kan ikke læses ({exc}).", path=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            f"Ugyldig JSON i linje {exc.lineno}, kolonne {exc.colno}.", path=str(path)
        ) from exc
    if not isinstance(doc, dict):
        raise InputError("Filen skal indeholde et JSON-objekt.", path=str(path))
    return doc


def resolve_municipality(text: str, *, what: str = "--municipality") -> Municipality:
    """A municipality the user named (code or name); InputError listing what to write."""
    found = match_municipality(text)
    if found is None:
        raise InputError(
            f"{what}: '{text}' er ikke en dansk kommune. Skriv kommunekoden (fx 101) "
            "eller navnet (fx København)."
        )
    return found


def _resolve(name: object, origin: str) -> Municipality:
    text = str(name or "").strip()
    found = match_municipality(text) if text else None
    if found is None:
        raise UnknownMunicipality(text, origin)
    return found


def _counts(doc: Mapping[str, Any], origin: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for name in _COUNT_FIELDS:
        value = doc.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
            shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
            raise InputError(
                f"Feltet '{name}' skal være et helt tal fra 0 til 1.000.000.000, ikke {shown}.",
                path=origin,
            )
        out[name] = value
    if out["roles_covered"] > out["roles"] or out["covered_holders"] > out["role_holders"]:
        raise InputError(
            "Der er flere dækkede roller eller rolleindehavere end der er i alt.", path=origin
        )
    return out


def _codes(raw: object, allowed: frozenset[str]) -> dict[str, int]:
    if not isinstance(raw, Mapping):
        return {}
    return {
        str(k): int(v)
        for k, v in raw.items()
        if k in allowed and isinstance(v, int) and not isinstance(v, bool) and 0 < v <= MAX_COUNT
    }


def _ordered(counts: Mapping[str, int], order: tuple[str, ...]) -> dict[str, int]:
    rank = {code: i for i, code in enumerate(order)}
    return {k: counts[k] for k in sorted(counts, key=lambda c: (rank.get(c, len(rank)), c))}


def _moment(value: object, origin: str, name: str) -> str:
    text = str(value or "").strip()
    try:
        if len(text) == 10:
            date.fromisoformat(text)
        else:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"Feltet '{name}' skal være en dato (ÅÅÅÅ-MM-DD), ikke '{text}'.", path=origin
        ) from None
    return text


__all__ = [
    "STATEMENT_SCHEMA",
    "Statement",
    "UnknownMunicipality",
    "dumps",
    "from_result_json",
    "from_run",
    "from_statement_json",
    "read_json",
    "resolve_municipality",
    "to_json",
]
