"""Corrections file, AD export with DNs, and resultat.json round trip."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from telefonspor.errors import InputError
from telefonspor.fixfiles import load_result_json, read_corrections, read_dns, write_fix_files
from telefonspor.fixfiles.resultjson import read_result_json
from telefonspor.model import AuditResult, Decision, ReportContext
from telefonspor.reports.jsonout import write_json
from telefonspor.settings import Settings


def write_csv(path: Path, rows: list[list[str]], encoding: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    return path


def test_corrections_from_cp1252_csv(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "rettelser.csv",
        [
            ["Brugernavn", "Direkte", "Mobil"],
            ["Søren", "33 66 33 66", ""],
            ["ole", "", "+46 71 234 5678"],
            ["kun-navn", "", ""],
        ],
        "cp1252",
    )
    fixes = read_corrections(path)
    assert sorted(fixes) == ["ole", "søren"]
    assert fixes["søren"].direct == "+4533663366" and fixes["søren"].mobile == ""
    assert fixes["ole"].mobile == "+46712345678" and fixes["ole"].row == 3


def test_corrections_from_xlsx(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["brugernavn", "mobil"])
    sheet.append(["Åse", 20304050])
    book.save(tmp_path / "rettelser.xlsx")
    fixes = read_corrections(tmp_path / "rettelser.xlsx")
    assert fixes["åse"].mobile == "+4520304050"


@pytest.mark.parametrize("value", ["1234", "12345678", "20 30 40 50 / 60 70 80 90"])
def test_bad_correction_names_row_and_column(tmp_path: Path, value: str) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        [["brugernavn", "direkte", "mobil"], ["ok", "", "20304050"], ["x", value, ""]],
        "utf-8-sig",
    )
    with pytest.raises(InputError) as info:
        read_corrections(path)
    assert info.value.row == 3 and info.value.column == "B"
    assert "ikke et brugbart telefonnummer" in str(info.value)


def test_duplicate_correction_is_an_error(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        [["brugernavn", "mobil"], ["Bo", "20304050"], ["bo", "20304051"]],
        "utf-8",
    )
    with pytest.raises(InputError, match="række 2"):
        read_corrections(path)


def test_dns_from_powershell_export(tmp_path: Path) -> None:
    path = tmp_path / "ad.csv"
    path.write_text(
        "#TYPE Microsoft.ActiveDirectory.Management.ADUser\n"
        '"SamAccountName","DistinguishedName"\n'
        '"Kim","CN=Kim Ravn,OU=Brugere,DC=kommune,DC=dk"\n',
        encoding="utf-8",
    )
    assert read_dns(path) == {"kim": "CN=Kim Ravn,OU=Brugere,DC=kommune,DC=dk"}


def test_result_json_round_trip_gives_same_fix_files(
    tmp_path: Path, result: AuditResult, settings: Settings
) -> None:
    accepted = Decision("accepteret", "accept", "Fratræder", "admin", "2025-09-30T09:00:00+00:00")
    context = ReportContext(run_id=7, decisions={"accepteret": accepted})
    json_path = tmp_path / "resultat.json"
    write_json(result, json_path, context=context)
    loaded, decisions = read_result_json(json_path)
    assert decisions == {"accepteret": accepted}
    assert loaded.generated_at == result.generated_at
    direct = write_fix_files(result, tmp_path / "a", decisions=decisions, settings=settings)
    again = write_fix_files(loaded, tmp_path / "b", decisions=decisions, settings=settings)
    assert [p.read_bytes() for p in direct] == [p.read_bytes() for p in again]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "ikke gyldig JSON"),
        ('{"a": 1}', "ikke et resultat fra 'telefonspor audit' \\(forventede schema"),
        ('{"schema": "telefonspor/audit/v1", "a": 1}', "mangler 'holders'"),
        ('{"schema": "andet/v1", "holders": []}', "ukendt skema"),
    ],
)
def test_bad_result_json(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "resultat.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_result_json(path)
