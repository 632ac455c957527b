"""view's fast paths against their plain definitions."""

from __future__ import annotations

import dataclasses

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from telefonspor.model import CAUSE_CODES, Decision, HolderResult, ReportContext
from telefonspor.reports import view

from .builders import build_result

_TEMPLATE = build_result(6).holders[0]
_HOLDER = st.builds(
    lambda uid, covered, cause, row: msgspec.structs.replace(
        _TEMPLATE, user_id=uid, covered=covered, cause=None if covered else cause, row=row
    ),
    st.sampled_from(["a", "b", "B", "æ", "bruger1", "bruger10", "bruger2", ""]),
    st.booleans(),
    st.one_of(st.none(), st.sampled_from([*CAUSE_CODES, "unknown_cause"])),
    st.integers(0, 1000),
)


@given(holders=st.lists(_HOLDER, max_size=30))
def test_holder_order_is_the_plain_key_order(holders: list[HolderResult]) -> None:
    expected = sorted(holders, key=view._holder_key)
    got = view.holder_order(holders)
    assert [id(h) for h in got] == [id(h) for h in expected]  # same objects, ties included


_FINDINGS = st.lists(st.sampled_from(["missing", "shared", "invalid"]), max_size=3).map(tuple)


@given(direct=_FINDINGS, mobile=_FINDINGS)
def test_has_finding_is_any_finding_but_missing(
    direct: tuple[str, ...], mobile: tuple[str, ...]
) -> None:
    h = msgspec.structs.replace(
        _TEMPLATE,
        direct=_TEMPLATE.direct._replace(findings=direct),
        mobile=_TEMPLATE.mobile._replace(findings=mobile),
    )
    assert view._has_finding(h) == any(code != "missing" for code in (*direct, *mobile))


@given(holders=st.lists(_HOLDER, max_size=30), accept=st.sets(st.sampled_from(["a", "b", "æ"])))
def test_split_uncovered_is_the_plain_split(holders: list[HolderResult], accept: set[str]) -> None:
    """With no decisions every uncovered holder is open (the shortcut); with some, the split."""
    result = dataclasses.replace(build_result(6), holders=tuple(holders))
    decided = {
        uid: Decision(uid, "accept" if uid in accept else "fix", "", "", "2026-01-01T00:00:00Z")
        for uid in ("a", "b", "æ")
    }
    for context in (None, ReportContext(), ReportContext(decisions=decided)):
        d = view.decisions(context)
        uncovered = view.holder_order(result.uncovered())
        expected = (
            [h for h in uncovered if not view.is_accepted(h, d)],
            [h for h in uncovered if view.is_accepted(h, d)],
        )
        assert view.split_uncovered(result, context) == expected


_FINDING_HOLDER = st.builds(
    lambda h, direct, mobile: msgspec.structs.replace(
        h,
        direct=h.direct._replace(findings=direct),
        mobile=h.mobile._replace(findings=mobile),
    ),
    _HOLDER,
    _FINDINGS,
    _FINDINGS,
)


@given(holders=st.lists(_FINDING_HOLDER, max_size=30), limit=st.integers(0, 31))
def test_orders_from_the_shared_report_order_are_the_plain_orders(
    holders: list[HolderResult], limit: int
) -> None:
    """``report_order`` (sorted once per result), and the uncovered and "Spor" orders cut
    from it, against ``holder_order`` of each subset; ties (one user id twice) included."""
    result = dataclasses.replace(
        build_result(6),
        holders=tuple(holders),
        settings_used={"report.trace_all_up_to": limit},
    )
    ordered, uncovered = view.report_order(result)
    assert [id(h) for h in ordered] == [id(h) for h in view.holder_order(holders)]
    assert uncovered == sum(1 for h in holders if not h.covered)
    expected = view.holder_order(result.uncovered())
    assert [id(h) for h in ordered[:uncovered]] == [id(h) for h in expected]
    trace = view.trace_order(result)
    expected = view.holder_order(view.trace_holders(result))
    assert [id(h) for h in trace] == [id(h) for h in expected]
    assert view.report_order(result)[0] is ordered  # the second call: the same order


def test_the_report_order_is_of_its_own_result_and_forgotten_with_it() -> None:
    first = build_result(12)
    second = dataclasses.replace(first, holders=first.holders[::-1][:6])
    assert len(view.report_order(first)[0]) == 12
    assert len(view.report_order(second)[0]) == 6
    assert len(view.report_order(first)[0]) == 12
    del first, second
    assert view._last_order is None  # the result gone, its holders are not kept
