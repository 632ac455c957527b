"""The real pipeline recovers every generated holder's truth exactly (issue 3, "done when").

A sample chain is generated with known ground truth, written to the files real
users export, read back by the real readers and audited; every holder's
(covered, cause, rule, responsible) must equal the truth, and every old KLIK
user's FK-ORG twin (user, matched_by, covered, candidates) too (issue 18).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from telefonspor.edge.run import audit_files
from telefonspor.model import LegacyTwin
from telefonspor.sample import FAULTS, generate_chain
from telefonspor.settings import load

SIZE = {"holders": 250, "users": 800}


def _mismatches(
    seed: int, local: str, faults: Sequence[str], omit: Sequence[str] = (), preset: str = ""
) -> tuple[int, list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        chain = generate_chain(
            Path(tmp), seed=seed, local=local, faults=faults, omit=omit, preset=preset, **SIZE
        )
        result = audit_files(chain.klik, load(chain.config))
    got = {
        h.user_id: (h.covered, h.cause, h.rule, h.responsible, _twin(h.legacy_twin))
        for h in result.holders
    }
    lines: Counter[str] = Counter()
    for user_id, truth in chain.truth.items():
        twin = chain.twins.get(user_id)
        expected = (
            truth.covered,
            truth.cause,
            truth.rule,
            truth.responsible,
            None
            if twin is None
            else (twin.user_id, twin.matched_by, twin.covered, twin.candidates),
        )
        actual = got.pop(user_id, None)
        if actual != expected:
            lines[f"forventet {expected}, fik {actual}"] += 1
    lines.update(f"ukendt rolleindehaver {uid}" for uid in got)
    report = [f"{n} x {line}" for line, n in lines.most_common()]
    return len(chain.truth), report


def _twin(twin: LegacyTwin | None) -> tuple[str, str, bool, tuple[str, ...]] | None:
    """The twin as the truth states it: found user, key, covered, candidates when ambiguous."""
    if twin is None:
        return None
    return (twin.user_id, twin.matched_by, twin.covered, twin.candidates)


def _applicable(local: str) -> list[str]:
    return sorted(f for f, kinds in FAULTS.items() if local in kinds)


@st.composite
def chains(draw: st.DrawFn) -> tuple[int, str, list[str], list[str]]:
    local = draw(st.sampled_from(["os2sofd", "os2mo"]))
    faults = draw(st.lists(st.sampled_from(_applicable(local)), unique=True, max_size=2))
    omit = draw(
        st.sampled_from([[], [], [], ["os2sync-db"], ["local"], ["ad", "local", "os2sync-db"]])
    )
    return draw(st.integers(0, 10_000)), local, faults, omit


@settings(max_examples=6)  # each example is a whole audit; derandomized by the "ci" profile
@given(chains())
@example((1, "os2sofd", ["hidden_mobiles_not_sent"], []))
@example((2, "os2sofd", ["ad_phone_not_mapped"], []))
@example((3, "os2sofd", ["os2sync_pre_3"], []))
@example((259, "os2sofd", ["ad_phone_not_mapped"], []))  # make fuzz: "4417 / 4417" read as a mobile
@example((4, "os2mo", [], []))
@example((5, "os2mo", ["os2mo_landline_class_missing"], []))
@example((6, "os2mo", ["os2mo_internal_visibility"], []))
@example((7, "os2mo", ["os2mo_default_classes"], []))
def test_pipeline_recovers_the_ground_truth(case: tuple[int, str, list[str], list[str]]) -> None:
    seed, local, faults, omit = case
    holders, report = _mismatches(seed, local, faults, omit)
    assert holders == SIZE["holders"]
    assert not report, f"seed={seed} local={local} faults={faults} omit={omit}:\n" + "\n".join(
        report[:20]
    )


def test_pipeline_recovers_the_ground_truth_of_the_os2sofd_upstream_cases() -> None:
    """A chain holding every OS2sofd/OPUS detail the replay models after upstream
    (OS2sofd/os2sofd OS2SyncService.updatePerson and OpusService, commit 88a368a6): future
    start dates, AD accounts without a matching affiliation, marked org units, untyped-prime
    mobiles out of sorted order, null visibilities and OPUS afdelingsnumre (9021)."""
    with tempfile.TemporaryDirectory() as tmp:
        chain = generate_chain(Path(tmp), holders=800, users=2000, seed=1)
        result = audit_files(chain.klik, load(chain.config))
    got = {h.user_id: (h.covered, h.cause, h.rule, h.responsible) for h in result.holders}
    wrong = [
        (uid, (t.covered, t.cause, t.rule, t.responsible), got.get(uid))
        for uid, t in chain.truth.items()
        if got.get(uid) != (t.covered, t.cause, t.rule, t.responsible)
    ]
    assert wrong == []
    rules = Counter(t.rule for t in chain.truth.values())
    assert rules["os2sofd.no_matching_affiliation"] and rules["os2sofd.do_not_transfer"]


@settings(max_examples=4)  # a whole audit per example; derandomized by the "ci" profile
@given(st.integers(0, 10_000), st.sampled_from([[], [], ["os2sync-db"]]))
@example(1, [])
@example(2, ["os2sync-db"])
def test_pipeline_recovers_the_ground_truth_of_an_os2sync_ad_chain(
    seed: int, omit: list[str]
) -> None:
    """The OS2sync-AD preset (AD straight to FK-ORG): the same exactness."""
    holders, report = _mismatches(seed, "os2sofd", [], omit, preset="os2sync-ad")
    assert holders == SIZE["holders"]
    assert not report, f"seed={seed} preset=os2sync-ad omit={omit}:\n" + "\n".join(report[:20])
