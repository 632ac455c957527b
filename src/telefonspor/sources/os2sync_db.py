"""Read CSV dumps of OS2sync's ``success_users`` and ``failure_users`` tables.

They hold what OS2sync last sent to FK-ORG (``phone_number`` -> Telefon,
``landline`` -> FastnetTelefon) and, for failures, the error. The path is one
dump (its table is told by its columns: ``error`` means ``failure_users``) or a
directory holding ``success_users.csv`` and/or ``failure_users.csv``.

Within one table a user with several rows keeps only the latest: by an id or
time column when the dump has one, else the last row. The two tables are not
merged: a user may have both a success and a failure row, and the OS2sync
rules read both.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from telefonspor.errors import InputError
from telefonspor.model import InputFile, PhoneEntry, SourceData, SourceRecord
from telefonspor.settings import SOURCE_KINDS, Settings
from telefonspor.sources.common import canonical_uuid, input_file, truthy, without_gc
from telefonspor.sources.tabular import Table, open_table

__all__ = ["TABLE_FILES", "read_os2sync_db"]

KIND: Final = "os2sync-db"
#: The dumps looked for in a directory (names compared without case).
TABLE_FILES: Final = ("success_users.csv", "failure_users.csv")
#: Operations that take the user out of FK-ORG. OS2sync/OS2sync OperationType.cs (commit
#: 7c8a175a) stores UPDATE, DELETE or PASSIVER; PASSIVATE/DELETED are accepted from old dumps.
_DELETING: Final = frozenset({"DELETE", "PASSIVER", "PASSIVATE", "DELETED"})

_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "uuid": ("uuid",),
    "user_id": ("user_id", "userid"),
    "phone_number": ("phone_number", "phonenumber"),
    "landline": ("landline",),
    "email": ("email",),
    "name": ("name",),
    "operation": ("operation",),
    "skipped": ("skipped",),
    "error": ("error", "fejl"),
    "id": ("id",),
    "time": ("timestamp", "success_time", "failure_time", "created", "updated", "tts"),
}


@without_gc
def read_os2sync_db(path: Path, *, options: Mapping[str, Any], settings: Settings) -> SourceData:
    """Read one table dump or a directory of them."""
    files = _dump_files(path)
    records: list[SourceRecord] = []
    inputs: list[InputFile] = []
    for file in files:
        table = open_table(
            file,
            _FIELDS,
            required=(("uuid", "user_id"), ("phone_number", "landline", "error")),
            what="OS2sync-databaseudtrækket",
        )
        rows = _latest_rows(table, failure_table="failure" in file.name.lower())
        records.extend(rows)
        inputs.append(input_file(file, KIND, rows=len(rows)))
    return SourceData(
        kind=KIND,
        position=SOURCE_KINDS[KIND],
        records=tuple(records),
        origin=str(path),
        files=tuple(inputs),
    )


def _dump_files(path: Path) -> list[Path]:
    if not path.exists():
        raise InputError("filen eller mappen findes ikke. Tjek stien.", path=str(path))
    if not path.is_dir():
        return [path]
    try:
        present = {p.name.lower(): p for p in path.iterdir() if p.is_file()}
    except OSError as exc:
        raise InputError(f"mappen kan ikke læses ({exc.strerror}).", path=str(path)) from exc
    files = [present[name] for name in TABLE_FILES if name in present]
    if not files:
        raise InputError(
            f"mappen indeholder hverken {' eller '.join(TABLE_FILES)}. "
            "Gem tabellerne success_users og failure_users som CSV med de navne.",
            path=str(path),
        )
    return files


#: The fields in the order each row is unpacked.
_ROW_FIELDS: Final = tuple(_FIELDS)
#: The flag sets a record can have, made once: (failure table, skipped) -> flags.
_FLAGS: Final[Mapping[tuple[bool, bool], frozenset[str]]] = {
    (False, False): frozenset(),
    (True, False): frozenset({"failure"}),
    (False, True): frozenset({"skipped"}),
    (True, True): frozenset({"failure", "skipped"}),
}


def _latest_rows(table: Table, *, failure_table: bool) -> list[SourceRecord]:
    is_failure = failure_table or "error" in table.columns
    latest: dict[str, tuple[tuple[int, str, int], SourceRecord]] = {}
    file_name = table.path.name
    for number, texts in table.field_texts(_ROW_FIELDS):  # columns resolved once per file
        (
            uuid_text,
            user_id,
            phone_number,
            landline,
            email,
            name,
            operation,
            skipped,
            error,
            identifier,
            time,
        ) = texts
        phones = []
        if landline:
            phones.append(PhoneEntry(raw=landline, type="Landline"))
        if phone_number:
            phones.append(PhoneEntry(raw=phone_number, type="PhoneNumber"))
        record = SourceRecord(
            system=KIND,
            user_id=user_id,
            uuid=canonical_uuid(uuid_text),
            email=email,
            name=name,
            phones=tuple(phones),
            active=operation.upper() not in _DELETING,
            flags=_FLAGS[is_failure, truthy(skipped)],
            error=error,
            location=f"{file_name} række {number}",
        )
        key = record.uuid or user_id.casefold() or f"#{number}"
        # ASCII and short: int() refuses "²" (isdigit) and numbers over 4,300 digits.
        numeric = identifier.isascii() and identifier.isdigit() and len(identifier) <= 18
        order = (int(identifier) if numeric else 0, time, number)
        known = latest.get(key)
        if known is None or order >= known[0]:
            latest[key] = (order, record)
    return [record for _, record in latest.values()]
