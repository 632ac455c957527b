"""Write a generated municipality as the files real users export.

KLIK: Excel from xlsxwriter (constant memory, title rows above the header);
AD: PowerShell ``Export-Csv``; OS2sofd: a list of ``/api/v2/persons`` pages;
OS2mo: a saved GraphQL answer; OS2sync: database dumps; FK-ORG: CSV. Output
is deterministic for the same model (fixed dates, sorted keys, no clocks).
"""

from __future__ import annotations

import csv
import json
import random
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Final
from xml.sax.saxutils import escape

import xlsxwriter

from telefonspor.sample import os2mo as mo
from telefonspor.sample.chain import (
    Municipality,
    Person,
    Phone,
    klik_values,
)
from telefonspor.sample.os2mo import LANDLINE_CLASS, MOBILE_CLASS

EXPORT_DATE: Final = "2026-11-28"
_CREATED: Final = datetime(2026, 11, 28, 8, 0, 0)
_PAGE_SIZE: Final = 100
_CVR_BASE: Final = 29188300


def write_klik(world: Municipality, path: Path, *, seed: int, fmt: str) -> None:
    """The KLIK user export: one row per user with the role list joined by '; '."""
    national = len({p.municipality for p in world.holders}) > 1
    header = ["Navn", "Brugernavn", "E-mail", "Direkte nummer", "Mobil nummer", "Roller", "Enhed"]
    if national:
        header.append("Kommune")
    rng = random.Random(seed * 7 + 3)
    rows = (_klik_row(p, world, rng, national) for p in world.holders)
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh, delimiter=";")
            writer.writerow(header)
            writer.writerows(rows)
        return
    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_numbers": False}
    )
    workbook.set_properties({"created": _CREATED, "author": "KLIK", "title": "Brugere i KLIK"})
    sheet = workbook.add_worksheet("Brugere")
    bold = workbook.add_format({"bold": True})
    sheet.write_string(0, 0, f"Brugere i KLIK – eksporteret {EXPORT_DATE}", bold)
    sheet.write_string(1, 0, "Kommunens brugere med kontaktoplysninger og tildelte roller")
    sheet.write_row(3, 0, header, bold)
    for number, row in enumerate(rows, start=4):
        for col, value in enumerate(row):
            if isinstance(value, int):
                sheet.write_number(number, col, value)
            elif value:
                sheet.write_string(number, col, value)
    workbook.close()


def _klik_row(p: Person, world: Municipality, rng: random.Random, national: bool) -> list[Any]:
    shown = klik_values(p)
    direct: Any = _cell(shown["direct"], rng)
    mobile: Any = _cell(shown["mobile"], rng)
    draw = rng.random()
    if draw < 0.03 and shown["direct"] and shown["mobile"]:
        mobile = f"{shown['mobile']} / {shown['direct']}"  # two numbers typed into one cell
    row: list[Any] = [p.name, p.user_id, p.email, direct, mobile, "; ".join(p.roles), p.unit]
    if national:
        row.append(f"{p.municipality}")
    return row


def _cell(raw: str, rng: random.Random) -> str | int:
    """Plain digits are often stored as Excel numbers, sometimes with the country code."""
    if len(raw) == 8 and raw.isdigit() and raw[0] not in "01":
        draw = rng.random()
        if draw < 0.3:
            return int(raw)
        if draw < 0.4:
            return int("45" + raw)
    return raw


def write_ad(world: Municipality, path: Path) -> None:
    """``Get-ADUser -Filter * -Properties ... | Export-Csv`` (Windows PowerShell 5)."""
    columns = [
        "SamAccountName",
        "ObjectGUID",
        "Enabled",
        "DisplayName",
        "mail",
        "EmployeeID",
        "telephoneNumber",
        "mobile",
        "ipPhone",
        "pager",
    ]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        fh.write("#TYPE Microsoft.ActiveDirectory.Management.ADUser\r\n")
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows(
            [
                p.user_id,
                p.guid,
                "True" if p.ad_enabled else "False",
                p.name,
                p.ad_mail or p.email,
                p.employee_id,
                p.ad_direct,
                p.ad_mobile,
                p.ad_ip_phone,
                "",
            ]
            for p in world.people
            if p.in_ad
        )


