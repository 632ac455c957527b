"""The table of 98 municipalities, tolerant matching, and the tile grid."""

from __future__ import annotations

from collections import Counter

import pytest

from telefonspor.national.municipalities import (
    BY_CODE,
    MUNICIPALITIES,
    REGIONS,
    match_municipality,
    name_key,
)
from telefonspor.national.tilegrid import TILES

CODES = [m.code for m in MUNICIPALITIES]


def _ascii(text: str, oe: str = "oe") -> str:
    return (
        text.replace("æ", "ae")
        .replace("Æ", "Ae")
        .replace("ø", oe)
        .replace("Ø", oe.capitalize())
        .replace("å", "aa")
        .replace("Å", "Aa")
    )


def test_the_table_has_98_municipalities_in_five_regions() -> None:
    assert len(MUNICIPALITIES) == 98
    assert len(set(CODES)) == 98
    assert all(len(code) == 3 and code.isdigit() for code in CODES)
    sizes = Counter(m.region.name for m in MUNICIPALITIES)
    assert sizes == {
        "Region Hovedstaden": 29,
        "Region Sjælland": 17,
        "Region Syddanmark": 22,
        "Region Midtjylland": 19,
        "Region Nordjylland": 11,
    }
    assert {r.name for r in REGIONS} == set(sizes)
    assert BY_CODE["101"].name == "København"
    assert BY_CODE["860"].name == "Hjørring"
    assert BY_CODE["400"].region.name == "Region Hovedstaden"


def test_no_two_municipalities_share_a_matching_key() -> None:
    keys = [name_key(m.name) for m in MUNICIPALITIES]
    assert len(set(keys)) == 98


@pytest.mark.parametrize("code", CODES)
def test_every_code_and_name_form_matches(code: str) -> None:
    m = BY_CODE[code]
    forms = [
        code,
        code.zfill(4),
        f"{code}.0",
        f" {code} ",
        f"{code} {m.name}",
        m.name,
        m.official_name,
        f"{m.name} Kommune",
        m.name.upper(),
        m.name.lower(),
        _ascii(m.name),
        _ascii(m.name, oe="o"),
        m.name.replace("-", " "),
        _ascii(m.official_name),
    ]
    assert [f for f in forms if match_municipality(f) != m] == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Københavns Kommune", "101"),
        ("Kobenhavn", "101"),
        ("KØBENHAVN", "101"),
        ("Aarhus", "751"),
        ("Århus", "751"),
        ("Århus Kommune", "751"),
        ("Høje-Taastrup", "169"),
        ("Høje Taastrup", "169"),
        ("Høje Tåstrup Kommune", "169"),
        ("Lyngby-Taarbæk", "173"),
        ("Lyngby Tårbæk", "173"),
        ("Ringkøbing-Skjern", "760"),
        ("Ringkobing Skjern", "760"),
        ("Ærø", "492"),
        ("Aeroe Kommune", "492"),
        ("Læsø", "825"),
        ("Fanø", "563"),
        ("Samsø", "741"),
        ("Bornholm", "400"),
        ("Bornholms Regionskommune", "400"),
        ("Vesthimmerland Kommune", "820"),
        ("Vesthimmerlands Kommune", "820"),
        ("Nordfyn", "480"),
        ("Faaborg-Midtfyn", "430"),
        ("Fåborg Midtfyn", "430"),
        ("Åbenrå", "580"),
        ("Aalborg Kommune", "851"),
        ("Brondby", "153"),
        ("0101", "101"),
    ],
)
def test_spelling_variants(text: str, code: str) -> None:
    found = match_municipality(text)
    assert found is not None
    assert found.code == code


@pytest.mark.parametrize(
    "text",
    [
        "Christiansø",
        "Region Hovedstaden",
        "Region Sjælland",
        "",
        "   ",
        "999",
        "411",
        "Grønland",
        "Kommune",
        "101 Aarhus",
        "=HYPERLINK(1)",
        None,
    ],
)
def test_texts_that_are_not_a_municipality_stay_unmatched(text: str | None) -> None:
    assert match_municipality(text) is None


def test_the_tile_grid_has_one_unique_square_and_label_per_municipality() -> None:
    assert set(TILES) == set(CODES)
    assert len({(t.col, t.row) for t in TILES.values()}) == 98
    assert len({t.label for t in TILES.values()}) == 98


def test_the_tile_grid_follows_geography() -> None:
    t = TILES
    # Bornholm lies apart, east of everything else.
    others = [tile.col for code, tile in t.items() if code != "400"]
    assert t["400"].col > max(others) + 1
    # Nordjylland on top, Sønderjylland at the bottom of Jutland, Fyn between Jutland and Sjælland.
    assert t["860"].row < t["751"].row < t["540"].row
    assert t["561"].col < t["461"].col < t["265"].col < t["101"].col
    assert t["101"].col == max(tile.col for code, tile in t.items() if code != "400")
