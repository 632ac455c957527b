"""Issue 14.7: the Python API is documented with an example that runs as written."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "readme" / "bibliotek.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def test_the_library_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocks = _BLOCK.findall(PAGE.read_text(encoding="utf-8"))
    assert len(blocks) == 1, "one runnable example"
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the example's mkdtemp lands here
    for name in ("TELEFONSPOR_STORE_DB", "TELEFONSPOR_STORE_KEEP_NAMES"):
        monkeypatch.delenv(name, raising=False)
    exec(compile(blocks[0], str(PAGE), "exec"), {"__name__": "eksempel"})
    out = capsys.readouterr().out
    assert "% af rollerne har et brugbart nummer" in out
    assert "Gemt som kørsel nr. 1; filer: ['rapport.xlsx', 'rapport.html', 'resultat.json']" in out
    made = next(tmp_path.iterdir())
    assert (made / "rapport" / "rettelser" / "ad-rettelser.ps1").is_file()


def test_the_library_page_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Som Python-bibliotek" in readme
    assert "from telefonspor.runs import load_run, make_run" in readme
