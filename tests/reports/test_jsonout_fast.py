"""resultat.json's fast paths against the plain ones they replace.

The holders are msgspec records (shared records for shared values) turned into dicts by
``to_json``: they must equal the dicts the plain per-holder code made; ``dumps`` (the
one-per-line lists from one encoder call, split at the items' boundaries) must equal
serialising each item on its own line; and the file written from the records must equal
the one written from ``to_json``'s dicts.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import msgspec
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from telefonspor.model import Decision, HolderResult, Hop, PhoneValue
from telefonspor.reports import jsonout
from telefonspor.reports.view import holder_order, keyed_hops

from .builders import build_context, build_result


def _reference_dumps(doc: dict[str, Any]) -> str:
    """The serialiser before the one-call fast path: each item dumped on its own."""
    parts = []
    for key, value in doc.items():
        name = json.dumps(key)
        if key in ("holders", "findings") and isinstance(value, list) and value:
            items = ",\n".join("    " + orjson.dumps(item).decode() for item in value)
            parts.append(f"  {name}: [\n{items}\n  ]")
        else:
            text = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            parts.append(f"  {name}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


#: Text that looks like an item boundary, quotes, escapes and control characters.
_TRICKY = st.one_of(
    st.text(max_size=12),
    st.lists(
        st.sampled_from(
            ['},{"user_id":', '},{"code":', '"', "\\", "\n", "\x00", "}", "{", "æ", "😀"]
        ),
        max_size=5,
    ).map("".join),
)


def _reference_phone(value: PhoneValue) -> dict[str, Any]:
    return {
        "raw": value.raw,
        "e164": value.e164,
        "kind": value.kind,
        "findings": list(value.findings),
        "usable": value.usable,
    }


def _reference_hop(hop: Hop) -> dict[str, Any]:
    return {
        "position": hop.position,
        "found": hop.found,
        "direct": hop.direct,
        "mobile": hop.mobile,
        "sent_direct": hop.sent_direct,
        "sent_mobile": hop.sent_mobile,
        "key": hop.key,
        "confidence": hop.confidence,
        "notes": list(hop.notes),
    }


def _reference_holder(h: HolderResult, decision: Decision | None) -> dict[str, Any]:
    """One holder as the plain dict code made it before the records."""
    return {
        "user_id": h.user_id,
        "name": h.name,
        "email": h.email,
        "unit": h.unit,
        "municipality": h.municipality,
        "roles": list(h.roles),
        "row": h.row,
        "direct": _reference_phone(h.direct),
        "mobile": _reference_phone(h.mobile),
        "covered": h.covered,
        "direct_reach": h.direct_reach,
        "cause": h.cause,
        "cause_detail": h.cause_detail,
        "responsible": h.responsible,
        "action": h.action,
        "rule": h.rule,
        "flags": list(h.flags),
        "decision": jsonout._decision(decision),
        "trace": {key: _reference_hop(hop) for key, hop in keyed_hops(h.trace)},
        "legacy_twin": jsonout._twin(h.legacy_twin),
        "sole_roles": list(h.sole_roles),
    }


@given(names=st.lists(_TRICKY, min_size=1, max_size=6))
def test_dumps_matches_item_by_item(names: list[str]) -> None:
    result = build_result(12, names=dict(enumerate(names)))
    context = build_context(result)
    doc = jsonout.to_json(result, context)
    assert jsonout.dumps(doc) == _reference_dumps(doc)
    assert json.loads(jsonout.dumps(doc)) == json.loads(_reference_dumps(doc))
    # What write_json writes: straight from the records.
    written = jsonout.dumps_bytes(jsonout._document(result, context)).decode("utf-8")
    assert written == _reference_dumps(doc)


def test_dumps_of_odd_lists_falls_back_to_item_by_item() -> None:
    doc: dict[str, Any] = {
        "holders": [{"a": 1}, {"b": '},{"a":'}, {"a": [{"a": 2}, {"a": 3}]}],
        "findings": [1, "x", None],
        "other": [{"a": 1}],
    }
    assert jsonout.dumps(doc) == _reference_dumps(doc)
    assert jsonout.dumps({"holders": [{"a": '},{"a":'}, {"a": 2}]}) == _reference_dumps(
        {"holders": [{"a": '},{"a":'}, {"a": 2}]}
    )


def test_holder_records_equal_the_plain_dicts() -> None:
    result = build_result(300)
    context = build_context(result)
    decided = dict(context.decisions)
    # One-hop traces (a KLIK-only audit), no trace, and two systems of the same kind.
    holders = tuple(
        msgspec.structs.replace(h, trace=h.trace[-(i % 3) :] if i % 3 else h.trace * 2)
        for i, h in enumerate(result.holders)
    )
    odd = dataclasses.replace(result, holders=holders)
    expected = [_reference_holder(h, decided.get(h.user_id)) for h in holder_order(holders)]
    assert jsonout.to_json(odd, context)["holders"] == expected
    doc = jsonout.to_json(odd, context)
    written = jsonout.dumps_bytes(jsonout._document(odd, context)).decode("utf-8")
    assert written == _reference_dumps(doc)


@pytest.mark.parametrize("batch", [1, 2, 3, 7, 4_096])
def test_holder_records_written_in_batches_as_one_list(
    monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """The records are encoded a batch at a time: every batch size writes the same text."""
    monkeypatch.setattr(jsonout, "_BATCH", batch)
    result = build_result(14)
    context = build_context(result)
    written = jsonout.dumps_bytes(jsonout._document(result, context)).decode("utf-8")
    assert written == _reference_dumps(jsonout.to_json(result, context))


@pytest.mark.parametrize("batch", [1, 3, 4_096])
def test_the_written_file_equals_dumps_whatever_the_batch(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """write_json refills one buffer for each batch of holders while it writes (streamed);
    the file must be what dumps gives, which makes a buffer per batch."""
    monkeypatch.setattr(jsonout, "_BATCH", batch)
    result = build_result(10)
    context = build_context(result)
    path = jsonout.write_json(result, tmp_path / "resultat.json", context)
    assert path is not None
    assert path.read_bytes() == jsonout.dumps_bytes(jsonout._document(result, context))
    assert path.read_bytes() == _reference_dumps(jsonout.to_json(result, context)).encode()
