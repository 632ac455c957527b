"""landsoversigt.json (schema ``telefonspor/national/v1``): every municipality, figures or null.

All 98 municipalities are always listed, in code order; a municipality
without data has ``null`` figures, so a consumer can tell "no data" from
"0 %". Fields may be added in v1, never renamed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from telefonspor.model import CAUSE_CODES, FINDING_CODES
from telefonspor.national.overview import Entry, Overview, Totals

NATIONAL_SCHEMA: Final = "telefonspor/national/v1"


def to_json(overview: Overview) -> dict[str, Any]:
    return {
        "schema": NATIONAL_SCHEMA,
        "generated_at": overview.generated_at,
        "national": _totals(overview.national),
        "regions": [_totals(r) for r in overview.regions],
        "causes": ordered(overview.national.causes, CAUSE_CODES),
        "findings": ordered(overview.national.findings, FINDING_CODES),
        "municipalities": [_entry(overview, e) for e in overview.entries],
        "unmatched": [
            {"input": u.input, "name": u.name, "users": u.users, "message": u.message}
            for u in overview.unmatched
        ],
        "warnings": list(overview.warnings),
    }


def dumps(overview: Overview) -> str:
    return json.dumps(to_json(overview), ensure_ascii=False, indent=2) + "\n"


def ordered(counts: Mapping[str, int], order: tuple[str, ...]) -> dict[str, int]:
    """Counts in the project's code order (unknown codes last, alphabetically)."""
    rank = {code: i for i, code in enumerate(order)}
    return {k: counts[k] for k in sorted(counts, key=lambda c: (rank.get(c, len(rank)), c))}


def _entry(overview: Overview, e: Entry) -> dict[str, Any]:
    m, c = e.municipality, e.current if e.has_data else None
    return {
        "code": m.code,
        "name": m.name,
        "region": m.region.name,
        "roles": c.roles if c else None,
        "roles_covered": c.roles_covered if c else None,
        "role_holders": c.role_holders if c else None,
        "covered_holders": c.covered_holders if c else None,
        "coverage_pct": e.coverage_pct,
        "holder_coverage_pct": c.holder_coverage_pct if c else None,
        "causes": ordered(c.causes, CAUSE_CODES) if c else None,
        "findings": ordered(c.findings, FINDING_CODES) if c else None,
        "date": c.date if c else None,
        "rank": overview.rank_of(e),
        "previous_coverage_pct": e.previous_coverage_pct,
        "previous_date": e.previous.date if e.previous else None,
        "change": e.change,
    }


def _totals(t: Totals) -> dict[str, Any]:
    out: dict[str, Any] = {"name": t.name}
    if t.code:
        out["code"] = t.code
    out.update(
        {
            "municipalities": t.municipalities,
            "municipalities_with_data": t.with_data,
            "roles": t.roles,
            "roles_covered": t.roles_covered,
            "role_holders": t.role_holders,
            "covered_holders": t.covered_holders,
            "coverage_pct": t.coverage_pct,
            "holder_coverage_pct": t.holder_coverage_pct,
            "causes": ordered(t.causes, CAUSE_CODES),
        }
    )
    return out
