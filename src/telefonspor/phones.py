"""Parse and classify phone cells: Danish numbers by the numbering plan, foreign via phonenumbers.

Pure and fast: Danish numbers (almost all of them) never touch ``phonenumbers``.
:class:`PhoneEngine` builds plain Danish numbers directly (a million cells a second)
and sends every other cell through the full parser (:func:`parse_phone`'s), cached by
raw text because those repeat across thousands of rows (empty cells, placeholders,
switchboard numbers).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

import phonenumbers

from telefonspor.model import UNUSABLE_FINDINGS, PhoneValue

__all__ = [
    "BUILTIN_PLACEHOLDERS",
    "LANDLINE_PREFIXES_2",
    "MOBILE_PREFIXES_2",
    "MOBILE_PREFIXES_3",
    "PhoneEngine",
    "contextual_findings",
    "kind_of",
    "normalise_placeholder",
    "parse_phone",
    "raw_text",
]

#: Numbers that are never a person's line: sequences, and the speaking clock.
BUILTIN_PLACEHOLDERS: Final = frozenset(
    {"12345678", "87654321", "23456789", "98765432", "70101155"}
    | {digit * 8 for digit in "0123456789"}
)

# Numbering plan (DOMAIN.md). Mobile 3-digit blocks sit inside landline 2-digit ranges,
# so they are looked up first.
#: Numbering plan prefixes (DOMAIN.md), public so the sample generator and the bench draw
#: numbers from the same plan.
MOBILE_PREFIXES_2: Final = frozenset(
    [f"2{d}" for d in "0123456789"] + "30 31 40 41 42 50 51 52 53 60 61 71 81 91 92 93".split()
)
MOBILE_PREFIXES_3: Final = frozenset(
    (
        "342 344 345 346 347 348 349 356 357 359 362 365 366 389 398 431 441 462 466 468 472 474 "
        "476 478 485 486 488 489 493 494 495 496 498 499 542 543 545 551 552 556 571 572 573 574 "
        "577 579 584 586 587 589 597 598 627 629 641 649 658 662 663 664 665 667 692 693 694 697 "
        "771 772 782 783 785 786 788 789 826 827 829"
    ).split()
)
LANDLINE_PREFIXES_2: Final = frozenset(
    (
        "32 33 34 35 36 38 39 43 44 45 46 47 48 49 54 55 56 57 58 59 62 63 64 65 66 69 72 73 74 "
        "75 76 77 78 79 82 86 87 88 89 96 97 98 99"
    ).split()
)
_MOBILE_2: Final = MOBILE_PREFIXES_2
_MOBILE_3: Final = MOBILE_PREFIXES_3
_LANDLINE_2: Final = LANDLINE_PREFIXES_2
_SERVICE_2: Final = frozenset({"70", "80", "90"})

#: kind by the first three digits of a Danish number: one dict lookup on the hot path.
_KIND3: Final[dict[str, str]] = {}

_NON_DIGITS: Final = re.compile(r"[^0-9]+")
# Separators between several numbers in one cell; "/" may also sit inside one number.
_SEPARATORS: Final = re.compile(r"\s*(?:[/,;|\n\r]|\bog\b)\s*", re.IGNORECASE)
# A separator with space on both sides (or a line break, or "og") always parts two entries:
# "4417 / 4417" is an extension written twice, not the number 44174417.
_SPACED_SEPARATOR: Final = re.compile(r"\s[/,;|]\s|[\n\r]|\bog\b", re.IGNORECASE)
_DIGITS: Final = frozenset("0123456789")
_CACHE_LIMIT: Final = 500_000


def kind_of(national8: str) -> str:
    """``mobile``, ``landline`` or ``unknown`` for an 8-digit Danish number (a hint only)."""
    if national8[:3] in _MOBILE_3 or national8[:2] in _MOBILE_2:
        return "mobile"
    if national8[:2] in _LANDLINE_2:
        return "landline"
    return "unknown"


for _prefix in range(1000):
    _key = f"{_prefix:03d}"
    _KIND3[_key] = kind_of(_key + "00000")

# PhoneValue is a NamedTuple; tuple.__new__ with its five fields builds one without its
# __new__ (a third of the cost), which matters at a million mostly unique cells.
_new_tuple: Final = tuple.__new__


def _value(raw: str, e164: str | None, kind: str, findings: tuple[str, ...]) -> PhoneValue:
    usable = e164 is not None and UNUSABLE_FINDINGS.isdisjoint(findings)  # as PhoneValue()
    return _new_tuple(PhoneValue, (raw, e164, kind, findings, usable))


def raw_text(raw: object) -> str:
    """A cell value as text; Excel floats like ``33663366.0`` lose their ``.0``."""
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, float):
        if raw.is_integer():
            return str(int(raw))
        return repr(raw)
    return str(raw)


_INVALID: Final = ("invalid",)
_PLACEHOLDER: Final = ("placeholder",)
_SERVICE: Final = ("service_number",)
_NONE: Final[tuple[str, ...]] = ()


def _danish(raw: str, national: str, placeholders: frozenset[str]) -> PhoneValue:
    """An 8-digit national number (anything else is invalid)."""
    if len(national) != 8:
        return _value(raw, None, "unknown", _INVALID)
    e164 = "+45" + national
    if national in BUILTIN_PLACEHOLDERS or (placeholders and e164 in placeholders):
        return _value(raw, e164, _KIND3[national[:3]], _PLACEHOLDER)
    first = national[0]
    if first == "0" or first == "1":
        return _value(raw, None, "unknown", _INVALID)
    if national[:2] in _SERVICE_2:
        return _value(raw, e164, "unknown", _SERVICE)
    return _value(raw, e164, _KIND3[national[:3]], _NONE)


def _foreign(raw: str, digits: str, placeholders: frozenset[str]) -> PhoneValue:
    try:
        number = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return _value(raw, None, "unknown", ("invalid",))
    if not phonenumbers.is_valid_number(number):
        return _value(raw, None, "unknown", ("invalid",))
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    number_type = phonenumbers.number_type(number)
    kind = (
        "mobile"
        if number_type == phonenumbers.PhoneNumberType.MOBILE
        else "landline"
        if number_type == phonenumbers.PhoneNumberType.FIXED_LINE
        else "unknown"
    )
    if e164 in placeholders:
        return _value(raw, e164, kind, ("placeholder",))
    return _value(raw, e164, kind, ("foreign",))


def _single(raw: str, text: str, placeholders: frozenset[str]) -> PhoneValue:
    """One number written any way people write it."""
    if text.endswith(".0") and text[:-2].strip().isdigit():
        text = text[:-2]  # an Excel number that went through a CSV export as a float
    digits = _NON_DIGITS.sub("", text)
    if not digits:
        return _value(raw, None, "unknown", ("missing",))
    before_digits = text[: text.find(digits[0])]
    if "+" in before_digits:
        if digits.startswith("45"):
            return _danish(raw, digits[2:], placeholders)
        return _foreign(raw, digits, placeholders)
    if digits.startswith("00") and len(digits) > 8:
        if digits.startswith("0045"):
            return _danish(raw, digits[4:], placeholders)
        return _foreign(raw, digits[2:], placeholders)
    if len(digits) == 10 and digits.startswith("45"):
        return _danish(raw, digits[2:], placeholders)
    if 3 <= len(digits) <= 5:
        return _value(raw, None, "unknown", ("extension_only",))
    return _danish(raw, digits, placeholders)


def _complete(segment: str) -> bool:
    """Does this part of a cell hold a whole number on its own (not a fragment of one)?"""
    count = sum(1 for ch in segment if ch in _DIGITS)
    return count >= 8 or (count >= 6 and "+" in segment)


def _parse_text(raw: str, placeholders: frozenset[str]) -> PhoneValue:
    if len(raw) == 8 and raw.isascii() and raw.isdigit():  # the common shape
        return _danish(raw, raw, placeholders)
    parts = [p for p in _SEPARATORS.split(raw) if any(ch in _DIGITS for ch in p)]
    if (
        len(parts) > 1
        and (any(_complete(p) for p in parts) or _SPACED_SEPARATOR.search(raw) is not None)
        and sum(_digit_count(p) >= 3 for p in parts) > 1
    ):
        values = [_single(raw, part, placeholders) for part in parts]
        chosen = next((v for v in values if v.usable), values[0])
        return chosen.with_findings("multiple_numbers")
    return _single(raw, raw, placeholders)


def _digit_count(text: str) -> int:
    return sum(1 for ch in text if ch in _DIGITS)


def _excel_number(raw: object, placeholders: frozenset[str]) -> PhoneValue | None:
    """A Danish number stored as an Excel number (int, or a float like 33663366.0).

    Text cells never come here: :func:`_noisy` and :func:`_several` take their common shapes.
    """
    if type(raw) is float:
        if not raw.is_integer():
            return None
        raw = int(raw)
    if type(raw) is int:
        if 20_000_000 <= raw < 100_000_000:
            text = str(raw)
            return _danish(text, text, placeholders)
        if 4_520_000_000 <= raw < 4_600_000_000:
            text = str(raw)
            return _danish(text, text[2:], placeholders)
    return None


def normalise_placeholder(text: str) -> str | None:
    """A configured placeholder (any notation) as E.164, or None when it is no number."""
    return _parse_text(raw_text(text).strip(), frozenset()).e164


def _placeholder_set(placeholders: Iterable[str]) -> frozenset[str]:
    found = (normalise_placeholder(p) for p in placeholders)
    return frozenset(e164 for e164 in found if e164)


def parse_phone(raw: object, *, placeholders: frozenset[str] = frozenset()) -> PhoneValue:
    """Parse one phone cell (text, int or Excel float) into a :class:`PhoneValue`.

    ``placeholders`` are extra numbers that mean "no number" (any notation).
    Findings that need the other field or other holders are added by
    :func:`contextual_findings` and the audit.
    """
    return _parse_text(
        raw_text(raw), _placeholder_set(placeholders) if placeholders else frozenset()
    )


# Characters that never change what a single-number cell means: spacing, punctuation
# inside a number and the "tlf" people write before it. Not "+" (its place matters), not
# the separators of several numbers ("/", ",", ";", "|", line breaks, "og").
_NOISE: Final = str.maketrans("", "", " \t\u00a0.-():tlfTLF")


def _noisy(raw: str, placeholders: frozenset[str]) -> PhoneValue | None:
    """One Danish number with noise around it ("tlf. 3366 3366"), without the regexes.

    None when the cell has any other shape; :func:`_parse_text` decides those.
    """
    if raw.endswith(".0") or "/" in raw:
        return None  # an Excel float through CSV (_single strips it first), or several numbers
    plain = raw.translate(_NOISE)
    if not plain.isascii():
        return None
    if len(plain) == 8 and plain.isdigit():
        return _danish(raw, plain, placeholders)
    if len(plain) == 11 and plain[:3] == "+45" and plain[3:].isdigit():
        return _danish(raw, plain[3:], placeholders)
    if len(plain) == 10 and plain[:2] == "45" and plain.isdigit():
        return _danish(raw, plain[2:], placeholders)
    if len(plain) == 12 and plain[:4] == "0045" and plain.isdigit():
        return _danish(raw, plain[4:], placeholders)
    return None


def _several(raw: str, placeholders: frozenset[str]) -> PhoneValue | None:
    """Several plain Danish numbers in one cell ("3366 3366 / 2233 4455"), the common way.

    Gives what :func:`_parse_text` gives when every part with digits is one noisy
    8-digit number (each then counts as complete); None for any other shape.
    """
    nationals = []
    # str.split is ten times the regex's speed. Its parts keep the spaces the regex would
    # strip around a "/", and hold any other separator: both only make a part bail below.
    for part in raw.split("/") if "/" in raw else _SEPARATORS.split(raw):
        if part.rstrip().endswith(".0"):
            return None
        plain = part.replace(" ", "")
        if len(plain) != 8 or not plain.isdigit():
            plain = plain.translate(_NOISE)
        if not plain:
            continue  # no digits: _parse_text drops the part too
        if len(plain) != 8 or not (plain.isdigit() and plain.isascii()):
            return None
        nationals.append(plain)
    if len(nationals) < 2:
        return None
    values = [_danish(raw, national, placeholders) for national in nationals]
    chosen = next((v for v in values if v.usable), values[0])
    return chosen.with_findings("multiple_numbers")


def _plain_kinds(placeholders: frozenset[str]) -> dict[str, str]:
    """kind by the first three digits, for the prefixes where a number needs no finding.

    A prefix is left out when some number in it is invalid (0, 1), a service number, a
    built-in or a configured placeholder: those numbers take the full path. One dict
    lookup then replaces four checks on the hot path.
    """
    special = {n[:3] for n in BUILTIN_PLACEHOLDERS}
    special |= {e164[3:6] for e164 in placeholders if e164.startswith("+45")}
    return {
        prefix: kind
        for prefix, kind in _KIND3.items()
        if prefix[0] > "1" and prefix[:2] not in _SERVICE_2 and prefix not in special
    }


class PhoneEngine:
    """Configured parser for the hot path of an audit.

    Plain Danish numbers (8 digits, spaced, "+45 ...", Excel numbers: nearly every cell)
    are built directly; everything else goes through the full parser, cached by the raw
    cell because those repeat (empty cells, placeholders, switchboard numbers).
    """

    def __init__(self, placeholders: Iterable[str] = ()) -> None:
        self._placeholders = _placeholder_set(placeholders)
        self._plain = _plain_kinds(self._placeholders)
        self._cache: dict[object, PhoneValue] = {}
        #: An empty cell (most audits' commonest value): the full parser's answer, kept.
        self._empty = self._full("")

    def parse(self, raw: object) -> PhoneValue:
        # Inlined fast path: at a million mostly unique cells every call and lookup shows.
        # It must give exactly what _parse_text gives (tests/perf_equivalence/test_phone_engine.py).
        kind = type(raw)
        national = ""
        if kind is str:
            text: str = raw  # type: ignore[assignment]
            if not text:
                return self._empty
            plain = text if len(text) == 8 else text.replace(" ", "")
            size = len(plain)
            if size == 8:
                national = plain
            elif size == 11:
                if plain[:3] == "+45":
                    national = plain[3:]
            elif size == 10:
                if plain[:2] == "45":
                    national = plain[2:]
            elif size == 12 and plain[:4] == "0045":
                national = plain[4:]
            if not (national.isdigit() and national.isascii()):
                return self._full(raw)
        elif kind is float or kind is int:
            number: float = raw  # type: ignore[assignment]
            if 20_000_000 <= number < 100_000_000:
                if kind is float and not number.is_integer():
                    return self._full(raw)
                text = national = str(int(number))
            elif 4_520_000_000 <= number < 4_600_000_000:
                if kind is float and not number.is_integer():
                    return self._full(raw)
                text = str(int(number))
                national = text[2:]
            else:
                return self._full(raw)
        else:
            return _parse_text(raw_text(raw), self._placeholders)  # maybe unhashable
        plain_kind = self._plain.get(national[:3])
        if plain_kind is None:
            return self._full(raw)
        # A plain Danish number: an e164 and no finding, so usable.
        return _new_tuple(PhoneValue, (text, "+45" + national, plain_kind, _NONE, True))

    def usable(self, raw: str) -> bool:
        """``self.parse(raw).usable`` for a text cell, without building its value.

        The counts over a national chain's millions of stored numbers ask only this; a plain
        Danish number (nearly all) is answered without a PhoneValue, its e164 or the cache.
        Held equal to ``parse`` by tests/perf_equivalence/test_phone_engine.py.
        """
        if not raw:
            return False
        plain = raw if len(raw) == 8 else raw.replace(" ", "")
        size = len(plain)
        if size == 8:
            national = plain
        elif size == 11 and plain[:3] == "+45":
            national = plain[3:]
        elif size == 10 and plain[:2] == "45":
            national = plain[2:]
        elif size == 12 and plain[:4] == "0045":
            national = plain[4:]
        else:
            return self._full(raw).usable
        if national.isdigit() and national.isascii() and national[:3] in self._plain:
            return True
        return self._full(raw).usable

    def _full(self, raw: object) -> PhoneValue:
        """Every other cell: the full parser, cached by the raw cell."""
        cache = self._cache
        value = cache.get(raw)  # 33663366.0 and 33663366 share a key, and a value: same text
        if value is None:
            placeholders = self._placeholders
            value = (
                (_noisy(raw, placeholders) or _several(raw, placeholders))
                if type(raw) is str
                else _excel_number(raw, placeholders)
            ) or _parse_text(raw_text(raw), placeholders)
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()  # mostly unique cells: a bounded cache beats a growing one
            cache[raw] = value
        return value


def contextual_findings(direct: PhoneValue, mobile: PhoneValue) -> tuple[PhoneValue, PhoneValue]:
    """Add the findings that compare a holder's two fields.

    ``mobile_in_landline_field``: Direkte nummer is a Danish number in a mainly-mobile
    range. ``same_number_both_fields``: both fields hold the same usable number. The audit
    runs this function; there is no second copy.
    """
    if not direct.usable:  # both findings need a usable direct number
        return direct, mobile
    if direct.kind == "mobile" and (direct.e164 or "").startswith("+45"):
        direct = direct.with_findings("mobile_in_landline_field")  # still usable
    if mobile.usable and direct.e164 == mobile.e164:
        direct = direct.with_findings("same_number_both_fields")
        mobile = mobile.with_findings("same_number_both_fields")
    return direct, mobile
