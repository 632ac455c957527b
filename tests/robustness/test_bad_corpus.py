"""Every broken input in ``tests/data/bad/`` gives records or one clean Danish error.

The manifest (written by ``make_corpus.py``) names each file, the reader kind that reads
it and what must happen. The readers are called directly, and the CLI is run on every
error case: exit 2, one line starting "Fejl:", the file named, no traceback.
"""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from telefonspor.cli import app
from telefonspor.cli.app import err_console
from telefonspor.errors import ConfigError, InputError, TelefonsporError
from telefonspor.model import KlikExport, SourceData
from telefonspor.settings import defaults, load
from telefonspor.sources import READERS
from telefonspor.sources.klik import read_klik

from .make_corpus import (
    KLIK_HEADER,
    KLIK_ROWS,
    KLIK_XLSX,
    csv_text,
    write_huge_cell_csv,
    write_huge_cell_xlsx,
    write_many_cells_csv,
    write_wide_csv,
    write_wide_xlsx,
    write_zip_bomb,
)

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
MANIFEST: list[dict[str, str]] = tomllib.loads((BAD / "manifest.toml").read_text("utf-8"))["case"]
ERRORS = [c for c in MANIFEST if c["outcome"] == "error"]
runner = CliRunner()


def read(kind: str, path: Path) -> KlikExport | SourceData | object:
    """Read ``path`` the way a run reads a file of ``kind``."""
    if kind == "klik":
        return read_klik(path)
    if kind == "config":
        return load(path)
    return READERS[kind](path, options={}, settings=defaults())


