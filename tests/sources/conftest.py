"""File writers shared by all reader tests: real files from the writers users have.

``write_table(tmp_path / "x.xlsx", rows, fmt="xlsxwriter")`` writes ``rows`` (lists of
str/int/float/None) with the named writer; numbers stay numbers in spreadsheets.
The ``table_file`` fixture does the same into ``tmp_path`` and picks the suffix.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
import xlwt

Rows = Sequence[Sequence[Any]]

#: writer name -> file suffix
FORMATS: dict[str, str] = {
    "xlsxwriter": ".xlsx",
    "openpyxl": ".xlsx",
    "xlwt": ".xls",
    "csv-semicolon-cp1252": ".csv",
    "csv-semicolon-utf8sig": ".csv",
    "csv-semicolon-utf8": ".csv",
    "csv-tab": ".txt",
    "csv-comma": ".csv",
}


def write_xlsxwriter(path: Path, rows: Rows, sheet: str = "Brugere") -> Path:
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


def write_openpyxl(path: Path, rows: Rows, sheet: str = "Brugere") -> Path:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                worksheet.cell(row=r, column=c, value=value)
    workbook.save(path)
    return path


def write_xlwt(path: Path, rows: Rows, sheet: str = "Brugere") -> Path:
    workbook = xlwt.Workbook(encoding="utf-8")
    worksheet = workbook.add_sheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                worksheet.write(r, c, value)
    workbook.save(str(path))
    return path


def write_csv(
    path: Path, rows: Rows, *, delimiter: str = ";", encoding: str = "utf-8", prefix: str = ""
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        if prefix:
            handle.write(prefix)
        writer = csv.writer(handle, delimiter=delimiter)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
    return path


def write_table(path: Path, rows: Rows, fmt: str = "xlsxwriter", sheet: str = "Brugere") -> Path:
    """Write ``rows`` to ``path`` with the writer named by ``fmt`` (a key of FORMATS)."""
    if fmt == "xlsxwriter":
        return write_xlsxwriter(path, rows, sheet)
    if fmt == "openpyxl":
        return write_openpyxl(path, rows, sheet)
    if fmt == "xlwt":
        return write_xlwt(path, rows, sheet)
    if fmt == "csv-semicolon-cp1252":
        return write_csv(path, rows, delimiter=";", encoding="cp1252")
    if fmt == "csv-semicolon-utf8sig":
        return write_csv(path, rows, delimiter=";", encoding="utf-8-sig")
    if fmt == "csv-semicolon-utf8":
        return write_csv(path, rows, delimiter=";", encoding="utf-8")
    if fmt == "csv-tab":
        return write_csv(path, rows, delimiter="\t", encoding="utf-8")
    if fmt == "csv-comma":
        return write_csv(path, rows, delimiter=",", encoding="utf-8")
    raise ValueError(fmt)


@pytest.fixture
def table_file(tmp_path: Path) -> Callable[..., Path]:
    """``table_file(rows, fmt="xlsxwriter", name="klik")`` -> path of a freshly written file."""

    def make(
        rows: Rows, fmt: str = "xlsxwriter", name: str = "klik", sheet: str = "Brugere"
    ) -> Path:
        return write_table(tmp_path / f"{name}{FORMATS[fmt]}", rows, fmt, sheet)

    return make
