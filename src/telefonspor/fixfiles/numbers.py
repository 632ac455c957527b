"""Clean a phone value for a fix file: only numbers that normalise unambiguously are written.

Deliberately small and strict: a fix file must never carry a value a person
would have to second-guess, so anything odd (extensions, several numbers,
placeholders) is left out rather than repaired.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

_SEPARATORS: Final = re.compile(r"[\s\-./()\u00a0]+")
_KNOWN_PLACEHOLDERS: Final = frozenset({"12345678", "87654321", "70101155"})


def normalise(raw: str, placeholders: Iterable[str] = ()) -> str | None:
    """E.164 (``+4520304050``) for a usable number, else None."""
    text = _SEPARATORS.sub("", raw.strip())
    if not text:
        return None
    if text.startswith("+"):
        digits = text[1:]
    elif text.startswith("00"):
        digits = text[2:]
    elif len(text) == 8:
        digits = "45" + text
    else:
        return None
    if not digits.isdigit() or not digits.isascii():
        return None
    if digits.startswith("45"):
        national = digits[2:]
        if len(national) != 8 or national[0] in "01" or _is_placeholder(national, placeholders):
            return None
        return "+45" + national
    if not 8 <= len(digits) <= 15 or digits[0] == "0":
        return None
    return "+" + digits


def national(e164: str) -> str:
    """Danish numbers as 8 digits, others with ``00``: no leading '+' for spreadsheets."""
    if e164.startswith("+45") and len(e164) == 11:
        return e164[3:]
    return "00" + e164.lstrip("+")


def _is_placeholder(national: str, placeholders: Iterable[str]) -> bool:
    if national in _KNOWN_PLACEHOLDERS or len(set(national)) == 1:
        return True
    configured = {_SEPARATORS.sub("", p)[-8:] for p in placeholders}
    return national in configured
