from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telefonspor.phones import PhoneEngine, contextual_findings, kind_of, parse_phone


@pytest.mark.parametrize(
    ("raw", "e164", "kind"),
    [
        ("33663366", "+4533663366", "landline"),
        (33663366, "+4533663366", "landline"),
        (33663366.0, "+4533663366", "landline"),
        (4533663366.0, "+4533663366", "landline"),
        (4533663366, "+4533663366", "landline"),
        ("4533663366", "+4533663366", "landline"),
        ("45 33 66 33 66", "+4533663366", "landline"),
        ("+45 33 66 33 66", "+4533663366", "landline"),
        ("+4533663366", "+4533663366", "landline"),
        ("0045 3366 3366", "+4533663366", "landline"),
        ("(+45) 33663366", "+4533663366", "landline"),
        ("33\u00a066\u00a033\u00a066", "+4533663366", "landline"),
        ("33.66.33.66", "+4533663366", "landline"),
        ("33-66-33-66", "+4533663366", "landline"),
        ("33/66/33/66", "+4533663366", "landline"),
        ("tlf. 3366 3366", "+4533663366", "landline"),
        ("Tlf.: 22 33 44 55 (privat)", "+4522334455", "mobile"),
        (" 22334455 ", "+4522334455", "mobile"),
        ("4533663366.0", "+4533663366", "landline"),  # an Excel float through CSV
        ("34211111", "+4534211111", "mobile"),  # 3-digit mobile block inside a landline range
        ("86121212", "+4586121212", "landline"),
        ("37121212", "+4537121212", "unknown"),
    ],
)
def test_usable_danish_shapes(raw: object, e164: str, kind: str) -> None:
    value = parse_phone(raw)
    assert (value.e164, value.kind, value.findings, value.usable) == (e164, kind, (), True)


@pytest.mark.parametrize("raw", ["", None, "   ", "-", "ukendt", "(privat)", "tlf."])
def test_missing(raw: object) -> None:
    value = parse_phone(raw)
    assert value.findings == ("missing",)
    assert value.e164 is None
    assert not value.usable


@pytest.mark.parametrize(
    "raw",
    [
        "0",
        "2233445",
        "223344556",
        "03366336",
        "13366336",
        3366336,
        33663366.5,
        "+45 1234",
        "+45 0336 6336",
        "4501234567x9",
    ],
)
def test_invalid(raw: object) -> None:
    value = parse_phone(raw)
    assert value.findings == ("invalid",)
    assert not value.usable


@pytest.mark.parametrize("raw", ["123", "4417", "12345", 1234, 4417.0, "lokal 2345"])
def test_extension_only(raw: object) -> None:
    value = parse_phone(raw)
    assert value.findings == ("extension_only",)
    assert not value.usable


@pytest.mark.parametrize(
    "raw",
    [
        "12345678",
        "87654321",
        "23456789",
        "98765432",
        "22222222",
        "00000000",
        99999999,
        88888888.0,
        "+45 12 34 56 78",
        "70101155",
        "7010 1155",
    ],
)
def test_builtin_placeholders(raw: object) -> None:
    value = parse_phone(raw)
    assert value.findings == ("placeholder",)
    assert value.e164 is not None  # still counted, e.g. as shared
    assert not value.usable


def test_configured_placeholder_in_any_notation() -> None:
    engine = PhoneEngine(["+45 33 44 55 66", "0045 4444 5555"])
    for raw in ("33445566", 33445566.0, "+4533445566", "44445555"):
        assert engine.parse(raw).findings == ("placeholder",), raw
    assert engine.parse("33445567").findings == ()
    assert parse_phone("33445566", placeholders=frozenset({"33445566"})).findings == (
        "placeholder",
    )


@pytest.mark.parametrize("raw", ["70203040", "80 20 30 40", "+45 90 20 30 40", 70203040.0])
def test_service_number_is_usable_but_flagged(raw: object) -> None:
    value = parse_phone(raw)
    assert value.findings == ("service_number",)
    assert value.usable


@pytest.mark.parametrize(
    ("raw", "e164", "kind"),
    [
        ("+46 70 123 45 67", "+46701234567", "mobile"),
        ("0046 70 123 45 67", "+46701234567", "mobile"),
        ("+49 30 1234567", "+49301234567", "landline"),
        ("+44 20 7946 0958", "+442079460958", "landline"),
    ],
)
def test_foreign_valid(raw: str, e164: str, kind: str) -> None:
    value = parse_phone(raw)
    assert (value.e164, value.kind, value.findings, value.usable) == (
        e164,
        kind,
        ("foreign",),
        True,
    )


@pytest.mark.parametrize("raw", ["+46 1", "+999 123456789", "0049 301"])
def test_foreign_invalid(raw: str) -> None:
    value = parse_phone(raw)
    assert value.findings == ("invalid",)
    assert not value.usable


@pytest.mark.parametrize(
    ("raw", "e164", "findings"),
    [
        ("33663366 / 22334455", "+4533663366", ("multiple_numbers",)),
        ("33 66 33 66, 22 33 44 55", "+4533663366", ("multiple_numbers",)),
        ("33663366; 22334455", "+4533663366", ("multiple_numbers",)),
        ("33663366 og 22334455", "+4533663366", ("multiple_numbers",)),
        ("33663366\n22334455", "+4533663366", ("multiple_numbers",)),
        ("12345678 / 22334455", "+4522334455", ("multiple_numbers",)),  # first *usable*
        ("1234 / 22334455", "+4522334455", ("multiple_numbers",)),
        ("33663366 / lokal 1234", "+4533663366", ("multiple_numbers",)),
        ("+46 70 123 45 67 / 22334455", "+46701234567", ("foreign", "multiple_numbers")),
    ],
)
def test_multiple_numbers(raw: str, e164: str, findings: tuple[str, ...]) -> None:
    value = parse_phone(raw)
    assert (value.e164, value.findings, value.raw) == (e164, findings, raw)


