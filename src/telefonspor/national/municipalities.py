"""The 98 Danish municipalities and the five regions, with tolerant name matching.

Names, codes and regions come in many spellings: "Københavns Kommune",
"København", "Kobenhavn", "101", "0101", "Århus"/"Aarhus", "Høje Taastrup".
:func:`match_municipality` maps them all to one :class:`Municipality`; a text
it cannot place returns ``None`` so the caller can report it (never a guess:
"Christiansø" is not a municipality and stays unmatched).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Region:
    code: str  # DAGI region code, e.g. "1084"
    name: str  # "Region Hovedstaden"


@dataclass(frozen=True, slots=True)
class Municipality:
    code: str  # 3-digit municipality code (kommunekode), e.g. "101"
    name: str  # short name as on maps, e.g. "København"
    region: Region

    @property
    def official_name(self) -> str:
        """The name as the municipality signs it ("Københavns Kommune")."""
        return _OFFICIAL.get(self.code, f"{self.name} Kommune")


HOVEDSTADEN: Final = Region("1084", "Region Hovedstaden")
SJAELLAND: Final = Region("1085", "Region Sjælland")
SYDDANMARK: Final = Region("1083", "Region Syddanmark")
MIDTJYLLAND: Final = Region("1082", "Region Midtjylland")
NORDJYLLAND: Final = Region("1081", "Region Nordjylland")

#: The five regions, east to west then north (the order reports list them).
REGIONS: Final[tuple[Region, ...]] = (HOVEDSTADEN, SJAELLAND, SYDDANMARK, MIDTJYLLAND, NORDJYLLAND)

_TABLE: Final[tuple[tuple[str, str, Region], ...]] = (
    # Region Hovedstaden (29)
    ("101", "København", HOVEDSTADEN),
    ("147", "Frederiksberg", HOVEDSTADEN),
    ("151", "Ballerup", HOVEDSTADEN),
    ("153", "Brøndby", HOVEDSTADEN),
    ("155", "Dragør", HOVEDSTADEN),
    ("157", "Gentofte", HOVEDSTADEN),
    ("159", "Gladsaxe", HOVEDSTADEN),
    ("161", "Glostrup", HOVEDSTADEN),
    ("163", "Herlev", HOVEDSTADEN),
    ("165", "Albertslund", HOVEDSTADEN),
    ("167", "Hvidovre", HOVEDSTADEN),
    ("169", "Høje-Taastrup", HOVEDSTADEN),
    ("173", "Lyngby-Taarbæk", HOVEDSTADEN),
    ("175", "Rødovre", HOVEDSTADEN),
    ("183", "Ishøj", HOVEDSTADEN),
    ("185", "Tårnby", HOVEDSTADEN),
    ("187", "Vallensbæk", HOVEDSTADEN),
    ("190", "Furesø", HOVEDSTADEN),
    ("201", "Allerød", HOVEDSTADEN),
    ("210", "Fredensborg", HOVEDSTADEN),
    ("217", "Helsingør", HOVEDSTADEN),
    ("219", "Hillerød", HOVEDSTADEN),
    ("223", "Hørsholm", HOVEDSTADEN),
    ("230", "Rudersdal", HOVEDSTADEN),
    ("240", "Egedal", HOVEDSTADEN),
    ("250", "Frederikssund", HOVEDSTADEN),
    ("260", "Halsnæs", HOVEDSTADEN),
    ("270", "Gribskov", HOVEDSTADEN),
    ("400", "Bornholm", HOVEDSTADEN),
    # Region Sjælland (17)
    ("253", "Greve", SJAELLAND),
    ("259", "Køge", SJAELLAND),
    ("265", "Roskilde", SJAELLAND),
    ("269", "Solrød", SJAELLAND),
    ("306", "Odsherred", SJAELLAND),
    ("316", "Holbæk", SJAELLAND),
    ("320", "Faxe", SJAELLAND),
    ("326", "Kalundborg", SJAELLAND),
    ("329", "Ringsted", SJAELLAND),
    ("330", "Slagelse", SJAELLAND),
    ("336", "Stevns", SJAELLAND),
    ("340", "Sorø", SJAELLAND),
    ("350", "Lejre", SJAELLAND),
    ("360", "Lolland", SJAELLAND),
    ("370", "Næstved", SJAELLAND),
    ("376", "Guldborgsund", SJAELLAND),
    ("390", "Vordingborg", SJAELLAND),
    # Region Syddanmark (22)
    ("410", "Middelfart", SYDDANMARK),
    ("420", "Assens", SYDDANMARK),
    ("430", "Faaborg-Midtfyn", SYDDANMARK),
    ("440", "Kerteminde", SYDDANMARK),
    ("450", "Nyborg", SYDDANMARK),
    ("461", "Odense", SYDDANMARK),
    ("479", "Svendborg", SYDDANMARK),
    ("480", "Nordfyns", SYDDANMARK),
    ("482", "Langeland", SYDDANMARK),
    ("492", "Ærø", SYDDANMARK),
    ("510", "Haderslev", SYDDANMARK),
    ("530", "Billund", SYDDANMARK),
    ("540", "Sønderborg", SYDDANMARK),
    ("550", "Tønder", SYDDANMARK),
    ("561", "Esbjerg", SYDDANMARK),
    ("563", "Fanø", SYDDANMARK),
    ("573", "Varde", SYDDANMARK),
    ("575", "Vejen", SYDDANMARK),
    ("580", "Aabenraa", SYDDANMARK),
    ("607", "Fredericia", SYDDANMARK),
    ("621", "Kolding", SYDDANMARK),
    ("630", "Vejle", SYDDANMARK),
    # Region Midtjylland (19)
    ("615", "Horsens", MIDTJYLLAND),
    ("657", "Herning", MIDTJYLLAND),
    ("661", "Holstebro", MIDTJYLLAND),
    ("665", "Lemvig", MIDTJYLLAND),
    ("671", "Struer", MIDTJYLLAND),
    ("706", "Syddjurs", MIDTJYLLAND),
    ("707", "Norddjurs", MIDTJYLLAND),
    ("710", "Favrskov", MIDTJYLLAND),
    ("727", "Odder", MIDTJYLLAND),
    ("730", "Randers", MIDTJYLLAND),
    ("740", "Silkeborg", MIDTJYLLAND),
    ("741", "Samsø", MIDTJYLLAND),
    ("746", "Skanderborg", MIDTJYLLAND),
    ("751", "Aarhus", MIDTJYLLAND),
    ("756", "Ikast-Brande", MIDTJYLLAND),
    ("760", "Ringkøbing-Skjern", MIDTJYLLAND),
    ("766", "Hedensted", MIDTJYLLAND),
    ("779", "Skive", MIDTJYLLAND),
    ("791", "Viborg", MIDTJYLLAND),
    # Region Nordjylland (11)
    ("773", "Morsø", NORDJYLLAND),
    ("787", "Thisted", NORDJYLLAND),
    ("810", "Brønderslev", NORDJYLLAND),
    ("813", "Frederikshavn", NORDJYLLAND),
    ("820", "Vesthimmerlands", NORDJYLLAND),
    ("825", "Læsø", NORDJYLLAND),
    ("840", "Rebild", NORDJYLLAND),
    ("846", "Mariagerfjord", NORDJYLLAND),
    ("849", "Jammerbugt", NORDJYLLAND),
    ("851", "Aalborg", NORDJYLLAND),
    ("860", "Hjørring", NORDJYLLAND),
)

#: Official names that are not simply "<name> Kommune".
_OFFICIAL: Final[Mapping[str, str]] = {
    "101": "Københavns Kommune",
    "400": "Bornholms Regionskommune",
    "825": "Læsø Kommune",
}

#: Other names people write (normalised like every name before lookup).
_ALIASES: Final[Mapping[str, str]] = {
    "Kbh": "101",
    "Kbh.": "101",
    "Copenhagen": "101",
    "Lyngby": "173",
    "Kongens Lyngby": "173",
    "Taastrup": "169",
    "Nordfyn": "480",
    "Vesthimmerland": "820",
    "Ringkøbing": "760",
    "Ikast": "756",
    "Faaborg": "430",
    "Midtfyn": "430",
}

#: All 98, in code order.
MUNICIPALITIES: Final[tuple[Municipality, ...]] = tuple(
    sorted(
        (Municipality(code, name, region) for code, name, region in _TABLE), key=lambda m: m.code
    )
)
BY_CODE: Final[Mapping[str, Municipality]] = {m.code: m for m in MUNICIPALITIES}

# Words that only say "this is a municipality" and carry no name.
_NOISE_WORDS: Final = frozenset(
    {"kommune", "kommunes", "kommunen", "regionskommune", "kommunalbestyrelse", "municipality"}
)
_CODE_ONLY: Final = re.compile(r"^0*(\d{1,3})(?:[.,]0+)?$")
_CODE_AND_NAME: Final = re.compile(r"^0*(\d{3})\b[\s:.\-–]*(.*)$")
_DANISH_LETTERS: Final = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})
_ASCII_FOLDS: Final = (("aa", "a"), ("oe", "o"))


def name_key(text: str) -> str:
    """Spelling-tolerant key: case, æøå and their ASCII forms, spaces and hyphens ignored.

    "Høje-Taastrup", "Hoeje Tåstrup" and "hoje taastrup" share one key.
    """
    words = text.casefold().translate(_DANISH_LETTERS).split()
    kept = [w for w in words if w.strip(".,") not in _NOISE_WORDS]
    decomposed = unicodedata.normalize("NFKD", " ".join(kept))
    letters = "".join(c for c in decomposed if c.isascii() and c.isalnum())
    for long, short in _ASCII_FOLDS:
        letters = letters.replace(long, short)
    return letters


def _build_index() -> dict[str, Municipality]:
    index: dict[str, Municipality] = {}
    for m in MUNICIPALITIES:
        index[name_key(m.name)] = m
        index[name_key(m.official_name)] = m
    for alias, code in _ALIASES.items():
        index.setdefault(name_key(alias), BY_CODE[code])
    return index


_BY_KEY: Final = _build_index()


def match_municipality(text: object) -> Municipality | None:
    """The municipality ``text`` names (a name in any common spelling or a code), else None."""
    raw = str(text).strip() if text is not None else ""
    if not raw:
        return None
    code = _CODE_ONLY.match(raw)
    if code:
        return BY_CODE.get(code.group(1).zfill(3))
    with_name = _CODE_AND_NAME.match(raw)
    if with_name:
        found = BY_CODE.get(with_name.group(1))
        rest = with_name.group(2).strip()
        # "101 København" is fine; "101 Aarhus" contradicts itself and stays unmatched.
        if found is not None and (not rest or _by_name(rest) in (None, found)):
            return found
        return None
    return _by_name(raw)


def _by_name(text: str) -> Municipality | None:
    key = name_key(text)
    if not key:
        return None
    found = _BY_KEY.get(key)
    if found is None and key.endswith("s"):
        found = _BY_KEY.get(key[:-1])  # genitive: "Vejles", "Bornholms"
    return found


def region_of(code: str) -> Region:
    return BY_CODE[code].region
