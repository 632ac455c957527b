"""resultat.json's fast paths against the plain ones they replace.

``_holders`` (dicts shared for shared values, a fast path for one-hop traces) must equal
``_holder`` per holder; ``dumps`` (the one-per-line lists from one orjson call, split at
the items' boundaries) must equal serialising each item on its own line.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from telefonspor.reports import jsonout
from telefonspor.reports.view import holder_order

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


@given(names=st.lists(_TRICKY, min_size=1, max_size=6))
def test_dumps_matches_item_by_item(names: list[str]) -> None:
    result = build_result(12, names=dict(enumerate(names)))
    doc = jsonout.to_json(result, build_context(result))
    assert jsonout.dumps(doc) == _reference_dumps(doc)
    assert json.loads(jsonout.dumps(doc)) == json.loads(_reference_dumps(doc))


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


def test_holders_fast_path_equals_one_by_one() -> None:
    result = build_result(300)
    context = build_context(result)
    decided = dict(context.decisions)
    # One-hop traces (a KLIK-only audit), no trace, and two systems of the same kind.
    ordered = [
        dataclasses.replace(h, trace=h.trace[-(i % 3) :] if i % 3 else h.trace * 2)
        for i, h in enumerate(holder_order(result.holders))
    ]
    fast = jsonout._holders(ordered, decided)
    assert fast == [jsonout._holder(h, decided.get(h.user_id)) for h in ordered]
