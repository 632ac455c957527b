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


def test_the_library_page_is_in_the_docs_site() -> None:
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("docs_site", ROOT / "scripts" / "docs_site.py")
    assert spec is not None and spec.loader is not None
    site = importlib.util.module_from_spec(spec)
    sys.modules["docs_site"] = site
    spec.loader.exec_module(site)
    assert "readme/bibliotek.md" in site.guide_pages()
    page = PAGE.read_text(encoding="utf-8")
    assert page.startswith("## Som Python-bibliotek")
    assert "from telefonspor.runs import load_run, make_run" in page
