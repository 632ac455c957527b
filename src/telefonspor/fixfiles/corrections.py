"""Read the corrections file an administrator fills in by hand (brugernavn;direkte;mobil)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from telefonspor.errors import InputError
from telefonspor.fixfiles.numbers import normalise
from telefonspor.sources.tabular import open_table

#: Accepted headers per field (matched without case, spaces or punctuation).
CORRECTION_FIELDS: Final = {
    "user_id": ("brugernavn", "bruger", "samaccountname", "user", "username", "userid", "konto"),
    "direct": ("direkte", "direkte nummer", "direktenummer", "fastnet", "telephonenumber"),
    "mobile": ("mobil", "mobil nummer", "mobilnummer", "mobile", "mobiltelefon"),
}


@dataclass(frozen=True, slots=True)
class Correction:
    """A number fixed by hand; each slot is E.164 or '' (leave as it is)."""

    user_id: str
    direct: str = ""
    mobile: str = ""
    row: int = 0
    #: Where the number comes from, for the fix files' reasons; '' = the corrections file's row.
    origin: str = ""

    def number(self, slot: str) -> str:
        return self.direct if slot == "direct" else self.mobile

    def source(self) -> str:
        """Danish: who fixed the number ("rettet i hånden (rettelsesfilen række 4)")."""
        return self.origin or f"rettet i hånden (rettelsesfilen række {self.row})"


def read_corrections(path: Path, *, placeholders: Iterable[str] = ()) -> dict[str, Correction]:
    """User id (case-folded) -> correction. Bad rows raise InputError naming row and column."""
    table = open_table(
        Path(path),
        CORRECTION_FIELDS,
        required=(("user_id",), ("direct", "mobile")),
        what="rettelsesfilen",
    )
    where = str(path)
    placeholders = tuple(placeholders)
    out: dict[str, Correction] = {}
    for row, cells in table.rows():
        user_id = cells[table.columns["user_id"]].strip()
        if not user_id:
            raise InputError(
                "brugernavn mangler.",
                path=where,
                sheet=table.sheet,
                row=row,
                column=table.column_letter("user_id"),
            )
        numbers: dict[str, str] = {}
        for slot in ("direct", "mobile"):
            if slot not in table.columns:
                continue
            raw = cells[table.columns[slot]].strip()
            if not raw:
                continue
            value = normalise(raw, placeholders)
            if value is None:
                raise InputError(
                    f"'{raw}' er ikke et brugbart telefonnummer for {user_id} "
                    "(skriv 8 cifre, evt. med +45, eller et udenlandsk nummer med +).",
                    path=where,
                    sheet=table.sheet,
                    row=row,
                    column=table.column_letter(slot),
                )
            numbers[slot] = value
        if not numbers:
            continue  # a row with only a user name changes nothing
        key = user_id.casefold()
        if key in out:
            raise InputError(
                f"brugernavnet {user_id} står også i række {out[key].row}; skriv hver bruger én gang.",
                path=where,
                sheet=table.sheet,
                row=row,
                column=table.column_letter("user_id"),
            )
        out[key] = Correction(user_id, numbers.get("direct", ""), numbers.get("mobile", ""), row)
    return out
