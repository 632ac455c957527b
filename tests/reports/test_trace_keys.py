"""The trace's keying fast paths against the general ``keyed_hops``.

``view.keyed_trace`` keys a trace by system when each system occurs once (the usual trace)
and falls back to ``keyed_hops`` ("#2" for a second system of a kind); ``trace_keys``
orders the columns from those dicts; resultat.json builds its trace records keyed the
same way without either. Each must agree with the general path on any trace.
"""

from __future__ import annotations

import dataclasses

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from telefonspor.model import Hop
from telefonspor.reports import jsonout, view

from .builders import build_result

_SYSTEMS = ("ad", "opus", "os2sofd", "os2sync", "fkorg", "klik")

_HOP = st.builds(
    Hop,
    system=st.sampled_from(_SYSTEMS),
    position=st.sampled_from(["source", "local", "fkorg", "klik"]),
    found=st.booleans(),
    direct=st.sampled_from(["", "12345678", "+45 1234"]),
    mobile=st.sampled_from(["", "87654321"]),
    notes=st.lists(st.sampled_from(["a", "b"]), max_size=2).map(tuple),
)
_TRACE = st.lists(_HOP, max_size=8).map(tuple)


def _reference_keys(traces: list[tuple[Hop, ...]]) -> list[str]:
    """The columns as hop_keys made them from keyed_hops, before keyed_trace."""
    seen: dict[str, None] = {}
    for trace in traces:
        for key, _ in view.keyed_hops(trace):
            seen.setdefault(key, None)
    return [k for k in seen if k != "klik"] + (["klik"] if "klik" in seen else [])


@given(trace=_TRACE)
def test_keyed_trace_is_the_dict_of_keyed_hops(trace: tuple[Hop, ...]) -> None:
    keyed = view.keyed_trace(trace)
    expected = view.keyed_hops(trace)
    assert list(keyed.items()) == expected
    assert all(keyed[key] is hop for key, hop in expected)


@given(traces=st.lists(_TRACE, max_size=6))
def test_trace_keys_order_the_columns_as_before(traces: list[tuple[Hop, ...]]) -> None:
    expected = _reference_keys(traces)
    assert view.trace_keys(view.keyed_trace(t) for t in traces) == expected
    assert view.hop_keys(view.keyed_hops(t) for t in traces) == expected


@given(traces=st.lists(_TRACE, min_size=1, max_size=6))
def test_json_trace_records_keyed_as_keyed_hops(traces: list[tuple[Hop, ...]]) -> None:
    result = build_result(len(traces))
    holders = [
        msgspec.structs.replace(h, trace=t) for h, t in zip(result.holders, traces, strict=True)
    ]
    records = jsonout._holders(holders, {})
    for h, record in zip(holders, records, strict=True):
        expected = {key: jsonout._hop(hop) for key, hop in view.keyed_hops(h.trace)}
        assert record.trace == expected
        assert list(record.trace) == list(expected)


def test_a_result_with_a_system_twice_keeps_its_columns() -> None:
    result = build_result(9)
    holders = tuple(
        msgspec.structs.replace(h, trace=h.trace * 2 if i % 2 else h.trace)
        for i, h in enumerate(result.holders)
    )
    odd = dataclasses.replace(result, holders=holders)
    keys = view.trace_keys(view.keyed_trace(h.trace) for h in odd.holders)
    assert keys == _reference_keys([h.trace for h in odd.holders])
    assert any("#2" in key for key in keys)
