"""Inputs for the national tests, made by the writers users have (xlsxwriter, the real audit)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import xlsxwriter

from telefonspor.audit import run_audit
from telefonspor.national.statement import STATEMENT_SCHEMA
from telefonspor.reports.jsonout import write_json
from telefonspor.settings import defaults
from telefonspor.sources.klik import read_klik

HEADERS = ["Navn", "Brugernavn", "E-mail", "Direkte nummer", "Mobil nummer", "Roller", "Kommune"]

#: A municipality's own KLIK export: every person has a name, a user id and maybe numbers.
LOCAL_ROWS: list[list[object]] = [
    ["Anna Hansen", "anha", "anha@vejle.dk", 33663366, "", "Lokal administrator; Support", ""],
    ["Bo Ørsted", "boor", "boor@vejle.dk", "", "+45 20 30 40 50", "Supportberettiget", ""],
    ["Carl Ærø", "caae", "caae@vejle.dk", "", "", "KLIK-administrator", ""],
    ["Dorthe O'Brien", "dobr", "dobr@vejle.dk", "4417", "", "Lokal administrator", ""],
    ["Eva Lund", "evlu", "evlu@vejle.dk", "12345678", "61 72 83 94", "Sikkerhedsansvarlig", ""],
    ["Uden Rolle", "udro", "udro@vejle.dk", "", "", "", ""],
]

#: A national export: several municipalities, spellings vary, one name unknown, one empty.
NATIONAL_ROWS: list[list[object]] = [
    ["Ane Kbh", "kbh1", "kbh1@kk.dk", 33663366, "", "Rolle A; Rolle B", "Københavns Kommune"],
    ["Bent Kbh", "kbh2", "kbh2@kk.dk", "", "", "Rolle A", "København"],
    ["Cai Kbh", "kbh3", "kbh3@kk.dk", "", "20304050", "Rolle C", "101"],
    ["Dan Aar", "aar1", "aar1@aarhus.dk", "", "", "Rolle A", "Århus"],
    ["Erik Aar", "aar2", "aar2@aarhus.dk", 86121212, "", "Rolle A; Rolle B", "Aarhus Kommune"],
    ["Finn Bh", "bh1", "bh1@brk.dk", 56921000, "", "Rolle A", "Bornholms Regionskommune"],
    ["Gert Hts", "hts1", "hts1@htk.dk", "", "", "Rolle A", "Høje Taastrup"],
    ["Hans Chr", "chr1", "chr1@chr.dk", 56462000, "", "Rolle A", "Christiansø"],
    ["Ida Tom", "tom1", "tom1@x.dk", 40506070, "", "Rolle A", ""],
]


def write_klik(path: Path, rows: list[list[object]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Brugere")
    sheet.write_row(0, 0, HEADERS)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, row)
    book.close()
    return path


def write_result(folder: Path, municipality: str = "Vejle Kommune") -> Path:
    """A real resultat.json from the real audit of LOCAL_ROWS."""
    klik = read_klik(write_klik(folder / "klik-lokal.xlsx", LOCAL_ROWS))
    settings = defaults().replace({"audit.municipality_name": municipality})
    result = run_audit(klik, [], settings, generated_at="2024-05-02T08:30:00+00:00")
    path = write_json(result, folder / "resultat.json")
    assert path is not None
    return path


def statement_doc(
    code: str, name: str, date: str, roles: int, covered: int, **extra: Any
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "schema": STATEMENT_SCHEMA,
        "municipality": {"code": code, "name": name},
        "date": date,
        "roles": roles,
        "roles_covered": covered,
        "role_holders": roles // 2,
        "covered_holders": covered // 2,
        "causes": {"legacy_klik_user": 3, "missing_in_source": 2},
        "findings": {"missing": 5},
    }
    doc.update(extra)
    return doc


def write_statement(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path
