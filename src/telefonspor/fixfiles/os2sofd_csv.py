"""``os2sofd-telefoner.csv``: phones to add or correct in OS2sofd, one row per phone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from telefonspor.fixfiles.csvfile import csv_bytes
from telefonspor.fixfiles.numbers import national
from telefonspor.fixfiles.plan import SofdPhone

FILE_NAME: Final = "os2sofd-telefoner.csv"
#: OS2sofd's own field names where a field maps 1:1, Danish for the rest.
HEADER: Final = (
    "userId",
    "navn",
    "phoneNumber",
    "phoneType",
    "visibility",
    "typePrime",
    "handling",
    "årsag",
)


def os2sofd_csv(rows: Sequence[SofdPhone]) -> bytes:
    return csv_bytes(
        HEADER,
        (
            (
                r.user_id,
                r.name,
                national(r.number),
                r.phone_type,
                r.visibility,
                "true" if r.type_prime else "false",
                r.action,
                r.reason,
            )
            for r in rows
        ),
    )
