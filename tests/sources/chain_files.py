"""Writers for chain-system files shaped like the real exports (AD, OS2sofd, OS2mo, FK-ORG ...)."""

from __future__ import annotations

import base64
import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

from telefonspor.settings import defaults

SETTINGS = defaults()
TELEFON = "5ef6be2d-59f4-4652-a680-585929924ba9"
FASTNET = "47c05422-5379-4c27-9ddf-e02b52b3d961"
EMAIL_ROLE = "5d13e891-162a-456b-abf2-fd9b864df96d"
#: AD stores objectGUID little-endian in its first three groups.
GUID_BYTES = bytes.fromhex("123456789abcdef01122334455667788")
GUID_TEXT = "78563412-bc9a-f0de-1122-334455667788"


def write_csv(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    delimiter: str = ";",
    encoding: str = "utf-8",
    prefix: str = "",
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        handle.write(prefix)
        writer = csv.writer(handle, delimiter=delimiter)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], sheet: str = "Ark1") -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    worksheet = workbook.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, int | float):
                worksheet.write_number(r, c, value)
            else:
                worksheet.write_string(r, c, str(value))
    workbook.close()
    return path


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def b64(value: bytes | str) -> str:
    raw = value.encode("utf-8") if isinstance(value, str) else value
    return base64.b64encode(raw).decode("ascii")


def fold(line: str, width: int = 76) -> str:
    """Fold an LDIF line the way ldapsearch does (continuations start with one space)."""
    if len(line) <= width:
        return line
    parts = [line[:width]]
    rest = line[width:]
    while rest:
        parts.append(" " + rest[: width - 1])
        rest = rest[width - 1 :]
    return "\n".join(parts)


def sofd_person(
    index: int,
    *,
    phones: Sequence[dict[str, Any]] = (),
    users: Sequence[dict[str, Any]] | None = None,
    affiliations: Sequence[dict[str, Any]] | None = None,
    deleted: bool = False,
    chosen: str | None = None,
) -> dict[str, Any]:
    """An OS2sofd ``/api/v2/persons`` person, shaped as the API answers."""
    return {
        "uuid": f"00000000-0000-4000-8000-{index:012d}",
        "master": "OPUS",
        "firstname": "Søren",
        "surname": f"Ærø {index}",
        "chosenName": chosen,
        "deleted": deleted,
        "phones": list(phones),
        "users": list(
            users
            if users is not None
            else [
                {
                    "uuid": f"10000000-0000-4000-8000-{index:012d}",
                    "userId": f"sae{index:03d}",
                    "userType": "ACTIVE_DIRECTORY",
                    "employeeId": str(5000 + index),
                    "disabled": False,
                    "kombitUuid": f"ABCDEF00-0000-4000-8000-{index:012d}",
                    "upn": f"sae{index:03d}@kommune.dk",
                    "prime": True,
                }
            ]
        ),
        "affiliations": list(
            affiliations
            if affiliations is not None
            else [
                {
                    "uuid": f"20000000-0000-4000-8000-{index:012d}",
                    "employeeId": str(5000 + index),
                    "startDate": "2019-08-01",
                    "stopDate": None,
                    "deleted": False,
                    "orgUnitUuid": "30000000-0000-4000-8000-000000000001",
                }
            ]
        ),
    }


def sofd_phone(
    number: str,
    phone_type: str,
    *,
    visibility: str = "VISIBLE",
    prime: bool = False,
    type_prime: bool = True,
) -> dict[str, Any]:
    return {
        "uuid": None,
        "master": "SOFD",
        "masterId": None,
        "phoneNumber": number,
        "phoneType": phone_type,
        "visibility": visibility,
        "prime": prime,
        "typePrime": type_prime,
    }