def write_os2sofd(world: Municipality, path: Path) -> None:
    """Every page of ``GET /api/v2/persons`` saved as one JSON list of pages.

    As OS2sofd/os2sofd PersonApi.getPersons pages (commit 88a368a6): persons ordered
    by uuid, ``nextOffset`` the last uuid of every non-empty page, and the walk ends
    on an empty page (saved too, with no ``nextOffset``).
    """
    people = sorted(
        (p for p in world.people if p.in_local), key=lambda p: _derived_uuid(p.guid, "5")
    )
    # Written page by page: the national sample would not fit in memory as one string.
    with path.open("w", encoding="utf-8") as fh:
        fh.write("[")
        number = 0
        for number, start in enumerate(range(0, len(people), _PAGE_SIZE)):
            chunk = [_sofd_person(p, world) for p in people[start : start + _PAGE_SIZE]]
            page = {"persons": chunk, "page": number, "nextOffset": chunk[-1]["uuid"]}
            fh.write(("," if number else "") + _dumps(page))
        last = number + 1 if people else 0
        empty = {"persons": [], "page": last, "nextOffset": None}
        fh.write(("," if people else "") + _dumps(empty) + "]")


#: The org unit marked "do not transfer to FK Organisation" in OS2sofd (an org unit flag,
#: inherited by sub-units; not part of the affiliation record).
NO_FK_ORG_UNIT: Final = "0f5d0000-0000-4000-8000-00000000f0f0"
#: A new hire's affiliation that starts later: OS2sofd already sends the person.
FUTURE_START: Final = "2099-08-01"


def sofd_source_options(world: Municipality) -> dict[str, object]:
    """The OS2sofd source options ``kaede.toml`` needs for this population."""
    if any("do_not_transfer" in p.local_flags for p in world.people):
        return {"do_not_transfer_org_units": [NO_FK_ORG_UNIT]}
    return {}


def _sofd_person(p: Person, world: Municipality) -> dict[str, Any]:
    phones = p.phones
    stopped = "no_affiliation" in p.local_flags
    return {
        "uuid": _derived_uuid(p.guid, "5"),
        "firstname": p.first,
        "surname": p.last,
        "chosenName": None,
        "deleted": "deleted" in p.local_flags,
        "phones": [_sofd_phone(phone, i, p) for i, phone in enumerate(phones)],
        "users": [
            {
                "userId": p.user_id,
                "userType": "ACTIVE_DIRECTORY",
                "employeeId": _sofd_account_employee_id(p),
                "disabled": "disabled" in p.local_flags,
                "kombitUuid": p.guid,
                "upn": p.email,
                "prime": True,
            }
        ],
        "affiliations": [_sofd_affiliation(p, stopped)],
    }


def _sofd_account_employee_id(p: Person) -> str:
    """The AD account's employeeId; a mismatch leaves the account without an affiliation."""
    if "no_matching_affiliation" in p.local_flags:
        return f"9{p.employee_id}"
    return p.employee_id


def _sofd_affiliation(p: Person, stopped: bool) -> dict[str, Any]:
    # Some current affiliations start in the future (new hires): they count already.
    start = FUTURE_START if not stopped and p.index % 9 == 0 else "2015-08-01"
    unit = NO_FK_ORG_UNIT if "do_not_transfer" in p.local_flags else _unit_uuid(p.unit)
    return {
        "uuid": _derived_uuid(p.guid, "6"),
        "startDate": start,
        "stopDate": "2020-01-31" if stopped else None,
        "employeeId": p.employee_id,
        "positionName": "Medarbejder",
        "orgUnitUuid": unit,
        "master": "OPUS",
        "deleted": False,
    }


def _unit_uuid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"enhed:{name}"))


def _sofd_phone(phone: Phone, i: int, p: Person) -> dict[str, Any]:
    return {
        "phoneNumber": phone.raw,
        "phoneType": phone.type,
        "visibility": phone.visibility or None,  # OS2sofd allows a null visibility
        "prime": i == 0,
        "typePrime": phone.type_prime,
        "master": phone.master,
        "masterId": p.guid if phone.master == "AD" else _derived_uuid(p.guid, str(7 + i % 3)),
    }


def write_opus(world: Municipality, path: Path) -> None:
    """OPUS' employee export (XML) for everyone in AD, with its communication types as
    OS2sofd's OpusService reads them (OS2sofd/os2sofd, commit 88a368a6): 0001 user id,
    0010 e-mail, 0020 the employee's one work number, 9021 the department's number
    (afdelingsnummer), which is never the employee's own."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<kmd client="751">']
    for p in world.people:
        if not p.in_ad:
            continue
        codes = [("0001", p.user_id), ("0010", p.email), ("0020", p.ad_direct)]
        codes.append(("9021", _department_number(p.unit)))
        lines.append(f'  <employee id="{p.employee_id}" action="">')
        lines.append(f"    <firstName>{escape(p.first)}</firstName>")
        lines.append(f"    <lastName>{escape(p.last)}</lastName>")
        lines += [
            f"    <kommunikation><art>{code}</art><id>{escape(value)}</id></kommunikation>"
            for code, value in codes
            if value
        ]
        lines.append("  </employee>")
    lines.append("</kmd>")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _department_number(unit: str) -> str:
    """A department's switchboard number (usable, shared by the whole unit)."""
    digits = int(uuid.uuid5(uuid.NAMESPACE_URL, f"afdeling:{unit}").hex[:6], 16) % 1_000_000
    return f"45 {digits // 10000:02d} {digits // 100 % 100:02d} {digits % 100:02d}"


