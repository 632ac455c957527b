"""Times as a person in Denmark reads them.

Stored times stay UTC ISO 8601 (the store, resultat.json, fix-file headers are data); every
time a person reads (web, reports, terminal, mails) goes through here and is shown in
Europe/Copenhagen, summer time included.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final
from zoneinfo import ZoneInfo

DANISH_TZ: Final = ZoneInfo("Europe/Copenhagen")

_MONTHS: Final = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)


def local_moment(iso: str) -> datetime | None:
    """An ISO timestamp with a time of day, in Danish time; None for dates and other shapes.

    A timestamp without an offset is taken as UTC, which is how telefonspor stores times.
    """
    text = iso.strip()
    if len(text) < 16 or text[10] not in "T ":
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(DANISH_TZ)


def danish_datetime(iso: str) -> str:
    """'2024-05-02T08:30:00+00:00' -> '2. maj 2024 kl. 10:30' (Danish time); a date alone
    -> '2. maj 2024'; unknown shapes unchanged."""
    moment = local_moment(iso)
    if moment is not None:
        return f"{moment.day}. {_MONTHS[moment.month - 1]} {moment.year} kl. {moment:%H:%M}"
    try:
        year, month, day = int(iso[0:4]), int(iso[5:7]), int(iso[8:10])
    except ValueError:
        return iso
    if not 1 <= month <= 12 or (len(iso) > 10 and iso[10] not in "T "):
        return iso
    return f"{day}. {_MONTHS[month - 1]} {year}"


def short_datetime(iso: str) -> str:
    """'2024-05-02T08:30:00+00:00' -> '02-05-2024 10:30' for tables in the terminal and Excel;
    unknown shapes unchanged."""
    moment = local_moment(iso)
    return iso if moment is None else f"{moment:%d-%m-%Y %H:%M}"
