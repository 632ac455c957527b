"""Issue 15, diagnose: a holder's trace hops (a slot's one number or none shown without a
call) equal the hops made as before, by ``_best`` for every slot."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import msgspec
import pytest

from telefonspor.diagnose import Diagnoser, _notes, _View
from telefonspor.edge.run import read_inputs
from telefonspor.model import Hop, PhoneEntry, SourceData
from telefonspor.phones import PhoneEngine
from telefonspor.sample import FAULTS, generate_chain
from telefonspor.settings import load


def _reference_hop(diagnoser: Diagnoser, v: _View) -> Hop:
    """``Diagnoser._hop`` as it was: ``_best`` of each slot's shown numbers."""
    record, link = v.record, v.link
    if record is None:
        notes = ("flere mulige personer",) if link.confidence == "ambiguous" else ()
        return Hop(
            v.source.kind, v.position, False, key=link.key, confidence=link.confidence, notes=notes
        )
    direct, mobile = v.passage.direct, v.passage.mobile
    if diagnoser._preset and v.source.kind == "ad":
        shown_direct, shown_mobile = (*direct.held, *direct.other), (*mobile.held, *mobile.other)
    else:
        shown_direct, shown_mobile = direct.held, mobile.held
    return Hop(
        v.source.kind,
        v.position,
        True,
        diagnoser._best(shown_direct),
        diagnoser._best(shown_mobile),
        direct.sent,
        mobile.sent,
        link.key,
        link.confidence,
        _notes(record.flags) if record.flags else (),
    )


def _crowded(sources: list[SourceData]) -> list[SourceData]:
    """Every other record with its numbers twice, the copy unusable first (``_best`` picks)."""
    out = []
    for s in sources:
        records = tuple(
            msgspec.structs.replace(
                r, phones=(*(PhoneEntry("ukendt", p.type) for p in r.phones), *r.phones)
            )
            if i % 2
            else r
            for i, r in enumerate(s.records)
        )
        out.append(dataclasses.replace(s, records=records))
    return out


@pytest.mark.parametrize(
    ("options", "crowded"),
    [
        ({"faults": tuple(FAULTS)}, False),
        ({"faults": tuple(FAULTS)}, True),
        ({"preset": "os2sync-ad"}, True),
        ({"local": "os2mo", "faults": tuple(FAULTS)}, True),
    ],
    ids=["os2sofd", "os2sofd-crowded", "os2sync-ad-crowded", "os2mo-crowded"],
)
def test_hops_equal_the_reference(
    options: dict[str, object], crowded: bool, tmp_path: Path
) -> None:
    generate_chain(tmp_path, holders=150, users=400, seed=9, **options)  # type: ignore[arg-type]
    settings = load(tmp_path / "kaede.toml")
    klik, sources = read_inputs(next(tmp_path.glob("klik*")), settings)
    if crowded:
        sources = _crowded(sources)
    diagnoser = Diagnoser(sources, settings, PhoneEngine())
    shown = 0
    for user in klik.users:
        views = diagnoser._views(diagnoser.resolver.resolve(user), keep=False)
        for view in views:
            hop = diagnoser._hop(view)
            assert hop == _reference_hop(diagnoser, view), user.user_id
            shown += bool(hop.direct) + bool(hop.mobile)
    assert shown
