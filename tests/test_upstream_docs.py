"""docs/upstream.md keeps the record of what each replay is modelled on: every system page is
linked from the index, every page names at least one full commit, and the commits in the index
are the ones the pages name."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"
COMMIT = re.compile(r"\b[0-9a-f]{40}\b")


def test_every_system_page_is_indexed_with_its_commit() -> None:
    index = (DOCS / "upstream.md").read_text(encoding="utf-8")
    pages = sorted((DOCS / "upstream").glob("*.md"))
    assert {p.stem for p in pages} >= {"fkorg", "os2mo", "os2sofd", "os2sync", "os2sync-ad", "opus"}
    for page in pages:
        assert f"(upstream/{page.name})" in index, page.name
        commits = set(COMMIT.findall(page.read_text(encoding="utf-8")))
        assert commits, f"{page.name} names no commit"
    for commit in COMMIT.findall(index):
        assert any(commit in p.read_text(encoding="utf-8") for p in pages), commit
