""" "Største gevinster" (issue 16 point 7, issue 18 point 5): the old KLIK users' moves and the
old users without a twin are ranked items beside the settings, and the terminal, the HTML
report, Excel, resultat.json and `whatif` show one computation: the same items, the same
cumulative share of the gap, rounded the same way. Only items with a setting get an
"Afprøv" command, and that command gives the figure printed for it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from telefonspor.cli import app
from telefonspor.reports.view import gap_closed_pct
from telefonspor.sample import generate_chain
from telefonspor.texts import danish_number
from telefonspor.twins import CREATE_CODE, MOVE_CODE

runner = CliRunner()
WIDE = {"COLUMNS": "250", "NO_COLOR": "1"}


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    folder = tmp_path_factory.mktemp("gevinster")
    chain = generate_chain(folder / "kommune", holders=400, users=1500, seed=1)
    out = folder / "rapport"
    run = runner.invoke(
        app, ["audit", str(chain.klik), "--config", str(chain.config), "--out", str(out)], env=WIDE
    )
    assert run.exit_code == 0, run.output
    return chain.klik, out, run.output


def test_terminal_html_excel_and_json_show_the_same_ranked_items(
    audited: tuple[Path, Path, str],
) -> None:
    _, out, terminal = audited
    doc = json.loads((out / "resultat.json").read_text("utf-8"))
    items = doc["systemic"]
    codes = [i["code"] for i in items]
    assert MOVE_CODE in codes and CREATE_CODE in codes
    gap = doc["summary"]["roles"] - doc["summary"]["roles_covered"]
    moves = next(i for i in items if i["code"] == MOVE_CODE)
    covered_twins = [h for h in doc["holders"] if h["legacy_twin"] and h["legacy_twin"]["covered"]]
    assert moves["roles_gained"] == sum(len(h["roles"]) for h in covered_twins)
    shares = [i["gap_closed_pct"] for i in items]
    assert shares == sorted(shares) and shares[-1] == gap_closed_pct(
        items[-1]["cumulative_roles_gained"], gap
    )
    last = danish_number(shares[-1])

    # Terminal: every item, numbered, and the same closing figure.
    numbered = re.findall(r"^\s+(\d+)\. (.+?): \+", terminal, re.MULTILINE)
    assert [title for _, title in numbered] == [i["title"] for i in items]
    assert f"{len(items)} ændringer lukker {last} % af hullet." in terminal

    html = (out / "rapport.html").read_text("utf-8")
    assert f"{len(items)} ændringer lukker {last} % af hullet" in html
    for item in items:
        assert f'<td class="num">{danish_number(item["gap_closed_pct"])} %</td>' in html
    # Only items with a setting get a command to try; the groups have none.
    assert html.count("Afprøv: <code>") == sum(1 for i in items if i["setting"])

    book = openpyxl.load_workbook(out / "rapport.xlsx", read_only=True)
    rows = list(book["Overblik"].iter_rows(values_only=True))
    book.close()
    start = next(n for n, r in enumerate(rows) if r[0] == "Ændring") + 1
    excel = [(r[0], r[3], r[7] or "") for r in rows[start : start + len(items)]]
    assert excel == [(i["title"], i["gap_closed_pct"], i["setting"]) for i in items]


def test_whatif_gives_the_figure_the_report_prints_for_an_item(
    audited: tuple[Path, Path, str],
) -> None:
    klik, out, _ = audited
    doc = json.loads((out / "resultat.json").read_text("utf-8"))
    gap = doc["summary"]["roles"] - doc["summary"]["roles_covered"]
    html = (out / "rapport.html").read_text("utf-8")
    item = next(i for i in doc["systemic"] if i["setting"])
    assert f"--set {item['setting']}</code>" in html
    config = klik.parent / "kaede.toml"
    args = ["whatif", str(klik), "--config", str(config), "--set", item["setting"]]
    run = runner.invoke(app, args, env=WIDE)
    assert run.exit_code == 0, run.output
    share = danish_number(gap_closed_pct(item["roles_gained"], gap))
    assert f"+{item['roles_gained']} roller ({share} % af hullet)" in run.output
