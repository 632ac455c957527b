"""A run killed with SIGKILL at any moment leaves no half-written report and no half run.

``telefonspor audit ... --save --db sqlite:///...`` runs in a subprocess on a generated
chain and is killed at 20 seeded random moments spread over the later 70 % of a whole
run (reading, auditing, saving, writing reports; start-up is the first part). After every kill:

* ``rapport.xlsx``, ``rapport.html`` and ``resultat.json`` are each absent or complete
  and valid (reports are written to a temporary name and renamed);
* the store opens, and every stored run has as many holders as its summary says
  (a run is saved in one transaction).

Nothing is timed: the kill moments are random, the checks are about what is on disk.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import python_calamine

from telefonspor.sample import SampleChain, generate_chain
from telefonspor.store import Store

KILLS = 20
SEED = 7
REPORTS = ("rapport.xlsx", "rapport.html", "resultat.json")


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> SampleChain:
    return generate_chain(tmp_path_factory.mktemp("kaede"), holders=1200, users=4000, seed=3)


def audit_command(chain: SampleChain, out: Path, db: str) -> list[str]:
    return [
        str(Path(sys.executable).with_name("telefonspor")),  # the installed console script
        "audit",
        str(chain.klik),
        "--config",
        str(chain.config),
        "--out",
        str(out),
        "--save",
        "--db",
        db,
        "--quiet",
    ]


def check_reports(out: Path, holders: int) -> list[str]:
    """Each report under its final name is complete; returns the names present."""
    present = [name for name in REPORTS if (out / name).exists()]
    if "resultat.json" in present:
        data = json.loads((out / "resultat.json").read_text(encoding="utf-8"))
        assert data["summary"]["role_holders"] == holders
        assert len(data["holders"]) >= holders
    if "rapport.html" in present:
        html = (out / "rapport.html").read_text(encoding="utf-8")
        assert html.rstrip().endswith("</html>")
    if "rapport.xlsx" in present:
        with zipfile.ZipFile(out / "rapport.xlsx") as archive:
            assert archive.testzip() is None
        book = python_calamine.CalamineWorkbook.from_path(str(out / "rapport.xlsx"))
        assert book.sheet_names
        rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()
        assert rows
    return present


def check_store(db: str) -> int:
    """Every stored run is whole; returns how many runs there are."""
    with Store.open(db) as store:
        runs = store.runs()
        for run in runs:
            assert len(store.holders(run.id)) == run.role_holders, run.id
    return len(runs)


@pytest.mark.slow
def test_sigkill_never_leaves_half_written_reports_or_runs(
    chain: SampleChain, tmp_path: Path
) -> None:
    out = tmp_path / "rapport"
    db = f"sqlite:///{tmp_path / 'historik.db'}"
    command = audit_command(chain, out, db)
    # One whole run first: it proves the command works and sets how long a run lasts.
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    duration = time.monotonic() - started
    holders = len(chain.truth)
    assert check_reports(out, holders) == list(REPORTS)
    assert check_store(db) == 1
    rng = random.Random(SEED)
    for _ in range(KILLS):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            # Start-up (imports) takes the first part of a run; aim mostly at the work after it.
            time.sleep(rng.uniform(duration * 0.3, duration * 1.05))
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=60)
        check_reports(out, holders)
        check_store(db)
    # The history still works after all that: one more run is saved whole.
    before = check_store(db)
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    assert check_store(db) == before + 1
    assert check_reports(out, holders) == list(REPORTS)
