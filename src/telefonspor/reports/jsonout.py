"""resultat.json: the machine-readable result (schema ``telefonspor/audit/v1``).

The field names are a contract (DESIGN.md): fields may be added, never renamed.
Output is deterministic: holders in report order (uncovered by cause, then
user id; then covered), count maps in code order, lists sorted. No CPR number
exists in the model, and none is ever added here.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import msgspec
import orjson

from telefonspor.gcpause import without_gc
from telefonspor.model import (
    FINDING_CODES,
    AuditResult,
    Changes,
    Decision,
    Finding,
    GroupCoverage,
    HolderResult,
    Hop,
    LegacyTwin,
    PhoneValue,
    ReportContext,
    SourceData,
    SystemicFinding,
    TaskStep,
    TrendPoint,
)
from telefonspor.reports.atomic import write_parts_atomic
from telefonspor.reports.view import (
    decisions,
    gap_closed_pct,
    keyed_hops,
    municipality,
    report_order,
)

#: The schema id of resultat.json: written here, checked by ``jsonin``; defined nowhere else.
AUDIT_SCHEMA: Final = "telefonspor/audit/v1"
_FINDING_RANK: Final = {code: i for i, code in enumerate(FINDING_CODES)}


def to_json(result: AuditResult, context: ReportContext | None = None) -> dict[str, Any]:
    """The whole result as plain JSON-ready data."""
    doc = _document(result, context)
    # The records as plain data: exactly what resultat.json holds (lists, not tuples).
    holders = doc["holders"]
    records = holders.records() if isinstance(holders, HolderRecords) else holders
    doc["holders"] = msgspec.json.decode(_ENCODER.encode(records))
    return doc


def _document(result: AuditResult, context: ReportContext | None) -> dict[str, Any]:
    """``to_json`` with the holders as ``HolderRecords`` (written without dicts, made a
    batch at a time as they are written)."""
    decided = decisions(context)
    s = result.summary
    accepted = (
        sum(1 for h in result.holders if not h.covered and _accepts(decided.get(h.user_id)))
        if decided
        else 0  # no decisions, no accepted case: no pass over the holders
    )
    out: dict[str, Any] = {
        "schema": AUDIT_SCHEMA,
        "generated_at": result.generated_at,
        "municipality": municipality(result),
        "summary": {
            "role_holders": s.role_holders,
            "roles": s.roles,
            "covered_holders": s.covered_holders,
            "roles_covered": s.roles_covered,
            "coverage_pct": s.coverage_pct,
            "holder_coverage_pct": s.holder_coverage_pct,
            "direct_reach_holders": s.direct_reach_holders,
            "uncovered_holders": s.role_holders - s.covered_holders,
            "open_cases": s.role_holders - s.covered_holders - accepted,
            "accepted_cases": accepted,
            "findings": _ordered_counts(s.findings),
            "causes": dict(s.causes),
            "users_without_roles": s.users_without_roles,
        },
        "systemic": [_systemic(f, s.roles - s.roles_covered) for f in result.systemic],
        "holders": HolderRecords(report_order(result)[0], decided) if result.holders else [],
        "findings": [_finding(f) for f in result.findings],
        "by_role": [_group(g) for g in result.by_role],
        "by_unit": [_group(g) for g in result.by_unit],
        "sources": [_source(src) for src in result.sources],
        "source_notes": list(result.source_notes),
        "inputs": [
            {"path": f.path, "kind": f.kind, "sha256": f.sha256, "sheet": f.sheet, "rows": f.rows}
            for f in result.inputs
        ],
        "users_without_roles": [
            {"user_id": u.user_id, "name": u.name}
            for u in sorted(result.users_without_roles, key=lambda u: u.user_id)
        ],
    }
    if context is not None:
        out["run_id"] = context.run_id
        out["task"] = {
            "steps": [_step(step) for step in sorted(context.task, key=lambda t: t.number)],
            "decision": _decision(context.task_decision),
        }
        out["changes"] = _changes(context.changes)
        out["trend"] = [_trend(p) for p in context.trend]
    return out


@without_gc
def write_json(
    result: AuditResult, path: Path | str, context: ReportContext | None = None
) -> Path | None:
    """Write resultat.json atomically; ``"-"`` prints it to stdout instead (returns None)."""
    doc = _document(result, context)
    if str(path) == "-":
        sys.stdout.write(dumps(doc))
        sys.stdout.flush()
        return None
    target = Path(path)
    # Not joined first, and written as made: the holders' encoding buffer is reused.
    write_parts_atomic(target, _dump_parts(doc, streamed=True))
    return target


#: Long lists written one item per line: small, fast (the C encoder) and easy to diff.
_ONE_PER_LINE: Final = ("holders", "findings")


def dumps(doc: dict[str, Any]) -> str:
    """Serialise: top level indented, each holder and finding on one compact line."""
    return dumps_bytes(doc).decode("utf-8")


def dumps_bytes(doc: dict[str, Any]) -> bytes:
    """``dumps`` as UTF-8 bytes (what is written to the file)."""
    return b"".join(_dump_parts(doc))


def _dump_parts(
    doc: dict[str, Any], *, streamed: bool = False
) -> Iterator[bytes | bytearray | memoryview]:
    """``dumps_bytes`` in pieces, in order.

    ``streamed``: each piece is written before the next is asked for (a file's writelines),
    so the long lists of records reuse one buffer (no fresh pages for a 30 MB file).
    """
    if not doc:
        yield b"\n}\n"
        return
    yield b"{\n"
    last = len(doc) - 1
    for index, (key, value) in enumerate(doc.items()):
        name = json.dumps(key).encode()
        if key in _ONE_PER_LINE and isinstance(value, list | HolderRecords) and value:
            yield b"  " + name + b": [\n    "
            yield from _one_per_line(value, streamed=streamed)
            yield b"\n  ]"
        else:
            text = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            yield b"  " + name + b": " + text.encode("utf-8")
        yield b",\n" if index < last else b"\n}\n"


#: Structs encoded into one buffer: pieces of about half a MB, none regrown to the whole list's
#: size. Small, so that a batch's records and text stay in the processor's caches: 512
#: holders a batch wrote a national-like file (150,000 holders) in ~0.75 s CPU, 4,096 in
#: ~1.0 s and 16,384 in ~1.6 s (measured; from 64 to 1,024 alike).
_BATCH: Final = 512
_ITEM_SEP: Final = b",\n    "


def _one_per_line(
    items: list[Any] | HolderRecords, *, streamed: bool = False
) -> Iterator[bytes | bytearray | memoryview]:
    """The items, compact, one a line (joined by ",\\n    ").

    orjson and msgspec write what json.dumps(ensure_ascii=False, separators=(",", ":"))
    writes for these items (text, ints, bools, null), several times faster. Structs of
    one type are encoded one by one into one buffer; dicts fastest in one call for the
    whole list: when every item is an object whose first key is the same,
    the items meet at ``},{"<first key>":``; inside a string that text would read
    ``},{\\"...``, so when it occurs exactly once per boundary, those are the boundaries.
    ``streamed``: as in ``_dump_parts``, the Structs' buffer is refilled for each batch.
    ``HolderRecords`` are made a batch at a time, each batch encoded before the next is made.
    """
    if isinstance(items, HolderRecords):
        yield from _encoded(items.batches(_BATCH), streamed=streamed)
        return
    kind = type(items[0])
    if issubclass(kind, msgspec.Struct) and all(type(item) is kind for item in items):
        batches = (items[start : start + _BATCH] for start in range(0, len(items), _BATCH))
        yield from _encoded(batches, streamed=streamed)
        return
    first, data = _first_key_and_json(items)
    if first is not None:
        meet = b'},{"' + first.encode("utf-8") + b'":'
        if data.count(meet) == len(items) - 1:
            lines = data.replace(meet, b'},\n    {"' + first.encode("utf-8") + b'":')
            yield memoryview(lines)[1:-1]  # without the list's brackets, and no copy
            return
    yield _ITEM_SEP.join(_encode(item) for item in items)


def _encoded(batches: Iterator[list[Any]], *, streamed: bool) -> Iterator[bytearray | memoryview]:
    """Structs (at least one) encoded one by one into one buffer a batch at a time, joined by
    ",\\n    ": no search and copy of the whole text. ``streamed``: as in ``_one_per_line``."""
    encode_into = _ENCODER.encode_into
    buffer = bytearray()
    for batch in batches:
        if buffer:
            yield buffer  # the batch before, whole: it is followed by a separator
            if streamed:
                del buffer[:]  # the batch before is written: its memory holds the next
            else:
                buffer = bytearray()
        for item in batch:
            encode_into(item, buffer, -1)
            buffer += _ITEM_SEP
    yield memoryview(buffer)[: -len(_ITEM_SEP)]


def _first_key_and_json(items: list[Any]) -> tuple[str | None, bytes]:
    """(the first key every dict item starts with, the JSON of the list), or (None, b"")."""
    if type(items[0]) is dict:
        first = next(iter(items[0]), None)
        if first is not None and all(
            type(item) is dict and next(iter(item), None) == first for item in items
        ):
            return first, orjson.dumps(items)
    return None, b""


def _encode(item: Any) -> bytes:
    return _ENCODER.encode(item) if isinstance(item, msgspec.Struct) else orjson.dumps(item)


_ENCODER: Final = msgspec.json.Encoder()


def _accepts(decision: Decision | None) -> bool:
    return decision is not None and decision.decision == "accept"


def _ordered_counts(counts: Any) -> dict[str, int]:
    return {k: int(counts[k]) for k in sorted(counts, key=lambda c: (_FINDING_RANK.get(c, 99), c))}


class PhoneRecord(msgspec.Struct, gc=False):
    """A phone value in resultat.json (fields in the contract's order)."""

    raw: str
    e164: str | None
    kind: str
    findings: tuple[str, ...]
    usable: bool


class HopRecord(msgspec.Struct, gc=False):
    """One system of a holder's trace in resultat.json."""

    position: str
    found: bool
    direct: str
    mobile: str
    sent_direct: str
    sent_mobile: str
    key: str
    confidence: str
    notes: tuple[str, ...]


class HolderRecord(msgspec.Struct, gc=False):
    """One holder in resultat.json: the contract's fields, in its order.

    A Struct, not a dict: made ~3x faster and written straight to JSON by msgspec;
    ``to_json`` turns it into the same plain dict (through JSON: tuples become lists).
    """

    user_id: str
    name: str
    email: str
    unit: str
    municipality: str
    roles: tuple[str, ...]
    row: int
    direct: PhoneRecord
    mobile: PhoneRecord
    covered: bool
    direct_reach: bool
    cause: str | None
    cause_detail: str
    responsible: str
    action: str
    rule: str
    flags: tuple[str, ...]
    decision: dict[str, Any] | None
    # Chain order is meaningful: upstream first, KLIK last.
    trace: dict[str, HopRecord]
    legacy_twin: dict[str, Any] | None
    sole_roles: tuple[str, ...]


def _phone(value: PhoneValue) -> PhoneRecord:
    return PhoneRecord(*value)  # raw, e164, kind, findings, usable: the record's fields


def _hop(hop: Hop) -> HopRecord:
    return HopRecord(
        hop.position,
        hop.found,
        hop.direct,
        hop.mobile,
        hop.sent_direct,
        hop.sent_mobile,
        hop.key,
        hop.confidence,
        tuple(hop.notes),
    )


class HolderRecords:
    """The holders' records for resultat.json, made a batch at a time as they are written.

    Not all at once: a national run's 150,000 records (and their 900,000 hop records) would
    each take fresh memory, where a batch's records, written, free theirs for the next.
    """

    __slots__ = ("decided", "holders")

    def __init__(self, holders: Sequence[HolderResult], decided: dict[str, Decision]) -> None:
        self.holders = holders  # in report order
        self.decided = decided

    def __len__(self) -> int:
        return len(self.holders)

    def batches(self, size: int) -> Iterator[list[HolderRecord]]:
        """The records, ``size`` at a time, in order."""
        holders = self.holders
        phones: dict[int, PhoneRecord] = {}  # shared by the batches: each value's one record
        for start in range(0, len(holders), size):
            yield _holders(holders[start : start + size], self.decided, phones)

    def records(self) -> list[HolderRecord]:
        """Every record, in order."""
        return _holders(self.holders, self.decided, {})


def _holders(
    holders: Sequence[HolderResult],
    decided: dict[str, Decision],
    phones: dict[int, PhoneRecord] | None = None,
) -> list[HolderRecord]:
    """Each holder's record; a phone value shared by holders (the empty value, a
    system's unchanged number) gets one record, written as often as it occurs.
    ``phones``: the records made so far, by the value's id (the values outlive the call)."""
    if phones is None:
        phones = {}
    out: list[HolderRecord] = []
    append = out.append
    for h in holders:
        direct, mobile, trace = h.direct, h.mobile, h.trace
        d = phones.get(id(direct))
        if d is None:
            d = phones[id(direct)] = _phone(direct)
        m = phones.get(id(mobile))
        if m is None:
            m = phones[id(mobile)] = _phone(mobile)
        # A record per hop, not shared by id: few hop objects are shared (a chain's holders
        # have their own), so the lookups would cost more than the records they save.
        # The common trace has each system once: keyed by system, its dict is as long as the
        # trace, and is what keyed_hops' keys give; else ("#2" keys) the general path.
        if len(trace) == 1:  # a KLIK-only audit: no comprehension for one hop
            hop = trace[0]
            records = {hop.system: _hop(hop)}
        else:
            # Through _hop: writing it out here saved ~0.04 s of 900,000 hops at national
            # (measured), not worth a second copy of the record's field order.
            records = {hop.system: _hop(hop) for hop in trace}
        if len(records) != len(trace):
            records = {key: _hop(hop) for key, hop in keyed_hops(trace)}
        decision = decided.get(h.user_id) if decided else None
        twin = h.legacy_twin
        # The tuple fields are written as they are: a list would be written the same.
        append(
            HolderRecord(
                h.user_id,
                h.name,
                h.email,
                h.unit,
                h.municipality,
                h.roles,
                h.row,
                d,
                m,
                h.covered,
                h.direct_reach,
                h.cause,
                h.cause_detail,
                h.responsible,
                h.action,
                h.rule,
                h.flags,
                None if decision is None else _decision(decision),
                records,
                None if twin is None else _twin(twin),
                h.sole_roles,
            )
        )
    return out


def _twin(t: LegacyTwin | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {
        "user_id": t.user_id,
        "matched_by": t.matched_by,
        "confidence": t.confidence,
        "covered": t.covered,
        "direct": t.direct,
        "mobile": t.mobile,
        "candidates": list(t.candidates),
    }


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "code": f.code,
        "message": f.message,
        "field": f.field,
        "row": f.row,
        "user_id": f.user_id,
        "system": f.system,
    }


def _group(g: GroupCoverage) -> dict[str, Any]:
    return {
        "name": g.name,
        "holders": g.holders,
        "covered_holders": g.covered_holders,
        "roles": g.roles,
        "roles_covered": g.roles_covered,
        "coverage_pct": g.coverage_pct,
    }


def _systemic(f: SystemicFinding, gap: int) -> dict[str, Any]:
    return {
        "code": f.code,
        "title": f.title,
        "evidence": dict(sorted(f.evidence.items())),
        "evidence_text": f.evidence_text,
        "fix": f.fix,
        "setting": f.setting,
        "responsible": f.responsible,
        "roles_gained": f.roles_gained,
        "holders_gained": f.holders_gained,
        "user_ids": sorted(f.user_ids),
        "cumulative_roles_gained": f.cumulative_roles_gained,
        "gap_closed_pct": gap_closed_pct(f.cumulative_roles_gained, gap),
    }


def _source(src: SourceData) -> dict[str, Any]:
    return {
        "kind": src.kind,
        "position": src.position,
        "origin": src.origin,
        "complete": src.complete,
        "notes": list(src.notes),
        "records": len(src.records),
    }


def _decision(d: Decision | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "decision": d.decision,
        "reason": d.reason,
        "decided_by": d.decided_by,
        "decided_at": d.decided_at,
    }


def _step(step: TaskStep) -> dict[str, Any]:
    return {"number": step.number, "title": step.title, "done_at": step.done_at, "note": step.note}


def _changes(c: Changes | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "from_run": c.from_run,
        "to_run": c.to_run,
        "fixed": sorted(c.fixed),
        "fixed_by_selfservice": sorted(c.via_selfservice),
        "newly_missing": sorted(c.newly_missing),
        "changed_cause": [
            {"user_id": x.user_id, "old": x.old, "new": x.new}
            for x in sorted(c.changed_cause, key=lambda x: x.user_id)
        ],
        "gone": sorted(c.gone),
    }


def _trend(p: TrendPoint) -> dict[str, Any]:
    return {
        "run_id": p.run_id,
        "started_at": p.started_at,
        "coverage_pct": p.coverage_pct,
        "roles": p.roles,
        "roles_covered": p.roles_covered,
        "causes": dict(sorted(p.causes.items())),
    }
