"""Phone numbers in the history: a keyed hash for diffs and a masked form for people.

The hash is HMAC-SHA256 under a random key that lives outside the database
(see ``key``), so neither a stolen database nor a stolen hash list can be
matched against the 10^8 Danish numbers without the key as well.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Final

from telefonspor.model import PhoneValue

_DOT: Final = "\u2022"  # •
#: Digits a mask keeps readable: two tell a person "that is my number" and leave 10^6 candidates.
SHOWN_DIGITS: Final = 2
_HIDDEN: Final = _DOT * 6


def _canonical(value: PhoneValue) -> str:
    """The number as compared across runs: E.164 when parsed, else the digits written."""
    if value.e164:
        return value.e164
    return "".join(ch for ch in value.raw if ch.isdigit() or ch == "+")


def phone_hash(value: PhoneValue, key: str) -> str:
    """Keyed hash of the number; '' when the cell held no digits."""
    text = _canonical(value)
    if not text:
        return ""
    return hmac.new(bytes.fromhex(key), text.encode("utf-8"), hashlib.sha256).hexdigest()


def mask(value: PhoneValue) -> str:
    """'••••••50': only the last two digits stay readable; '' for an empty cell."""
    return mask_digits("".join(ch for ch in _canonical(value) if ch.isdigit()))


def mask_digits(digits: str) -> str:
    """The mask of a run of digits; also re-masks an older, longer mask (its digits)."""
    if not digits:
        return ""
    if len(digits) <= 4:
        return _DOT * 2  # too short to show any digit of it
    return _HIDDEN + digits[-SHOWN_DIGITS:]


def remask(old: str) -> str:
    """An older mask ('•• •• 40 50', four digits shown) in today's form ('••••••50')."""
    digits = "".join(ch for ch in old if ch.isdigit())
    if not old:
        return ""
    if len(digits) < SHOWN_DIGITS:
        return _DOT * 2
    return _HIDDEN + digits[-SHOWN_DIGITS:]
