"""Read a saved ``resultat.json`` back: the one reader of the format ``reports.jsonout`` writes.

Only what the file keeps for follow-up work is rebuilt, into a :class:`LoadedRun`:
summary, holders with phones, cause and trace, and the decisions saved with it.
Fields the schema adds later are ignored; fields an older file lacks get their
defaults. The schema id is ``jsonout.AUDIT_SCHEMA``, checked here and only here.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from telefonspor.errors import InputError
from telefonspor.model import (
    Decision,
    HolderResult,
    Hop,
    LegacyTwin,
    LoadedRun,
    PhoneValue,
    Summary,
)
from telefonspor.reports.jsonout import AUDIT_SCHEMA


def is_result(doc: Mapping[str, Any]) -> bool:
    """Is ``doc`` (a parsed JSON object) a ``resultat.json``?"""
    return doc.get("schema") == AUDIT_SCHEMA


def check_result(doc: object, where: str) -> None:
    """InputError naming ``where`` unless ``doc`` is a ``resultat.json`` of this schema."""
    schema = doc.get("schema") if isinstance(doc, Mapping) else None
    if schema is None:
        raise InputError(
            "filen er ikke et resultat fra 'telefonspor audit' "
            f"(forventede schema '{AUDIT_SCHEMA}').",
            path=where,
        )
    if schema != AUDIT_SCHEMA:
        raise InputError(
            f"ukendt skema '{schema}': filen er ikke et resultat fra 'telefonspor audit' "
            f"(forventede '{AUDIT_SCHEMA}').",
            path=where,
        )


def load_result_json(path: Path) -> LoadedRun:
    """The run saved in ``path`` (a ``resultat.json``); InputError names what is wrong."""
    where = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"filen er ikke gyldig JSON (linje {exc.lineno}, kolonne {exc.colno}). "
            "Brug resultat.json fra 'telefonspor audit'.",
            path=where,
        ) from exc
    except RecursionError:
        raise InputError(
            "filen er indlejret for dybt til at være en resultat.json.", path=where
        ) from None
    except ValueError as exc:  # int() refuses more than sys.get_int_max_str_digits() digits
        limit = f"{sys.get_int_max_str_digits():,}".replace(",", ".")
        raise InputError(
            f"filen indeholder et tal med mere end {limit} cifre og kan ikke læses.", path=where
        ) from exc
    except FileNotFoundError:
        raise InputError("filen findes ikke. Tjek stien og filnavnet.", path=where) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"filen kan ikke læses ({exc}).", path=where) from exc
    return from_json(data, where)


def read_result_json(path: Path) -> tuple[LoadedRun, dict[str, Decision]]:
    """The run and the per-holder decisions saved with it (user id -> decision)."""
    loaded = load_result_json(path)
    return loaded, dict(loaded.decisions)


def from_json(data: object, where: str) -> LoadedRun:
    """A parsed ``resultat.json`` as a :class:`LoadedRun`."""
    check_result(data, where)
    assert isinstance(data, Mapping)  # check_result refused anything else
    if not isinstance(data.get("holders"), list):
        raise InputError(
            "filen er ikke et resultat fra 'telefonspor audit' (mangler 'holders').", path=where
        )
    holders = []
    decided: dict[str, Decision] = {}
    for index, item in enumerate(data["holders"], start=1):
        try:
            holder = _holder(item)
            holders.append(holder)
            decision = _decision(holder.user_id, item.get("decision"))
            if decision is not None:
                decided[holder.user_id] = decision
        except (TypeError, ValueError, OverflowError, AttributeError, KeyError) as exc:
            raise InputError(
                f"rolleindehaver nr. {index} i 'holders' har et ugyldigt format ({exc}).",
                path=where,
            ) from exc
    try:
        summary = _summary(data.get("summary") or {}, holders)
    except (TypeError, ValueError, OverflowError, AttributeError) as exc:
        raise InputError(f"'summary' har et ugyldigt format ({exc}).", path=where) from exc
    generated = data.get("generated_at") or (data.get("run") or {}).get("generated_at") or ""
    run_id = data.get("run_id")
    return LoadedRun(
        summary=summary,
        holders=tuple(holders),
        generated_at=str(generated),
        decisions=decided,
        municipality=_text(data, "municipality"),
        run_id=run_id if isinstance(run_id, int) and not isinstance(run_id, bool) else None,
        path=where,
    )


def _decision(user_id: str, item: Any) -> Decision | None:
    if not isinstance(item, dict) or not item.get("decision"):
        return None
    return Decision(
        user_id,
        _text(item, "decision"),
        _text(item, "reason"),
        _text(item, "decided_by"),
        _text(item, "decided_at"),
    )


def _text(item: Mapping[str, Any], key: str) -> str:
    value = item.get(key)
    return "" if value is None else str(value)


def _phone(item: Any) -> PhoneValue:
    if not isinstance(item, dict):
        return PhoneValue("" if item is None else str(item), None, "unknown", ("missing",))
    e164 = item.get("e164")
    return PhoneValue(
        _text(item, "raw"),
        str(e164) if e164 else None,
        _text(item, "kind") or "unknown",
        tuple(str(f) for f in item.get("findings") or ()),
    )


def _hop(system: str, item: dict[str, Any]) -> Hop:
    return Hop(
        system=system,
        position=_text(item, "position"),
        found=bool(item.get("found", False)),
        direct=_text(item, "direct"),
        mobile=_text(item, "mobile"),
        sent_direct=_text(item, "sent_direct"),
        sent_mobile=_text(item, "sent_mobile"),
        key=_text(item, "key"),
        confidence=_text(item, "confidence"),
        notes=tuple(str(n) for n in item.get("notes") or ()),
    )


def _trace(raw: Any) -> tuple[Hop, ...]:
    if isinstance(raw, dict):  # {system: {...}}, upstream first (JSON keeps the order)
        # keys are the system, with "#2" for a second system of the same kind
        return tuple(_hop(str(key).partition("#")[0], hop) for key, hop in raw.items())
    if isinstance(raw, list):  # tolerate a list of hops with a "system" key
        return tuple(_hop(_text(hop, "system"), hop) for hop in raw)
    return ()


def _holder(item: dict[str, Any]) -> HolderResult:
    direct = _phone(item.get("direct"))
    mobile = _phone(item.get("mobile"))
    row = item.get("row")
    return HolderResult(
        user_id=_text(item, "user_id"),
        name=_text(item, "name"),
        email=_text(item, "email"),
        unit=_text(item, "unit"),
        municipality=_text(item, "municipality"),
        roles=tuple(str(r) for r in item.get("roles") or ()),
        row=int(row) if row is not None else 0,
        direct=direct,
        mobile=mobile,
        covered=bool(item.get("covered", direct.usable or mobile.usable)),
        direct_reach=bool(item.get("direct_reach", False)),
        cause=_text(item, "cause") or None,
        cause_detail=_text(item, "cause_detail"),
        responsible=_text(item, "responsible"),
        action=_text(item, "action"),
        rule=_text(item, "rule"),
        trace=_trace(item.get("trace")),
        flags=tuple(str(f) for f in item.get("flags") or ()),
        legacy_twin=_twin(item.get("legacy_twin")),
        sole_roles=tuple(str(r) for r in item.get("sole_roles") or ()),
    )


def _twin(item: Any) -> LegacyTwin | None:
    """``legacy_twin`` as written by reports/jsonout (absent in files from older versions)."""
    if not isinstance(item, dict):
        return None
    return LegacyTwin(
        user_id=_text(item, "user_id"),
        matched_by=_text(item, "matched_by"),
        confidence=_text(item, "confidence"),
        covered=bool(item.get("covered", False)),
        direct=_text(item, "direct"),
        mobile=_text(item, "mobile"),
        candidates=tuple(str(c) for c in item.get("candidates") or ()),
    )


def _summary(item: dict[str, Any], holders: list[HolderResult]) -> Summary:
    roles = sum(len(h.roles) for h in holders)
    covered = [h for h in holders if h.covered]
    return Summary(
        role_holders=int(item.get("role_holders", len(holders))),
        roles=int(item.get("roles", roles)),
        covered_holders=int(item.get("covered_holders", len(covered))),
        roles_covered=int(item.get("roles_covered", sum(len(h.roles) for h in covered))),
        direct_reach_holders=int(item.get("direct_reach_holders", 0)),
        findings={str(k): int(v) for k, v in (item.get("findings") or {}).items()},
        causes={str(k): int(v) for k, v in (item.get("causes") or {}).items()},
    )
