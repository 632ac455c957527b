"""rollemigrering.xlsx/.csv (issue 18 point 3): written with the fix files, read back the way
a KLIK administrator opens them (Excel's ';' CSV with BOM, the workbook), sorted and safe."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
from msgspec.structs import replace
from typer.testing import CliRunner

from telefonspor.cli import fix_cmd  # noqa: F401  (registers the command)
from telefonspor.cli.app import app
from telefonspor.edge.run import audit_files
from telefonspor.fixfiles import write_fix_files
from telefonspor.fixfiles.migration import CSV_NAME, HEADER, XLSX_NAME, migration_files
from telefonspor.model import AuditResult, LegacyTwin, Summary
from telefonspor.reports.jsonout import write_json
from telefonspor.sample import generate_chain
from telefonspor.settings import defaults, load

from .conftest import GENERATED_AT, holder


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read æøå
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_fix_writes_the_migration_list_from_resultat_json(tmp_path: Path) -> None:
    chain = generate_chain(tmp_path / "kommune", holders=250, users=800, seed=3)
    result = audit_files(chain.klik, load(chain.config))
    write_json(result, tmp_path / "resultat.json")
    out = tmp_path / "ud"
    run = CliRunner().invoke(app, ["fix", str(tmp_path / "resultat.json"), "--out", str(out)])
    assert run.exit_code == 0, run.output

    rows = _csv_rows((out / CSV_NAME).read_bytes())
    assert tuple(rows[0]) == HEADER
    body = rows[1:]
    legacy = dict(chain.twins)
    assert {r[0] for r in body} == set(legacy)
    col = {name: i for i, name in enumerate(HEADER)}
    for r in body:
        twin = legacy[r[0]]
        if twin is None:
            assert r[col["FK-ORG-bruger (tvilling)"]] == ""
            assert r[col["Nummer efter flytning"]] == "Nej – ingen FK-ORG-bruger fundet"
        elif twin.matched_by == "ambiguous":
            assert r[col["FK-ORG-bruger (tvilling)"]] == ", ".join(twin.candidates)
        else:
            assert r[col["FK-ORG-bruger (tvilling)"]] == twin.user_id
            assert (r[col["Nummer efter flytning"]] == "Ja") == twin.covered
    # Roles only old users hold come first; then covered moves, by roles closed.
    flagged = [bool(r[col["Roller kun gamle brugere har"]]) for r in body]
    assert flagged == sorted(flagged, reverse=True)
    unflagged = [r for r in body if not r[col["Roller kun gamle brugere har"]]]
    moves = [r for r in unflagged if r[col["Nummer efter flytning"]] == "Ja"]
    assert moves and unflagged[: len(moves)] == moves
    counts = [int(r[col["Antal roller"]]) for r in moves]
    assert counts == sorted(counts, reverse=True)

    book = openpyxl.load_workbook(out / XLSX_NAME, read_only=True)
    sheet = book["Rollemigrering"]
    values = [
        [c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)
    ]
    book.close()
    assert [str(v) for v in values[0]] == list(HEADER)
    assert [v[0] for v in values[1:]] == [r[0] for r in body]
    assert [v[8] for v in values[1:]] == [int(r[8]) for r in body]


def test_formula_like_cells_stay_text_and_files_are_deterministic(tmp_path: Path) -> None:
    old = replace(
        holder("klik0000001", name='=HYPERLINK("http://x")', cause="legacy_klik_user"),
        roles=("+Rolle",),
        legacy_twin=LegacyTwin("@twin", "upn", "probable", True, "-20304050"),
        action="Flyt rollen +Rolle fra klik0000001 til @twin (samme UPN), og nedlæg klik0000001",
    )
    files = migration_files([old])
    rows = _csv_rows(files[CSV_NAME])
    assert rows[1][1] == '\'=HYPERLINK("http://x")'
    assert rows[1][4] == "'@twin" and rows[1][7] == "'+Rolle" and rows[1][11] == "'-20304050"
    path = tmp_path / XLSX_NAME
    path.write_bytes(files[XLSX_NAME])
    book = openpyxl.load_workbook(path)
    cell = book["Rollemigrering"]["B2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")
    assert migration_files([old]) == files  # same result, same bytes
    # No old users: no migration files among the fix files.
    h = holder("bo", cause="missing_in_source")
    plain = AuditResult(Summary(1, 1, 0, 0, 0, {}, {}), (h,), (), (), (), (), GENERATED_AT)
    written = write_fix_files(plain, tmp_path / "ud", settings=defaults())
    assert not {p.name for p in written} & {CSV_NAME, XLSX_NAME}
