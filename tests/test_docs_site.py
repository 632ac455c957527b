"""The documentation site builds with `mkdocs build --strict`, offline, as `make docs` runs it.

The build runs in a fresh process with the repository's mkdocs.yml (hooks in
scripts/docs_site.py) into a temporary folder; strict mode turns every broken link, missing
anchor and page left out of the navigation into a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    built = _build(ROOT / "mkdocs.yml", folder)
    assert built.returncode == 0, built.stderr
    return folder


def _page(site: Path, name: str) -> str:
    return (site / name).read_text(encoding="utf-8")


def test_site_is_danish_and_has_the_generated_reference(site: Path) -> None:
    index = _page(site, "index.html")
    assert '<html lang="da"' in index
    assert "make demo" in index
    commands = _page(site, "reference/kommandoer.html")
    assert "telefonspor task complete" in commands
    assert "audit.shared_threshold" in _page(site, "reference/indstillinger.html")
    assert "lost_local_to_fkorg" in _page(site, "reference/koder.html")
    assert "hierarchy_wait" in _page(site, "reference/forbindelser.html")
    # the user guide's README-era image links point into the site
    assert 'src="../img/web-login.png"' in _page(site, "readme/web.html")
    assert (site / "img" / "web-login.png").is_file()
    # a README section's "##" title is the page's one title, not a second heading under it
    guide = _page(site, "readme/kom-i-gang.html")
    assert guide.count("<h1") == 1
    assert re.search(r"<h1[^>]*>Kom i gang", guide)
    # "\\|" in a table's code span (as code hosts need it) is shown as "|"
    assert "--decision fix|accept" in guide


def test_performance_page_shows_the_committed_result(site: Path) -> None:
    data = json.loads((ROOT / "bench" / "result.json").read_text(encoding="utf-8"))
    page = _page(site, "readme/ydelse.html")
    assert "<!-- bench:" not in page
    sizes = [k for k in ("medium", "large", "national") if isinstance(data.get(k), dict)]
    assert sizes
    for size in sizes:
        assert re.search(rf"<th[^>]*>{size}</th>", page), size


def test_site_loads_nothing_from_the_internet(site: Path) -> None:
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        external = re.findall(r"<(?:script|link|img)\b[^>]*(?:src|href)=\"(?:https?:)?//", text)
        assert external == [], page


def test_a_broken_link_fails_the_strict_build(tmp_path: Path) -> None:
    """The same configuration over a copy of docs/ with one link to a page that does not exist."""
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    index = tmp_path / "docs" / "index.md"
    index.write_text(
        index.read_text(encoding="utf-8") + "\n[Findes ikke](readme/findes-ikke.md)\n",
        encoding="utf-8",
    )
    built = _build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert built.returncode != 0
    assert "findes-ikke.md" in built.stderr
