"""The phone engine's fast paths give exactly what the full parser gives (issue 15).

``PhoneEngine.parse`` builds plain Danish numbers directly and tries cheap shapes
(noise around one number, several plain numbers) before the regexes; ``parse_phone``
always runs the full parser. Both must agree on every cell, with and without configured
placeholders, on the first parse and on a cached one; ``PhoneEngine.usable`` (the counts'
shortcut, no value built) must agree with both on every text cell.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telefonspor.edge.bench import realistic_raw_values
from telefonspor.model import PhoneValue
from telefonspor.phones import BUILTIN_PLACEHOLDERS, PhoneEngine, parse_phone

#: Configured placeholders: one in a plain mobile block, one landline, one foreign.
PLACEHOLDERS = ("20304050", "+45 33 66 33 66", "+46 70 123 45 67")
_PLACEHOLDER_SET = frozenset(PLACEHOLDERS)


def _agree(raw: object) -> None:
    for configured, engine in (((), PhoneEngine()), (PLACEHOLDERS, PhoneEngine(PLACEHOLDERS))):
        expected = parse_phone(raw, placeholders=frozenset(configured))
        first = engine.parse(raw)
        again = engine.parse(raw)  # the cached value, where the engine caches
        assert type(first) is PhoneValue
        assert (first, again) == (expected, expected), (raw, configured)
        if isinstance(raw, str):  # usable(): the counts' shortcut for stored (text) numbers
            fresh = PhoneEngine(configured)  # its first answer, before parse() filled a cache
            assert fresh.usable(raw) is engine.usable(raw) is expected.usable, (raw, configured)


def _written(national: str) -> list[object]:
    """The ways the realistic exports write one number (8 digits, or a few more or less)."""
    spaced = f"{national[:2]} {national[2:4]} {national[4:6]} {national[6:]}"
    return [
        national,
        spaced,
        f"+45 {national}",
        f"+45{national}",
        f"+{national}",
        f"{national[:4]}+{national[4:]}",
        f"0045 {national}",
        f"0046 {national}",
        f"{national} {national[:4]}",
        f"45{national}",
        f"tlf. {national[:4]} {national[4:]}",
        f"Tlf.: {spaced} (privat)",
        f"({national[:2]}) {national[2:]}",
        spaced.replace(" ", "\u00a0"),
        national.replace("", "-")[1:-1],
        f" {national} ",
        f"{national}.0",
        f"45{national}.0",
        float(national),
        float("45" + national),
        int(national),
        int("45" + national),
    ]


def _formats(national: str) -> st.SearchStrategy[object]:
    return st.sampled_from(_written(national))


#: Any 8 digits, so every prefix (0, 1, service, placeholder blocks) is drawn; and a
#: digit too few or too many.
_nationals = st.one_of(
    st.integers(min_value=0, max_value=99_999_999).map(lambda n: f"{n:08d}"),
    st.text(alphabet="0123456789", min_size=7, max_size=9),
)
_SPECIAL = BUILTIN_PLACEHOLDERS | {"20304050", "33663366", "70112233", "80808080", "90909090"}
_one = st.one_of(_nationals, st.sampled_from(sorted(_SPECIAL))).flatmap(_formats)
_separator = st.sampled_from(
    [" / ", "/", " , ", ", ", ",", "; ", " | ", "|", "\n", "\r\n", " og ", " OG ", "og"]
)


def _joined(parts: list[object], separators: list[str]) -> str:
    text = str(parts[0])
    for part, separator in zip(parts[1:], separators, strict=False):
        text += separator + str(part)
    return text


#: Extensions and fragments: joined, they must not pass for one number ("4417 / 4417").
_short = st.text(alphabet="0123456789", min_size=1, max_size=6)
_several = st.lists(st.one_of(_one, _short), min_size=2, max_size=3).flatmap(
    lambda parts: st.lists(_separator, min_size=2, max_size=2).map(
        lambda separators: _joined(parts, separators)
    )
)
_other = st.sampled_from(
    ["", " ", "1234", "4417 / 4417", "3366/3366", "+46 70 123 45 67", "ukendt", "-", "0"]
)
_realistic = st.one_of(_one, _several, _other)

#: Cells made to hit the edges of every fast path: odd characters between digits,
#: Unicode digits and spaces, "+" anywhere, ".0" endings, numbers at the range limits.
_LIMITS = (20_000_000, 100_000_000, 4_520_000_000, 4_600_000_000)
_edge_numbers = st.sampled_from(
    [n + step for n in _LIMITS for step in (-1, 0)] + [0, -33_663_366, 10**20]
).flatmap(lambda n: st.sampled_from([n, float(n), n + 0.5]))
_adversarial = st.one_of(
    st.text(alphabet="0123456789 +-.()/,;|:\n\r\t\u00a0tlfTLFogOGx\u0663\u00b2", max_size=30),
    _edge_numbers,
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.booleans(),
    st.none(),
)


@given(_realistic)
def test_engine_equals_full_parser_on_realistic_cells(raw: object) -> None:
    _agree(raw)


@given(_adversarial)
def test_engine_equals_full_parser_on_adversarial_cells(raw: object) -> None:
    _agree(raw)


@given(st.lists(_realistic, max_size=20))
def test_one_engine_over_many_cells_equals_full_parser(raws: list[object]) -> None:
    """One engine (one cache) over a run of cells, as in an audit."""
    engine = PhoneEngine(PLACEHOLDERS)
    for raw in raws:
        assert engine.parse(raw) == parse_phone(raw, placeholders=_PLACEHOLDER_SET)


def test_engine_equals_full_parser_on_the_bench_values() -> None:
    """The cells the bench measures the engine on (bench.realistic_raw_values)."""
    engine = PhoneEngine()
    for raw in realistic_raw_values(20_000, seed=15):
        assert engine.parse(raw) == parse_phone(raw)


@pytest.mark.parametrize("special", sorted(_SPECIAL))
def test_engine_equals_full_parser_on_every_placeholder_and_edge_number(special: str) -> None:
    for raw in _written(special):
        _agree(raw)
    _agree(f"{special} / 33663366")
    _agree(f"{special[1:]}.0 / 22334455")  # ".0" ends a 7-digit part: dropped before counting
    for separator in (" / ", "/", "\n", " og ", "og", " , ", ", ", ",", " ; ", " | "):
        _agree(separator.join([special[:4], special[4:]]))  # two extensions, or one number


def test_engine_equals_full_parser_on_every_prefix() -> None:
    """Every 3-digit block, each way it is written: the fast path's prefix table."""
    plain, configured = PhoneEngine(), PhoneEngine(PLACEHOLDERS)
    for prefix in range(1000):
        for raw in _written(f"{prefix:03d}45678"):
            assert plain.parse(raw) == parse_phone(raw), raw
            assert configured.parse(raw) == parse_phone(raw, placeholders=_PLACEHOLDER_SET), raw
            if isinstance(raw, str):
                assert plain.usable(raw) is parse_phone(raw).usable, raw
                expected = parse_phone(raw, placeholders=_PLACEHOLDER_SET).usable
                assert configured.usable(raw) is expected, raw