def count(result: object) -> int:
    if isinstance(result, KlikExport):
        return len(result.users)
    if isinstance(result, SourceData):
        return len(result.records)
    return -1


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy: the CLI must not be able to touch the committed files."""
    copy = tmp_path / "bad"
    shutil.copytree(BAD, copy)
    return copy


@pytest.fixture
def wide_console() -> Iterator[None]:
    """Rich wraps at 80 columns off a terminal; a wide console shows the one line as one."""
    old = err_console._width
    err_console._width = 100_000
    try:
        yield
    finally:
        err_console._width = old


def test_manifest_covers_every_reader_and_file() -> None:
    kinds = {c["kind"] for c in MANIFEST}
    assert kinds == {*READERS, "klik", "config"}
    assert len(MANIFEST) >= 40
    listed = {c["file"] for c in MANIFEST}
    on_disk = {p.name for p in BAD.iterdir()} - {"manifest.toml"}
    assert listed == on_disk
    assert all(c["message"] for c in ERRORS)


@pytest.mark.parametrize("case", MANIFEST, ids=[c["file"] for c in MANIFEST])
def test_reader_gives_records_or_a_clean_error(case: dict[str, str], corpus: Path) -> None:
    path = corpus / case["file"]
    expected = ConfigError if case["kind"] == "config" else InputError
    if case["outcome"] == "records":
        result = read(case["kind"], path)
        assert count(result) >= 0
        return
    with pytest.raises(TelefonsporError) as caught:
        read(case["kind"], path)
    assert type(caught.value) is expected
    message = str(caught.value)
    assert case["message"] in message
    assert case["file"] in message  # the user is told which file
    assert case.get("where", "") in message
    assert "Traceback" not in message and "\n" not in message


def _cli_args(case: dict[str, str], corpus: Path, tmp_path: Path) -> list[str]:
    out = ["--out", str(tmp_path / "rapport")]
    path = str(corpus / case["file"])
    if case["kind"] == "klik":
        return ["audit", path, *out]
    klik = tmp_path / "klik.xlsx"
    klik.write_bytes(KLIK_XLSX)
    if case["kind"] == "config":
        return ["audit", str(klik), "--config", path, *out]
    return ["audit", str(klik), "--source", f"{case['kind']}={path}", *out]


@pytest.mark.usefixtures("wide_console")
@pytest.mark.parametrize("case", ERRORS, ids=[c["file"] for c in ERRORS])
def test_cli_exits_2_with_one_danish_line(
    case: dict[str, str], corpus: Path, tmp_path: Path
) -> None:
    result = runner.invoke(app, _cli_args(case, corpus, tmp_path))
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Fejl: ")
    assert case["message"] in lines[0] and case["file"] in lines[0]
    assert "Traceback" not in result.output
    assert not (tmp_path / "rapport").exists()


def test_duplicate_users_with_conflicting_numbers_are_a_finding(corpus: Path) -> None:
    export = read_klik(corpus / "klik_duplicate_users.csv")
    assert [u.user_id for u in export.users] == ["anha"]
    assert export.users[0].direct_raw == "33663366"  # the first row wins
    (finding,) = export.findings
    assert finding.code == "conflicting_rows" and finding.row == 3
    assert "række 2 og række 3" in finding.message


def test_xlsx_that_is_csv_and_csv_that_is_xlsx_read_like_their_content(corpus: Path) -> None:
    names = [u.name for u in read_klik(corpus / "klik_really_csv.xlsx").users]
    assert names == ["Anna Hansen", "Bo Ørsted", "Carl Ærø"]
    assert [u.name for u in read_klik(corpus / "klik_really_xlsx.csv").users] == names
    assert [u.name for u in read_klik(corpus / "klik_utf16.txt").users] == names


def test_wrong_encodings_keep_danish_letters(corpus: Path) -> None:
    users = read_klik(corpus / "klik_mixed_encoding.csv").users
    assert users[-1].name == "Dorthe Ø"
    sofd = READERS["os2sofd"](corpus / "SOFD_20240101.csv", options={}, settings=defaults())
    assert any(r.user_id == "sørø" for r in sofd.records)


def test_xinclude_is_not_followed(corpus: Path) -> None:
    data = READERS["opus"](corpus / "opus_xinclude.xml", options={}, settings=defaults())
    flat = repr(data.records)
    assert "root:" not in flat and "/bin/" not in flat


# --- the big cases, made at test time ---------------------------------------------------------


def test_zip_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    bomb = write_zip_bomb(tmp_path / "klik_bombe.xlsx")
    assert bomb.stat().st_size < 2 << 20  # ~300 MB inside
    with pytest.raises(InputError, match="over grænsen for sikker indlæsning") as caught:
        read_klik(bomb)
    assert "klik_bombe.xlsx" in str(caught.value)


def test_100000_columns_csv_is_a_clean_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_klik(write_wide_csv(tmp_path / "bred.csv"))
    message = str(caught.value)
    assert "bred.csv, række 1" in message and "MB" in message  # a 1.1 MB header line


def test_2000_columns_csv_is_a_clean_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_klik(write_wide_csv(tmp_path / "bred.csv", columns=2_000))
    assert "bred.csv, række 1: rækken har 2.006 felter; højst 1.024" in str(caught.value)


def test_16000_columns_xlsx_is_a_clean_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_klik(write_wide_xlsx(tmp_path / "bred.xlsx"))
    assert 'bred.xlsx, ark "Brugere": arkets data spænder over området A1:WQP2' in str(caught.value)


def test_a_million_cells_in_one_csv_line_is_a_clean_error(tmp_path: Path) -> None:
    """50 MB of ``;x`` once took 3.5 GB; the line is now refused after its first megabyte."""
    path = write_many_cells_csv(tmp_path / "celler.csv")
    assert path.stat().st_size > 2_000_000
    with pytest.raises(InputError) as caught:
        read_klik(path)
    assert "celler.csv, række 2: rækken fylder over 1 MB tekst" in str(caught.value)


def test_one_record_over_many_lines_is_capped_too(tmp_path: Path) -> None:
    """Quoted cells may hold line breaks: the cap counts the whole record, not one line."""
    cell = '"' + "Rolle\n" * 16_000 + '"'  # ~100 KB, under the 128 KB cell limit
    path = tmp_path / "roller.csv"
    path.write_text(
        csv_text([KLIK_HEADER]) + ";".join(KLIK_ROWS[0][:5]) + (";" + cell) * 12 + "\r\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        read_klik(path)
    assert "roller.csv, række 2: rækken fylder over 1 MB tekst" in str(caught.value)


def test_10_mb_cell_in_csv_is_a_clean_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_klik(write_huge_cell_csv(tmp_path / "stor_celle.csv"))
    message = str(caught.value)
    assert "stor_celle.csv" in message and "række 2" in message
    assert "celle" in message


def test_10_mb_cell_in_xlsx_reads(tmp_path: Path) -> None:
    export = read_klik(write_huge_cell_xlsx(tmp_path / "stor_celle.xlsx"))
    (user,) = export.users
    assert len(user.roles) == 1 and len(user.roles[0]) > 10_000_000
