"""Read a generic HR/payroll list (CSV or spreadsheet) with a configurable column mapping.

Fields: ``user``, ``employee_id``, ``email``, ``name``, ``direct``, ``mobile``.
Headers are matched tolerantly from common Danish names; the chain config can
name the exact header per field: ``map = { direct = "Tlf. arbejde" }``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from telefonspor.errors import ConfigError
from telefonspor.model import PhoneEntry, SourceData, SourceRecord
from telefonspor.settings import SOURCE_KINDS, Settings
from telefonspor.sources.common import input_file
from telefonspor.sources.tabular import open_table

__all__ = ["HEADER_VARIANTS", "read_hr"]

KIND: Final = "hr"

#: field -> accepted header texts (case, spaces and punctuation do not count).
HEADER_VARIANTS: Final[Mapping[str, tuple[str, ...]]] = {
    "user": ("Brugernavn", "Bruger-id", "AD-bruger", "Brugerkonto", "SamAccountName", "User"),
    "employee_id": (
        "Medarbejdernummer",
        "Medarbejdernr",
        "Medarbejder-id",
        "Lønnummer",
        "Tjenestenummer",
        "EmployeeId",
    ),
    "email": ("E-mail", "Email", "Mail", "E-mailadresse"),
    "name": ("Navn", "Fulde navn", "Fuldt navn", "Name"),
    "direct": (
        "Direkte nummer",
        "Arbejdstelefon",
        "Telefon arbejde",
        "Tlf. arbejde",
        "Fastnet",
        "Telefon",
        "Direct",
    ),
    "mobile": ("Mobil", "Mobilnummer", "Mobil nummer", "Mobiltelefon", "Mobile"),
}


def read_hr(path: Path, *, options: Mapping[str, Any], settings: Settings) -> SourceData:
    """Read an HR list; ``options`` may hold ``map`` (field -> header) and ``sheet``."""
    table = open_table(
        path,
        HEADER_VARIANTS,
        required=(("user", "employee_id", "email"), ("direct", "mobile")),
        overrides=column_map(options),
        sheet=str(options.get("sheet", "")),
        what="HR-filen",
    )
    records = []
    for number, cells in table.rows():

        def cell(field: str, cells: tuple[str, ...] = cells) -> str:
            index = table.columns.get(field)
            return cells[index].strip() if index is not None else ""

        phones = tuple(
            PhoneEntry(raw=cell(field), type=field) for field in ("direct", "mobile") if cell(field)
        )
        records.append(
            SourceRecord(
                system=KIND,
                user_id=cell("user"),
                employee_id=cell("employee_id"),
                email=cell("email"),
                name=cell("name"),
                phones=phones,
                location=f"{path.name} række {number}",
            )
        )
    return SourceData(
        kind=KIND,
        position=SOURCE_KINDS[KIND],
        records=tuple(records),
        origin=str(path),
        files=(input_file(path, KIND, sheet=table.sheet, rows=len(records)),),
    )


def column_map(options: Mapping[str, Any]) -> dict[str, str]:
    """The ``map`` option as field -> header; anything else is a config error."""
    mapping = options.get("map", {})
    if not isinstance(mapping, Mapping):
        raise ConfigError(
            'map skal være en tabel med felt = "Overskrift", fx map = { direct = "Tlf. arbejde" }.'
        )
    return {str(k): str(v) for k, v in mapping.items()}
