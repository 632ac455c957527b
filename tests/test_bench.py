"""`make bench`'s yardsticks (issue 15): what they compute, never how long anything takes."""

from __future__ import annotations

import importlib.util
import json
import runpy
import sys
import time
from pathlib import Path
from types import ModuleType

import openpyxl
import pytest
import xlsxwriter

from telefonspor.edge import bench
from telefonspor.edge.run import audit_files
from telefonspor.sample import generate_chain
from telefonspor.settings import defaults

ROOT = Path(__file__).resolve().parent.parent


def _build_readme() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_site", ROOT / "scripts" / "docs_site.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["docs_site"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def _results() -> dict[str, object]:
    def size(total: float, mb: float, cpu: float) -> dict[str, float]:
        return {
            "total": total,
            "cpu": total,
            "peak_rss_mb": mb,
            "process_cpu": cpu,
            "process_wall": total,
            "runs": 1,
        }

    return {
        "measured": {"date": "2026-11-30", "cpus": 2, "load": 7.5},
        "medium": size(2.0, 100.0, 2.5),
        "large": size(13.0, 600.0, 12.0),
        "national": size(150.0, 3900.0, 140.0),
        "floor": size(4.0, 500.0, 3.0),
        "baseline": {
            "holders": 40_000,
            "telefonspor": size(5.0, 270.0, 4.0),
            "script": size(22.0, 140.0, 10.0),
        },
        "phone_engine": {"values_per_second": 450_000},
    }


def test_verdicts_are_ratios_of_the_same_run() -> None:
    results = _results()
    got = {v["target"]: v for v in bench.verdicts(results)}
    assert got["baseline"]["value"] == 2.5  # 10 s CPU for the script / 4 s for telefonspor
    assert got["baseline"]["wall"] == 4.4
    assert not got["baseline"]["met"]
    assert got["floor"]["value"] == 4.0 and not got["floor"]["met"]
    assert got["national"]["met"] is False  # 150 s > 40 s, though 3,900 MB <= 4,096 MB
    assert got["phone_engine"]["met"] is False
    # medium -> large: data grows 66,000 / 9,500 = 6.95x, time 6.5x: within 1.2x of linear.
    linear = got["linear medium->large"]
    assert linear["value"] == round(13.0 / 2.0 / (66_000 / 9_500), 2)
    assert linear["met"]
    national = got["linear large->national"]  # 11.4x data, 11.5x time, 6.5x memory
    assert national["value"] == round(150.0 / 13.0 / (750_000 / 66_000), 2)
    assert national["met"]


def test_readme_section_is_filled_from_the_result() -> None:
    module = _build_readme()
    results = _results()
    results["targets"] = bench.verdicts(results)
    text = module.fill_bench(
        "<!-- bench:when -->\n\n<!-- bench:stages -->\n\n<!-- bench:targets -->\n", results
    )
    assert "<!-- bench:" not in text
    assert "Målt 2026-11-30 på en maskine med 2 kerner (belastning før kørslen: 7,5)" in text
    assert "| **i alt** | **2,00** | **13,00** | **150,00** |" in text
    assert "2,50× (CPU: telefonspor 4,00 s, scriptet 10,00 s; væg-ur 4,40×)" in text
    assert "4,00× (CPU: analysen 12,00 s, gulvet 3,00 s" in text
    assert text.count("**nej**") == 4


def test_performance_page_uses_the_committed_result() -> None:
    """The docs site's performance page is the committed bench/result.json, rendered."""
    module = _build_readme()
    result = json.loads((ROOT / "bench" / "result.json").read_text(encoding="utf-8"))
    page = (ROOT / "docs" / "readme" / "ydelse.md").read_text(encoding="utf-8")
    shown = module.performance_page(page)
    assert module._stage_table(result) in shown
    assert "<!-- bench:" not in shown


def _klik(path: Path, rows: list[list[object]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Brugere")
    sheet.write_string(0, 0, "Brugere i KLIK – eksporteret 2026-11-28")
    header = ["Navn", "Brugernavn", "E-mail", "Direkte nummer", "Mobil nummer", "Roller", "Enhed"]
    sheet.write_row(3, 0, header)
    for number, row in enumerate(rows, start=4):
        for col, value in enumerate(row):
            if isinstance(value, int):
                sheet.write_number(number, col, value)
            elif value:
                sheet.write_string(number, col, str(value))
    book.close()
    return path


def test_baseline_script_finds_the_same_holders_as_telefonspor(tmp_path: Path) -> None:
    """The yardstick does the same job: on plain numbers both find the same uncovered holders."""
    pytest.importorskip("pandas")
    rows: list[list[object]] = [
        ["Anne", "anne", "anne@k.dk", "33 66 33 66", "", "Leder", "Jura"],
        ["Bo", "bo", "bo@k.dk", "", "", "Leder", "Jura"],
        ["Carl", "carl", "carl@k.dk", "", 21212121, "Leder; Admin", "Løn"],
        ["Dorte", "dorte", "dorte@k.dk", "12", "", "Admin", "Løn"],
        ["Erik", "erik", "erik@k.dk", "", "", "", "Løn"],  # no roles: no holder
        ["Fie", "fie", "fie@k.dk", "+45 98 12 34 56", "", "Admin", "IT"],
    ]
    klik = _klik(tmp_path / "klik.xlsx", rows)
    out = tmp_path / "uden.xlsx"
    script = runpy.run_path(str(bench._baseline_script()))
    assert script["main"](str(klik), str(out)) == 0
    book = openpyxl.load_workbook(out, read_only=True)
    theirs = sorted(str(r[1]) for r in list(book.active.iter_rows(values_only=True))[1:])
    book.close()
    result = audit_files(klik, defaults(), sources=())
    ours = sorted(h.user_id for h in result.holders if not h.covered)
    assert theirs == ours == ["bo", "dorte"]


def test_floor_reads_every_file_of_the_chain(tmp_path: Path) -> None:
    generate_chain(tmp_path, holders=30, users=80, seed=3)
    files = bench._chain_files(tmp_path)
    kinds = {p.suffix for p in files}
    assert {".xlsx", ".csv", ".json", ".xml"} <= kinds
    floor = bench._floor_run(tmp_path)
    assert floor["files"] == len(files)


def test_national_is_the_wall_time_a_user_waits_and_both_processes_memory() -> None:
    """With a forked reader, CPU seconds add up over two processes: the target is the wait."""
    results = _results()
    results["national"] = {
        **results["national"],  # type: ignore[dict-item]
        "process_wall": 38.0,
        "process_cpu": 55.0,
        "peak_rss_mb": 3000.0,
        "peak_tree_mb": 4200.0,
    }
    national = next(v for v in bench.verdicts(results) if v["target"] == "national")
    assert (national["value"], national["cpu"], national["memory"]) == (38.0, 55.0, 4200.0)
    assert national["met"] is False, "4,200 MB for both processes is over 4,096 MB"
    results["national"]["peak_tree_mb"] = 3500.0  # type: ignore[index]
    national = next(v for v in bench.verdicts(results) if v["target"] == "national")
    assert national["met"] is True
    results["targets"] = bench.verdicts(results)
    text = _build_readme().fill_bench("<!-- bench:targets -->\n", results)
    assert "38,0 s væg-ur (55,0 CPU-sekunder i alt på to processer)" in text


def test_a_timed_run_counts_its_forked_childs_memory() -> None:
    """_tree_memory_kb adds a child's resident memory to its parent's."""
    import os
    import signal
    import subprocess

    child = "import time; x = bytearray(200 * 1024 * 1024); time.sleep(30)"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])"
    with subprocess.Popen([sys.executable, "-c", parent], start_new_session=True) as process:
        try:
            for _ in range(200):
                if bench._tree_memory_kb(process.pid) > 200 * 1024:
                    break
                time.sleep(0.05)
            own = int(
                next(
                    line.split()[1]
                    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines()
                    if line.startswith("VmRSS:")
                )
            )
            assert own < 100 * 1024, "the parent alone holds little"
            assert bench._tree_memory_kb(process.pid) > 200 * 1024, "the child's 200 MB counted"
        finally:
            os.killpg(process.pid, signal.SIGKILL)  # the child too


def test_national_names_its_floor_when_measured() -> None:
    """The national floor is no target: the verdict and the page only say how much is reading."""
    module = _build_readme()
    results = _results()
    assert "floor" not in next(v for v in bench.verdicts(results) if v["target"] == "national")
    results["national_floor"] = {"files": 7, "process_cpu": 31.4, "runs": 1}
    results["targets"] = bench.verdicts(results)
    national = next(v for v in results["targets"] if v["target"] == "national")
    assert national["floor"] == 31.4 and national["met"] is False
    text = module.fill_bench("<!-- bench:targets -->\n", results)
    assert "blot at læse filerne (gulvet): 31,4 CPU-sekunder" in text


def test_growth_is_measured_in_one_process() -> None:
    """From 32 MB the chain is read in two processes (more CPU, less wall): growth between a
    size read in one and a size read in two would measure the mode, not the work."""
    results = _results()
    results["medium"]["cpu_one_process"] = 2.0  # type: ignore[index]
    results["large"]["cpu"] = 20.0  # type: ignore[index]  # two processes: more CPU
    results["large"]["cpu_one_process"] = 13.0  # type: ignore[index]
    linear = next(v for v in bench.verdicts(results) if v["target"] == "linear medium->large")
    assert linear["value"] == round(13.0 / 2.0 / (66_000 / 9_500), 2)


def test_one_run_can_be_held_to_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from telefonspor.edge import parallel_read
    from telefonspor.edge.parallel_read import can_fork

    if not can_fork():
        pytest.skip("needs fork and two CPUs")
    generate_chain(tmp_path, holders=30, users=80, seed=3)
    monkeypatch.setattr(parallel_read, "PARALLEL_FROM_BYTES", 0)  # any chain is big enough
    forks: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", fork)
    bench._one_run(tmp_path, processes=1)
    assert not forks
    figures = bench._one_run(tmp_path)  # as the command line: audit.processes = 2
    assert len(forks) == 1 and figures["cpu"] > 0
