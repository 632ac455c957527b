"""The report writers' per-hop fast paths against the plain per-hop code.

Among uncovered holders few hops differ (the same miss of a system, the same empty field),
so rapport.html's table data makes each distinct hop's entry once (``html._HopEntries``).
rapport.xlsx's "Spor" sheet takes a system's hops as one position of every trace when all
traces have the same systems in the same order (``excel._trace_hops``). Any traces, with
systems twice ("#2" keys), in other orders, and equal hops under different keys, must give
what the plain path gives.
"""

from __future__ import annotations

from typing import Any

import msgspec
import orjson
from hypothesis import given
from hypothesis import strategies as st

from telefonspor.model import HolderResult, Hop
from telefonspor.reports import excel, html, view

from .builders import build_result
from .test_trace_keys import _HOP, _TRACE


def _holders(traces: list[tuple[Hop, ...]]) -> list[HolderResult]:
    result = build_result(len(traces))
    return [
        msgspec.structs.replace(h, trace=t) for h, t in zip(result.holders, traces, strict=True)
    ]


#: Traces of one shape now and then (the fast path), with a hop changed at times (not).
_SHAPED = st.tuples(
    st.lists(st.sampled_from(["ad", "opus", "os2sofd", "fkorg", "klik"]), max_size=5, unique=True),
    st.lists(st.tuples(_HOP, st.booleans()), min_size=1, max_size=6),
).map(
    lambda t: [
        tuple(msgspec.structs.replace(hop, system=s) for s in t[0])
        if same
        else (hop, *(msgspec.structs.replace(hop, system=s) for s in t[0]))
        for hop, same in t[1]
    ]
)


def _reference_entries(h: HolderResult) -> list[dict[str, Any]]:
    """A holder's trace in the table's data, one entry made per hop."""
    return [
        {
            "system": view.hop_label(key),
            "position": view.position_label(hop.position),
            "found": hop.found,
            "direct": hop.direct,
            "mobile": hop.mobile,
            "sent_direct": hop.sent_direct,
            "sent_mobile": hop.sent_mobile,
            "key": view.KEY_LABELS.get(hop.key, hop.key),
            "confidence": view.CONFIDENCE_LABELS.get(hop.confidence, hop.confidence),
            "notes": hop.notes,
        }
        for key, hop in view.keyed_hops(h.trace)
    ]


@given(traces=st.one_of(st.lists(_TRACE, min_size=1, max_size=8), _SHAPED))
def test_table_data_hop_entries_equal_one_per_hop(traces: list[tuple[Hop, ...]]) -> None:
    holders = _holders(traces)
    rows = html._table_data(holders, {})["rows"]
    expected = [_reference_entries(h) for h in holders]
    assert [row["t"] for row in rows] == expected
    assert orjson.dumps([row["t"] for row in rows]) == orjson.dumps(expected)


def test_equal_hops_share_one_entry() -> None:
    """The sharing itself: two holders' equal (not identical) hops get one entry."""
    hop = Hop("os2sofd", "local", False, key="email", confidence="probable")
    twin = msgspec.structs.replace(hop)
    assert twin is not hop
    holders = _holders([(hop, Hop("klik", "klik", True)), (twin, Hop("klik", "klik", True))])
    first, second = (row["t"] for row in html._table_data(holders, {})["rows"])
    assert first[0] is second[0]
    assert first == second == _reference_entries(holders[0])


def _reference_trace_hops(
    holders: list[HolderResult],
) -> tuple[list[str], dict[str, list[Hop | None]]]:
    """The "Spor" sheet's keys and hops per key as made from every holder's keyed trace."""
    by_key = [dict(view.keyed_hops(h.trace)) for h in holders]
    keys = view.hop_keys(view.keyed_hops(h.trace) for h in holders)
    return keys, {key: [hops.get(key) for hops in by_key] for key in keys}


@given(traces=st.one_of(st.lists(_TRACE, min_size=1, max_size=6), _SHAPED))
def test_spor_hops_by_position_equal_the_keyed_traces(traces: list[tuple[Hop, ...]]) -> None:
    holders = _holders(traces)
    keys, hops = excel._trace_hops(holders)
    expected_keys, expected = _reference_trace_hops(holders)
    assert keys == expected_keys
    assert {key: hops[key] for key in keys} == expected