def test_two_short_entries_are_not_joined_into_one_number() -> None:
    """Found by make fuzz (ground truth, seed 259): "4417 / 4417" in Mobil nummer read as the
    mobile +4544174417. A spaced separator parts two entries; without spaces "/" may still
    sit inside one number."""
    value = parse_phone("4417 / 4417")
    assert value.findings == ("extension_only", "multiple_numbers")
    assert not value.usable
    assert parse_phone("3366/3366").e164 == "+4533663366"


def test_multiple_numbers_none_usable_keeps_first_problem() -> None:
    value = parse_phone("12345678 / 00000000")
    assert value.findings == ("placeholder", "multiple_numbers")
    assert not value.usable


def test_contextual_findings() -> None:
    direct, mobile = contextual_findings(parse_phone("22334455"), parse_phone("+45 22 33 44 55"))
    assert direct.findings == ("mobile_in_landline_field", "same_number_both_fields")
    assert mobile.findings == ("same_number_both_fields",)
    direct, mobile = contextual_findings(parse_phone("33663366"), parse_phone("22334455"))
    assert (direct.findings, mobile.findings) == ((), ())
    # a foreign mobile in the direct field is no hint about Danish ranges
    direct, _ = contextual_findings(parse_phone("+46 70 123 45 67"), parse_phone(""))
    assert direct.findings == ("foreign",)
    # both missing: nothing to compare
    direct, mobile = contextual_findings(parse_phone(""), parse_phone(None))
    assert (direct.findings, mobile.findings) == (("missing",), ("missing",))


@pytest.mark.parametrize(
    ("national", "kind"),
    [
        ("20000000", "mobile"),
        ("31000000", "mobile"),
        ("42000000", "mobile"),
        ("53000000", "mobile"),
        ("61000000", "mobile"),
        ("71000000", "mobile"),
        ("81000000", "mobile"),
        ("93000000", "mobile"),
        ("82900000", "mobile"),
        ("49900000", "mobile"),
        ("32000000", "landline"),
        ("38000000", "landline"),
        ("43000000", "landline"),
        ("59000000", "landline"),
        ("69000000", "landline"),
        ("72000000", "landline"),
        ("82000000", "landline"),
        ("99000000", "landline"),
        ("37000000", "unknown"),
        ("70000000", "unknown"),
        ("94000000", "unknown"),
    ],
)
def test_kind_of(national: str, kind: str) -> None:
    assert kind_of(national) == kind


def test_engine_matches_parse_phone_and_caches() -> None:
    engine = PhoneEngine()
    raws: list[object] = [
        "33663366",
        33663366,
        33663366.0,
        "+45 22 33 44 55",
        "",
        "1234",
        None,
        "33663366 / 22334455",
        "+46 70 123 45 67",
        4533663366.0,
    ]
    for raw in raws:
        assert engine.parse(raw) == parse_phone(raw)
    assert engine.parse("22 33 44 55") == engine.parse("22 33 44 55")
    # Plain Danish numbers are built directly; cells that need the full parser (foreign,
    # several numbers, text) are parsed once per engine and then come from its cache.
    assert engine.parse("+46 70 123 45 67") is engine.parse("+46 70 123 45 67")
    assert engine.parse("33663366 / 22334455") is engine.parse("33663366 / 22334455")


def test_engine_accepts_unhashable_and_odd_cells() -> None:
    engine = PhoneEngine()
    assert engine.parse(True).findings == ("missing",)
    assert engine.parse(["33663366"]).e164 == "+4533663366"  # odd, but never an exception


@given(st.one_of(st.text(), st.integers(), st.floats(allow_nan=True), st.none()))
def test_parse_never_raises_and_is_idempotent_on_e164(raw: object) -> None:
    value = parse_phone(raw)
    assert isinstance(value.raw, str)
    if value.e164 is not None:
        again = parse_phone(value.e164)
        assert again.e164 == value.e164
        assert again.kind == value.kind


@given(st.text(alphabet="0123456789 +-./()tlfog,;\n\u00a0", max_size=40))
def test_phone_shaped_text_never_raises(raw: str) -> None:
    value = parse_phone(raw)
    assert value.usable or value.findings  # an unusable value always says why
    assert PhoneEngine().parse(raw) == value


@given(
    st.one_of(
        st.integers(min_value=0, max_value=10**11),
        st.floats(min_value=0, max_value=1e11),
        st.integers(min_value=20_000_000, max_value=99_999_999).map(float),
        st.integers(min_value=20_000_000, max_value=99_999_999).map(lambda n: f"+45 {n}"),
        st.integers(min_value=0, max_value=99_999_999).map(lambda n: f"{n:08d}"),
    )
)
def test_engine_fast_path_agrees_with_parse_phone(raw: object) -> None:
    assert PhoneEngine().parse(raw) == parse_phone(raw)
    assert PhoneEngine(["33663366"]).parse(raw) == parse_phone(
        raw, placeholders=frozenset({"33663366"})
    )
