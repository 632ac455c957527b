from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import openpyxl
import pytest

from telefonspor.model import AuditResult, ReportContext
from telefonspor.reports.excel import HOLDER_HEADERS, write_excel
from telefonspor.reports.jsonout import to_json

from .builders import FORMULA_NAME, build_result


@pytest.fixture
def book(tmp_path: Path, result: AuditResult, context: ReportContext) -> openpyxl.Workbook:
    path = write_excel(result, tmp_path / "rapport.xlsx", context)
    return openpyxl.load_workbook(path)


def _rows(ws: object) -> list[tuple[object, ...]]:
    return [tuple(r) for r in ws.iter_rows(values_only=True)]  # type: ignore[attr-defined]


def test_sheet_names_in_order(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == [
        "Overblik",
        "Uden telefon",
        "Accepteret",
        "Datakvalitet",
        "Pr. rolle",
        "Pr. enhed",
        "Spor",
        "KLIK-administrator",
        "HR",
        "Medarbejdere",
        "Leverandør",
        "Synkronisering",
        "KOMBIT",
        "Brugere uden roller",
    ]
    for name in book.sheetnames:
        assert len(name) <= 31
        assert not set(name) & set("[]:*?/\\")


def test_uncovered_sheet_headers_rows_freeze_and_filter(
    book: openpyxl.Workbook, result: AuditResult
) -> None:
    ws = book["Uden telefon"]
    rows = _rows(ws)
    assert rows[0] == HOLDER_HEADERS
    assert len(rows) - 1 == 13  # 14 uncovered, one accepted is shown apart
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:L14"
    first = dict(zip(HOLDER_HEADERS, rows[1], strict=True))
    assert first["Brugernavn"] == "bruger00024"  # bruger00000 is accepted
    assert first["Årsag"] == "Gammel KLIK-bruger uden FK-ORG-bruger"
    assert first["Ansvarlig"] == "KLIK-administrator"
    decided = [r for r in rows[1:] if r[11]]
    assert decided == [r for r in rows[1:] if r[0] == "bruger00003"]
    assert decided[0][11] == "Rettes: Rettes af HR"
    accepted = _rows(book["Accepteret"])
    assert accepted[0][-2:] == ("Besluttet af", "Besluttet")
    assert [r[0] for r in accepted[1:]] == ["bruger00000"]
    assert accepted[1][11] == "Accepteret (handles ikke): Fratræder 1. juni"


def test_raw_numbers_stay_text(tmp_path: Path) -> None:
    path = write_excel(build_result(40), tmp_path / "r.xlsx")
    ws = openpyxl.load_workbook(path)["Uden telefon"]
    raws = {r[4] for r in _rows(ws)[1:]} | {r[5] for r in _rows(ws)[1:]}
    assert "12345678" in raws and "0123 4567" in raws  # strings, leading zero kept
    assert all(isinstance(v, str) or v is None for v in raws)


def test_formula_like_values_are_stored_as_text(tmp_path: Path) -> None:
    uncovered_index = 3  # i % 3 == 0: uncovered, shows in "Uden telefon" and party sheets
    path = write_excel(build_result(12, names={uncovered_index: FORMULA_NAME}), tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(path)
    ws = book["Uden telefon"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if c.value == FORMULA_NAME]
    assert len(cells) == 1
    cell = cells[0]
    assert cell.data_type == "s"  # a string, not a formula ("f")
    assert cell.quotePrefix is True
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate)
    without = _rows(book["Brugere uden roller"])
    assert without[1][0] == "=cmd|'/c calc'!A1"


def test_quality_groups_trace_and_party_sheets(
    book: openpyxl.Workbook, result: AuditResult
) -> None:
    quality = _rows(book["Datakvalitet"])
    assert quality[0] == ("Brugernavn", "Felt", "Værdi", "Fund", "Forklaring")
    assert len(quality) - 1 == len(result.findings)
    placeholder = next(r for r in quality[1:] if r[3] == "Pladsholder")
    assert placeholder[1] in ("Direkte nummer", "Mobil nummer")
    assert placeholder[2] == "12345678"
    roles = _rows(book["Pr. rolle"])
    assert roles[0] == (
        "Rolle",
        "Rolleindehavere",
        "Med nummer",
        "Roller",
        "Roller med nummer",
        "Dækning (%)",
    )
    assert len(roles) - 1 == len(result.by_role)
    assert len(_rows(book["Pr. enhed"])) - 1 == len(result.by_unit)
    trace = book["Spor"]
    rows = _rows(trace)
    assert rows[0] == (
        "Brugernavn",
        "Navn",
        "Dækket",
        "Årsag",
        "AD direkte",
        "AD mobil",
        "OS2sofd direkte",
        "OS2sofd mobil",
        "FK-ORG direkte",
        "FK-ORG mobil",
        "KLIK direkte",
        "KLIK mobil",
    )
    assert len(rows) - 1 == len(result.holders)
    assert trace.freeze_panes == "C2"
    assert rows[1][8] == "(ikke fundet)"  # legacy KLIK user: not in FK-ORG
    hr = _rows(book["HR"])
    assert {r[4] for r in hr[1:]} == {"Ugyldigt i den autoritative kilde"}
    for name in ("HR", "KOMBIT", "Spor", "Datakvalitet"):
        assert book[name].freeze_panes in ("A2", "C2")
        assert book[name].auto_filter.ref


def test_overview_has_every_section(book: openpyxl.Workbook) -> None:
    first_column = [r[0] for r in _rows(book["Overblik"]) if r and r[0]]
    for heading in (
        "Største gevinster – rettelser ordnet efter roller, de dækker",
        "Nøgletal",
        "KLIK-opgavens fem trin",
        "Rolleindehavere uden nummer fordelt på årsag",
        "Kæden: hvor numrene forsvinder",
        "Udvikling over kørsler",
        "Ændringer siden sidst (kørsel 2 → 3)",
        "Kilder i kæden",
    ):
        assert heading in first_column
    assert first_column[0].endswith("Testrup Kommune")
    assert first_column.index("Største gevinster – rettelser ordnet efter roller, de dækker") < (
        first_column.index("Nøgletal")
    )


def test_overview_has_charts(tmp_path: Path, result: AuditResult, context: ReportContext) -> None:
    # openpyxl drops charts on load: count them in the package itself.
    path = write_excel(result, tmp_path / "r.xlsx", context)
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 3  # gains, causes, trend


def test_without_systemic_or_context_the_sections_are_left_out(tmp_path: Path) -> None:
    path = write_excel(build_result(9, systemic=False), tmp_path / "r.xlsx")
    first_column = [r[0] for r in _rows(openpyxl.load_workbook(path)["Overblik"]) if r and r[0]]
    assert "Nøgletal" in first_column
    assert not any(str(v).startswith(("Største", "Udvikling", "Ændringer")) for v in first_column)
    steps = [v for v in first_column if str(v)[:2] in ("1.", "2.", "3.", "4.", "5.")]
    assert len(steps) == 5


def _trace_ids(result: AuditResult, tmp_path: Path) -> list[str]:
    path = write_excel(result, tmp_path / "rapport.xlsx")
    book = openpyxl.load_workbook(path, read_only=True)
    ids = [str(r[0]) for r in list(book["Spor"].iter_rows(values_only=True))[1:]]
    book.close()
    return ids


def test_trace_sheet_lists_every_holder_up_to_the_setting(
    tmp_path: Path, result: AuditResult
) -> None:
    assert len(result.holders) <= 10_000  # the default report.trace_all_up_to
    assert sorted(_trace_ids(result, tmp_path)) == sorted(h.user_id for h in result.holders)


def test_trace_sheet_at_scale_keeps_only_what_a_person_reads(
    tmp_path: Path, result: AuditResult
) -> None:
    """Issue 15: above report.trace_all_up_to, covered holders without a finding are left out
    of "Spor" (an empty field alone is no finding); resultat.json keeps every trace."""
    small = dataclasses.replace(
        result,
        settings_used={**result.settings_used, "report.trace_all_up_to": 5},
    )
    kept = set(_trace_ids(small, tmp_path))
    uncovered = {h.user_id for h in result.holders if not h.covered}
    flagged = {
        h.user_id
        for h in result.holders
        if h.covered and {*h.direct.findings, *h.mobile.findings} - {"missing"}
    }
    quiet = {h.user_id for h in result.holders} - uncovered - flagged
    assert uncovered and flagged and quiet  # the builder has all three kinds
    assert kept == uncovered | flagged
    doc = to_json(small)
    assert len(doc["holders"]) == len(result.holders)
    assert all(h["trace"] for h in doc["holders"])
