"""``medarbejdere-uden-nummer.csv``: employees who must register their own number."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from telefonspor.fixfiles.csvfile import csv_bytes
from telefonspor.fixfiles.plan import EmployeeRow

FILE_NAME: Final = "medarbejdere-uden-nummer.csv"
HEADER: Final = ("navn", "brugernavn", "e-mail", "roller", "enhed", "mangler", "registreres i")


def employees_csv(rows: Sequence[EmployeeRow], register_where: str) -> bytes:
    return csv_bytes(
        HEADER,
        (
            (r.name, r.user_id, r.email, ", ".join(r.roles), r.unit, r.missing, register_where)
            for r in rows
        ),
    )