@pytest.mark.parametrize("raw", [math.nan, math.inf, -math.inf, 33663366.5, True, ["33663366"]])
def test_engine_equals_full_parser_on_odd_cells(raw: object) -> None:
    _agree(raw)


def test_phone_value_behaves_as_the_frozen_value_it_was() -> None:
    value = PhoneValue("33 66 33 66", "+4533663366", "landline")
    same = PhoneValue(raw="33 66 33 66", e164="+4533663366", kind="landline", findings=())
    assert value == same
    assert (value != same) is False  # __ne__ is its own method on a tuple
    assert hash(value) == hash(same)
    assert len({value, same}) == 1
    assert value != ("33 66 33 66", "+4533663366", "landline", ())  # a value, not a tuple
    assert ("33 66 33 66", "+4533663366", "landline", ()) != value  # noqa: SIM300 (reflected)
    assert value != PhoneValue("33663366", "+4533663366", "landline")
    with pytest.raises(AttributeError):
        value.raw = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        value.extra = 1  # type: ignore[attr-defined]
    assert value.with_findings("placeholder") == PhoneValue(
        "33 66 33 66", "+4533663366", "landline", ("placeholder",)
    )
    assert value.with_findings() is value
    assert not value.with_findings("placeholder").usable
    assert repr(value) == (
        "PhoneValue(raw='33 66 33 66', e164='+4533663366', kind='landline', findings=())"
    )


_FINDING_CODES = st.lists(
    st.sampled_from(["missing", "invalid", "placeholder", "shared", "extension_only", "x"]),
    max_size=3,
).map(tuple)


@given(
    e164=st.sampled_from([None, "+4533663366", ""]),
    findings=_FINDING_CODES,
    more=_FINDING_CODES,
)
def test_stored_usable_is_the_rule_on_every_path(
    e164: str | None, findings: tuple[str, ...], more: tuple[str, ...]
) -> None:
    """``usable`` is a field made with the value: it must be what the rule says, however the
    value was made (constructor, parser helper, with_findings, _replace, copy, pickle)."""
    import copy
    import pickle

    from telefonspor.model import UNUSABLE_FINDINGS
    from telefonspor.phones import _value

    def rule(v: PhoneValue) -> bool:
        return v.e164 is not None and UNUSABLE_FINDINGS.isdisjoint(v.findings)

    value = PhoneValue("x", e164, "unknown", findings)
    assert value == _value("x", e164, "unknown", findings)
    for made in (
        value,
        value.with_findings(*more),
        value._replace(findings=more),
        value._replace(e164=None),
        copy.copy(value),
        copy.deepcopy(value),
        pickle.loads(pickle.dumps(value)),
    ):
        assert type(made) is PhoneValue
        assert made.usable is rule(made)
    assert pickle.loads(pickle.dumps(value)) == value
    with pytest.raises(TypeError):
        value._replace(usable=True)
