"""The Copenhagen-sized result (6,000 holders) writes every report; no timing asserts."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from telefonspor.model import AuditResult
from telefonspor.reports import write_reports


def test_large_result_writes_all_three_reports(tmp_path: Path, big_result: AuditResult) -> None:
    paths = write_reports(big_result, tmp_path)
    assert [p.name for p in paths] == ["rapport.xlsx", "rapport.html", "resultat.json"]
    doc = json.loads((tmp_path / "resultat.json").read_text("utf-8"))
    assert len(doc["holders"]) == 6000
    book = openpyxl.load_workbook(tmp_path / "rapport.xlsx", read_only=True)
    assert book["Uden telefon"].max_row == 2001
    assert book["Spor"].max_row == 6001
    book.close()
    html = (tmp_path / "rapport.html").read_text("utf-8")
    # Only the open cases are embedded, and none is rendered as a server-side row.
    assert html.count('"u":"bruger') == 2000
    assert html.count("<tr>") < 200
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
