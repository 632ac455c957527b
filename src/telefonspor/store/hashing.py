"""Phone numbers in the history: a keyed hash for diffs and a masked form for people.

The hash is HMAC-SHA256 with a random salt that lives only in the database's
``meta`` table, so a stolen hash list cannot be matched against the 10^8 Danish
numbers without the database itself.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Final

from telefonspor.model import PhoneValue

SALT_BYTES: Final = 32
_DOT: Final = "\u2022"  # •


def new_salt() -> str:
    return secrets.token_hex(SALT_BYTES)


def _canonical(value: PhoneValue) -> str:
    """The number as compared across runs: E.164 when parsed, else the digits written."""
    if value.e164:
        return value.e164
    return "".join(ch for ch in value.raw if ch.isdigit() or ch == "+")


def phone_hash(value: PhoneValue, salt: str) -> str:
    """Keyed hash of the number; '' when the cell held no digits."""
    text = _canonical(value)
    if not text:
        return ""
    return hmac.new(bytes.fromhex(salt), text.encode("utf-8"), hashlib.sha256).hexdigest()


def mask(value: PhoneValue) -> str:
    """'•• •• 40 50': only the last four digits stay readable; '' for an empty cell."""
    digits = "".join(ch for ch in _canonical(value) if ch.isdigit())
    if not digits:
        return ""
    if len(digits) <= 4:
        return _DOT * 2
    tail = digits[-4:]
    return f"{_DOT * 2} {_DOT * 2} {tail[:2]} {tail[2:]}"
