"""Mask anything that looks like a CPR number before it reaches a message.

Readers quote cell values in their errors ("Fundne overskrifter: ..."); a file
without its header row, or with its columns shifted, puts CPR numbers there.
:class:`~telefonspor.errors.TelefonsporError` runs every message through
:func:`mask_cpr`, so no call site has to remember it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

__all__ = ["CPR_MASK", "mask_cpr"]

#: What a CPR number is replaced with.
CPR_MASK: Final = "xxxxxx-xxxx"
# DDMMYY then four digits, with or without a dash; not part of a longer digit run.
_CANDIDATE: Final = re.compile(r"(?<![0-9])([0-9]{2})([0-9]{2})([0-9]{2})-?[0-9]{4}(?![0-9])")


def _valid_date(day: str, month: str, year: str) -> bool:
    for century in (1900, 2000):
        try:
            dt.date(century + int(year), int(month), int(day))
        except ValueError:
            continue
        return True
    return False


def mask_cpr(text: str) -> str:
    """``text`` with every CPR-shaped number replaced by :data:`CPR_MASK`."""
    if not any(c.isdigit() for c in text):
        return text
    return _CANDIDATE.sub(
        lambda m: CPR_MASK if _valid_date(*m.groups()) else m.group(0),
        text,
    )
