"""resultat.json written by a forked child beside the other reports (reports.write_reports).

The same three files byte for byte; an error in the child is raised by the parent
with its own message; an error in the parent stops the child. Never on a platform or
in a run that cannot fork.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

import telefonspor.reports as reports
from telefonspor.errors import InputError
from telefonspor.forking import can_fork
from telefonspor.model import AuditResult, ReportContext
from telefonspor.reports import write_reports

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs fork and two CPUs")


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Any result is big enough; the pids forked are collected."""
    monkeypatch.setattr(reports, "PARALLEL_FROM_HOLDERS", 0)
    forked: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return forked


def _files(folder: Path) -> dict[str, bytes]:
    """Each file's bytes; rapport.xlsx's members but the one that holds the time of writing."""
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
    with zipfile.ZipFile(folder / "rapport.xlsx") as book:
        members = {
            info.filename: book.read(info)
            for info in book.infolist()
            if info.filename != "docProps/core.xml"  # dcterms:created
        }
    files["rapport.xlsx"] = repr(sorted(members.items())).encode()
    return files


def test_the_three_reports_are_the_same_bytes(
    big_result: AuditResult, tmp_path: Path, forks: list[int]
) -> None:
    one = write_reports(big_result, tmp_path / "en", processes=1)
    assert not forks
    timings: dict[str, float] = {}
    two = write_reports(big_result, tmp_path / "to", processes=2, timings=timings)
    assert len(forks) == 1, "resultat.json was written by a child"
    assert [p.name for p in two] == [p.name for p in one]
    assert _files(tmp_path / "to") == _files(tmp_path / "en")
    assert set(timings) == {"report_xlsx", "report_html", "report_json"}


def test_small_results_and_one_format_stay_in_one_process(
    result: AuditResult, tmp_path: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_reports(result, tmp_path / "a", processes=2, formats=("json",))
    assert not forks, "nothing to write beside it"
    monkeypatch.setattr(reports, "PARALLEL_FROM_HOLDERS", len(result.holders) + 1)
    write_reports(result, tmp_path / "b", processes=2)
    assert not forks, "a small result is written in one process"


def test_a_child_that_fails_leaves_the_json_to_the_parent(
    result: AuditResult,
    context: ReportContext,
    tmp_path: Path,
    forks: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parent = os.getpid()
    real = reports._WRITERS["json"]

    def json_fails_in_the_child(r: AuditResult, path: Path, c: ReportContext | None) -> object:
        if os.getpid() != parent:
            raise OSError("disk full in the child")
        return real(r, path, c)

    monkeypatch.setitem(reports._WRITERS, "json", json_fails_in_the_child)
    write_reports(result, tmp_path / "r", context=context, processes=2)
    assert forks
    assert (tmp_path / "r" / "resultat.json").read_bytes() == reports.jsonout.dumps_bytes(
        reports.to_json(result, context)
    )


def test_an_error_in_the_json_is_raised_by_the_parent(
    result: AuditResult, tmp_path: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(r: AuditResult, path: Path, c: ReportContext | None) -> object:
        raise InputError("kan ikke skrive", path=str(path))

    monkeypatch.setitem(reports._WRITERS, "json", broken)
    with pytest.raises(InputError, match="kan ikke skrive"):
        write_reports(result, tmp_path / "r", processes=2)
    assert forks


def test_an_error_in_the_parent_stops_the_child(
    result: AuditResult, tmp_path: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def xlsx_fails(r: AuditResult, path: Path, c: ReportContext | None) -> object:
        raise InputError("rapport.xlsx kan ikke skrives", path=str(path))

    def json_hangs(r: AuditResult, path: Path, c: ReportContext | None) -> object:
        import time

        time.sleep(60)
        return None

    monkeypatch.setitem(reports._WRITERS, "xlsx", xlsx_fails)
    monkeypatch.setitem(reports._WRITERS, "json", json_hangs)
    with pytest.raises(InputError, match="xlsx"):
        write_reports(result, tmp_path / "r", processes=2)
    [child] = forks
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)  # killed and reaped
    assert not (tmp_path / "r" / "resultat.json").exists()
