"""Tile-grid positions of the 98 municipalities: one square each, roughly where it lies.

The grid keeps Denmark recognisable without map data: Nordjylland on top,
Jutland on the left with Sønderjylland at the bottom, Fyn in the middle
(Lillebælt and Storebælt are empty columns), Sjælland and the capital area on
the right, Lolland-Falster below it and Bornholm apart to the east.
Municipalities of the capital area are small and many, so that block is
stretched. Each tile also has a three-letter label, unique across the country.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Tile:
    col: int
    row: int
    label: str  # short visible label, e.g. "KBH"


_TILES: Final[tuple[tuple[str, int, int, str], ...]] = (
    # Nordjylland
    ("860", 4, 0, "HJØ"),
    ("813", 5, 0, "FHV"),
    ("825", 7, 0, "LÆS"),
    ("787", 2, 1, "THI"),
    ("849", 3, 1, "JAM"),
    ("810", 4, 1, "BRS"),
    ("851", 5, 1, "AAL"),
    ("773", 2, 2, "MOR"),
    ("820", 3, 2, "VHI"),
    ("840", 4, 2, "REB"),
    ("846", 5, 2, "MAR"),
    # Midtjylland
    ("665", 1, 3, "LEM"),
    ("671", 2, 3, "STR"),
    ("779", 3, 3, "SKI"),
    ("791", 4, 3, "VIB"),
    ("730", 5, 3, "RAN"),
    ("707", 6, 3, "NDJ"),
    ("661", 1, 4, "HST"),
    ("657", 2, 4, "HRN"),
    ("740", 3, 4, "SIL"),
    ("710", 4, 4, "FAV"),
    ("751", 5, 4, "AAR"),
    ("706", 6, 4, "SDJ"),
    ("760", 1, 5, "RKS"),
    ("756", 2, 5, "IKB"),
    ("746", 3, 5, "SKB"),
    ("615", 4, 5, "HOR"),
    ("727", 5, 5, "ODD"),
    ("741", 7, 5, "SAM"),
    ("766", 4, 6, "HED"),
    # Syddanmark: Jutland
    ("573", 1, 6, "VAR"),
    ("530", 2, 6, "BIL"),
    ("630", 3, 6, "VEJ"),
    ("563", 0, 7, "FAN"),
    ("561", 1, 7, "ESB"),
    ("575", 2, 7, "VJN"),
    ("621", 3, 7, "KOL"),
    ("607", 4, 7, "FCA"),
    ("550", 1, 8, "TØN"),
    ("580", 2, 8, "ABR"),
    ("510", 3, 8, "HAD"),
    ("540", 3, 9, "SØN"),
    # Syddanmark: Fyn and the islands south of it
    ("410", 6, 7, "MID"),
    ("480", 7, 7, "NFY"),
    ("440", 8, 7, "KER"),
    ("420", 6, 8, "ASS"),
    ("461", 7, 8, "ODE"),
    ("450", 8, 8, "NYB"),
    ("430", 6, 9, "FMF"),
    ("479", 7, 9, "SVE"),
    ("482", 8, 9, "LAN"),
    ("492", 6, 10, "ÆRØ"),
    # Sjælland
    ("306", 10, 3, "ODS"),
    ("326", 10, 4, "KAL"),
    ("316", 11, 4, "HOL"),
    ("350", 11, 5, "LEJ"),
    ("265", 12, 5, "ROS"),
    ("330", 10, 6, "SLA"),
    ("340", 11, 6, "SOR"),
    ("329", 11, 7, "RIN"),
    ("253", 12, 7, "GRE"),
    ("370", 11, 8, "NÆS"),
    ("259", 12, 8, "KØG"),
    ("269", 13, 8, "SOL"),
    ("390", 11, 9, "VOR"),
    ("320", 12, 9, "FAX"),
    ("336", 13, 9, "STE"),
    ("360", 10, 10, "LOL"),
    ("376", 11, 10, "GUL"),
    # Hovedstaden
    ("260", 12, 2, "HAL"),
    ("270", 13, 2, "GRI"),
    ("210", 14, 2, "FRE"),
    ("217", 15, 2, "HEL"),
    ("250", 12, 3, "FSU"),
    ("219", 13, 3, "HIL"),
    ("201", 14, 3, "ALL"),
    ("223", 15, 3, "HØR"),
    ("240", 12, 4, "EGE"),
    ("190", 13, 4, "FUR"),
    ("230", 14, 4, "RUD"),
    ("173", 15, 4, "LTB"),
    ("151", 13, 5, "BAL"),
    ("163", 14, 5, "HER"),
    ("159", 15, 5, "GLA"),
    ("157", 16, 5, "GEN"),
    ("169", 12, 6, "HTÅ"),
    ("165", 13, 6, "ALB"),
    ("161", 14, 6, "GLO"),
    ("175", 15, 6, "RØD"),
    ("147", 16, 6, "FRB"),
    ("101", 17, 6, "KBH"),
    ("183", 13, 7, "ISH"),
    ("187", 14, 7, "VAL"),
    ("153", 15, 7, "BRØ"),
    ("167", 16, 7, "HVI"),
    ("185", 17, 7, "TÅR"),
    ("155", 17, 8, "DRA"),
    ("400", 20, 9, "BOR"),
)

TILES: Final[Mapping[str, Tile]] = {code: Tile(col, row, label) for code, col, row, label in _TILES}
COLUMNS: Final = max(t.col for t in TILES.values()) + 1
ROWS: Final = max(t.row for t in TILES.values()) + 1
