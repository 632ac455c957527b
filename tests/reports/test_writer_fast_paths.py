"""The reports' per-hop records shared by the hop's content against the plain per-hop ones.

Among uncovered holders few hops differ (the same miss of a system, the same empty field),
so rapport.html's table data makes each distinct hop's entry once (``html._HopEntries``) and
resultat.json each distinct hop's record once. Any traces, with systems twice ("#2" keys)
and equal hops under different keys, must give what a record made per hop gives.
"""

from __future__ import annotations

from typing import Any

import msgspec
import orjson
from hypothesis import given
from hypothesis import strategies as st

from telefonspor.model import HolderResult, Hop
from telefonspor.reports import html, view

from .builders import build_result
from .test_trace_keys import _TRACE


def _holders(traces: list[tuple[Hop, ...]]) -> list[HolderResult]:
    result = build_result(len(traces))
    return [
        msgspec.structs.replace(h, trace=t) for h, t in zip(result.holders, traces, strict=True)
    ]


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


@given(traces=st.lists(_TRACE, min_size=1, max_size=8))
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