def write_os2mo(world: Municipality, path: Path) -> None:
    """The answer of an OS2mo GraphQL ``employees`` query, saved to a file."""
    objects = [{"current": _mo_employee(p, world)} for p in world.people if p.in_local]
    _write_json(path, {"data": {"employees": {"objects": objects}}})


def _mo_employee(p: Person, world: Municipality) -> dict[str, Any]:
    return mo.employee_json(p, _derived_uuid)


def write_os2sync(world: Municipality, directory: Path) -> None:
    """OS2sync's database tables ``success_users`` and ``failure_users`` as CSV dumps."""
    directory.mkdir(parents=True, exist_ok=True)
    base = ["uuid", "user_id", "phone_number", "landline", "email", "name", "cvr", "operation"]
    success: list[list[str]] = []
    failure: list[list[str]] = []
    for p in world.people:
        if not p.sync or not p.in_local:
            continue
        sent = p.sent
        row = [
            p.fk_uuid or p.guid,  # OS2mo: the FK-ORG-UUID it-user's value when there is one
            p.user_id,
            sent["mobile"],
            sent["direct"],
            p.email,
            p.name,
            str(_CVR_BASE + int(p.municipality)),
            "UPDATE",
        ]
        if p.sync == "failure":
            failure.append([*row, p.sync_error])
        else:
            success.append([*row, "1" if p.sync == "skipped" else "0"])
    _write_semicolon(directory / "success_users.csv", [*base, "skipped"], success)
    _write_semicolon(directory / "failure_users.csv", [*base, "error"], failure)


def write_fkorg(world: Municipality, path: Path) -> None:
    """FK-ORG users with both address roles, as a municipality exports them."""
    rows = []
    for p in world.people:
        if not p.in_fkorg:
            continue
        fk = p.fk
        rows.append([p.user_id, p.fk_uuid or p.guid, p.name, fk["direct"], fk["mobile"], p.email])
    header = ["brugernavn", "uuid", "Navn", "FastnetTelefon", "Telefon", "Email"]
    _write_semicolon(path, header, rows, encoding="utf-8-sig")


def write_config(
    path: Path,
    settings: Mapping[str, object],
    sources: Sequence[tuple[str, str]],
    options: Mapping[str, Mapping[str, object]] | None = None,
) -> None:
    """``kaede.toml``: the deviating settings, then the chain with relative paths
    (and each source's options, per kind)."""
    lines = ["# Eksempelkæde lavet af telefonspor (fiktive data).", ""]
    sections: dict[str, list[str]] = {}
    for key in sorted(settings):
        section, _, name = key.partition(".")
        sections.setdefault(section, []).append(f"{name} = {_toml_value(settings[key])}")
    for section, entries in sections.items():
        lines += [f"[{section}]", *entries, ""]
    for kind, relative in sources:
        extra = [f"{k} = {_toml_value(v)}" for k, v in (options or {}).get(kind, {}).items()]
        lines += ["[[source]]", f'kind = "{kind}"', f'path = "{relative}"', *extra, ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _write_semicolon(
    path: Path, header: list[str], rows: Iterable[list[str]], *, encoding: str = "utf-8"
) -> None:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _write_json(path: Path, data: object) -> None:
    path.write_text(_dumps(data), encoding="utf-8")


def _dumps(data: object) -> str:
    # json.dumps uses the C encoder; json.dump to a file would use the slow Python one.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _derived_uuid(guid: str, version_digit: str) -> str:
    """Another stable uuid for the same person (OS2sofd person uuid, affiliation, ...)."""
    return f"{guid[:14]}{version_digit}{guid[15:]}" if guid else ""


__all__ = [
    "LANDLINE_CLASS",
    "MOBILE_CLASS",
    "sofd_source_options",
    "write_ad",
    "write_config",
    "write_fkorg",
    "write_klik",
    "write_opus",
    "write_os2mo",
    "write_os2sofd",
    "write_os2sync",
]
