"""The overview from a mixed input set, and its three outputs."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from telefonspor.errors import InputError
from telefonspor.national import build_overview, write_overview
from telefonspor.national.overview import Overview

from .builders import NATIONAL_ROWS, statement_doc, write_klik, write_result, write_statement

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def mixed_inputs(folder: Path) -> list[Path]:
    national = write_klik(folder / "klik-alle.xlsx", NATIONAL_ROWS)
    moment = datetime(2024, 5, 20, 9, 0, tzinfo=UTC).timestamp()
    os.utime(national, (moment, moment))
    return [
        write_statement(folder / "frb-jan.json", statement_doc("147", "", "2024-01-15", 100, 60)),
        write_statement(
            folder / "frb-apr.json",
            statement_doc("", "Frederiksberg Kommune", "2024-04-15", 100, 72),
        ),
        write_statement(folder / "fo.json", statement_doc("", "Tórshavn", "2024-04-15", 10, 5)),
        write_statement(
            folder / "formel.json", statement_doc("", '=HYPERLINK("x")', "2024-04-15", 10, 5)
        ),
        write_result(folder),
        national,
    ]


@pytest.fixture(scope="module")
def overview(tmp_path_factory: pytest.TempPathFactory) -> Overview:
    return build_overview(mixed_inputs(tmp_path_factory.mktemp("in")), now=NOW)


@pytest.fixture(scope="module")
def outputs(overview: Overview, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_overview(overview, tmp_path_factory.mktemp("out") / "landsoversigt")


def _by_code(doc: dict[str, object]) -> dict[str, dict[str, object]]:
    rows = doc["municipalities"]
    assert isinstance(rows, list)
    return {row["code"]: row for row in rows}


def test_all_three_files_are_written(outputs: list[Path]) -> None:
    assert [p.name for p in outputs] == [
        "landsoversigt.html", "landsoversigt.xlsx", "landsoversigt.json",
    ]  # fmt: skip
    assert all(p.stat().st_size > 0 for p in outputs)


def test_json_lists_all_98_with_null_figures_where_no_data(outputs: list[Path]) -> None:
    doc = json.loads(outputs[2].read_text(encoding="utf-8"))
    assert doc["schema"] == "telefonspor/national/v1"
    rows = _by_code(doc)
    assert len(rows) == 98
    assert [r["code"] for r in doc["municipalities"]] == sorted(rows)
    odense = rows["461"]
    assert odense["name"] == "Odense" and odense["region"] == "Region Syddanmark"
    assert all(odense[k] is None for k in ("roles", "coverage_pct", "causes", "change", "date"))


def test_national_klik_export_is_audited_per_municipality(outputs: list[Path]) -> None:
    rows = _by_code(json.loads(outputs[2].read_text(encoding="utf-8")))
    kbh = rows["101"]  # three spellings of København: name, "... Kommune" and the code
    assert (kbh["roles"], kbh["roles_covered"], kbh["role_holders"], kbh["covered_holders"]) == (
        4, 3, 3, 2,
    )  # fmt: skip
    assert kbh["coverage_pct"] == 75.0
    assert kbh["date"] == "2024-05-20"
    assert sum(kbh["causes"].values()) == 1
    assert (rows["751"]["roles"], rows["751"]["coverage_pct"]) == (3, 66.7)
    assert rows["400"]["coverage_pct"] == 100.0
    assert rows["169"]["coverage_pct"] == 0.0  # data, but nothing covered: not "no data"


def test_result_json_and_statements_are_combined(outputs: list[Path]) -> None:
    rows = _by_code(json.loads(outputs[2].read_text(encoding="utf-8")))
    assert rows["630"]["date"] == "2024-05-02"  # Vejle from resultat.json
    assert rows["630"]["role_holders"] == 5
    frb = rows["147"]
    assert (frb["coverage_pct"], frb["previous_coverage_pct"], frb["change"]) == (72.0, 60.0, 12.0)
    assert (frb["date"], frb["previous_date"]) == ("2024-04-15", "2024-01-15")


def test_regions_and_national_totals(outputs: list[Path]) -> None:
    doc = json.loads(outputs[2].read_text(encoding="utf-8"))
    regions = {r["name"]: r for r in doc["regions"]}
    assert len(regions) == 5
    capital = regions["Region Hovedstaden"]
    assert (capital["municipalities"], capital["municipalities_with_data"]) == (29, 4)
    assert capital["roles"] == 4 + 100 + 1 + 1
    assert regions["Region Nordjylland"]["coverage_pct"] is None
    national = doc["national"]
    assert national["municipalities_with_data"] == 6
    assert national["roles"] == sum(r["roles"] for r in doc["regions"])
    assert doc["causes"] == national["causes"]
    assert doc["causes"]["legacy_klik_user"] >= 3  # from the Frederiksberg statement


def test_unmatched_inputs_are_reported_not_dropped(overview: Overview, outputs: list[Path]) -> None:
    doc = json.loads(outputs[2].read_text(encoding="utf-8"))
    assert sorted((u["input"], u["name"], u["users"]) for u in doc["unmatched"]) == [
        ("fo.json", "Tórshavn", 0),
        ("formel.json", '=HYPERLINK("x")', 0),
        ("klik-alle.xlsx", "", 1),
        ("klik-alle.xlsx", "Christiansø", 1),
    ]
    text = " ".join(overview.warnings)
    assert "'Christiansø' blev ikke genkendt" in text
    assert "1 brugere uden kommune" in text
    html = outputs[0].read_text(encoding="utf-8")
    assert "Tórshavn" in html and "Christiansø" in html


def test_workbook_has_every_municipality_and_escapes_formulas(outputs: list[Path]) -> None:
    book = openpyxl.load_workbook(outputs[1])
    assert book.sheetnames == ["Kommuner", "Regioner", "Årsager", "Ikke genkendt"]
    kommuner = book["Kommuner"]
    assert kommuner.max_row == 99
    first = [c.value for c in kommuner[2]]
    assert first[:5] == ["400", "Bornholm", "Region Hovedstaden", 1, 100.0]
    missed = book["Ikke genkendt"]
    cells = [c for row in missed.iter_rows(min_row=2) for c in row if c.value]
    formula = [c for c in cells if str(c.value).startswith("=")]
    assert len(formula) == 1
    assert formula[0].data_type == "s" and formula[0].quotePrefix


def test_html_is_self_contained(outputs: list[Path]) -> None:
    html = outputs[0].read_text(encoding="utf-8")
    assert html.count('data-code="') == 98
    assert "<script" not in html and "<link" not in html
    assert "https://" not in html and "url(http" not in html
    assert 'aria-label="Frederiksberg: 72,0 % af rollerne har telefonnummer' in html
    assert 'aria-label="Odense: ingen data"' in html
    assert "▲ +12,0 procentpoint" in html


def test_same_moment_statements_warn_and_the_last_given_wins(tmp_path: Path) -> None:
    a = write_statement(tmp_path / "a.json", statement_doc("101", "", "2024-02-01", 10, 5))
    b = write_statement(tmp_path / "b.json", statement_doc("101", "", "2024-02-01", 10, 9))
    result = build_overview([a, b])
    entry = next(e for e in result.entries if e.municipality.code == "101")
    assert entry.coverage_pct == 90.0
    assert entry.previous is None
    assert any("samme tidspunkt" in w and "b.json" in w for w in result.warnings)


def test_json_of_another_kind_is_an_input_error(tmp_path: Path) -> None:
    other = tmp_path / "andet.json"
    other.write_text('{"schema": "noget/andet"}', encoding="utf-8")
    with pytest.raises(InputError, match=r"andet\.json"):
        build_overview([other])


def test_klik_export_without_a_municipality_column_is_an_input_error(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "klik.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Navn", "Brugernavn", "Direkte nummer", "Mobil nummer", "Roller"])
    sheet.write_row(1, 0, ["A", "a", "33663366", "", "R"])
    book.close()
    with pytest.raises(InputError, match="kolonne med kommunen"):
        build_overview([path])
