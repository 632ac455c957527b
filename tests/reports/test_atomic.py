from __future__ import annotations

import os
from pathlib import Path

import pytest

from telefonspor.errors import InputError
from telefonspor.model import AuditResult
from telefonspor.reports import excel, write_reports
from telefonspor.reports.atomic import atomic_path, write_text_atomic
from telefonspor.reports.safe import csv_safe, is_formula_like


class Boom(Exception):
    pass


def _write_half_then_fail(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text)
        if tmp.parent != target.parent or not tmp.exists():
            pytest.fail("the temporary file must live next to the target")
        raise Boom


def test_exception_mid_write_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(Boom):
        _write_half_then_fail(tmp_path / "rapport.html", "halv rapport")
    assert list(tmp_path.iterdir()) == []


def test_exception_keeps_the_previous_report(tmp_path: Path) -> None:
    target = tmp_path / "resultat.json"
    target.write_text("gammel")
    with pytest.raises(Boom):
        _write_half_then_fail(target, "ny, men halv")
    assert target.read_text() == "gammel"
    assert list(tmp_path.iterdir()) == [target]


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o000])
def test_success_replaces_with_private_permissions(tmp_path: Path, umask: int) -> None:
    """Reports name people and numbers: 0600 in new folders 0700, whatever the umask."""
    target = tmp_path / "sub" / "dir" / "r.txt"
    old = os.umask(umask)
    try:
        write_text_atomic(target, "æøå\n")
    finally:
        os.umask(old)
    assert target.read_text("utf-8") == "æøå\n"
    assert list(target.parent.iterdir()) == [target]
    assert target.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "sub").stat().st_mode & 0o777 == 0o700
    assert target.parent.stat().st_mode & 0o777 == 0o700


def test_excel_writer_failing_midway_leaves_no_file(
    tmp_path: Path, result: AuditResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(self: object) -> None:
        raise Boom

    monkeypatch.setattr(excel._Book, "quality", explode)
    with pytest.raises(Boom):
        write_reports(result, tmp_path, formats=("xlsx",))
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder_is_a_danish_input_error(tmp_path: Path, result: AuditResult) -> None:
    blocker = tmp_path / "fil"
    blocker.write_text("x")
    with pytest.raises(InputError, match="ikke en mappe"):
        write_reports(result, blocker)
    with pytest.raises(InputError, match="Kan ikke skrive rapporten"):
        write_text_atomic(blocker / "under" / "r.json", "{}")


def test_unknown_format_is_refused(tmp_path: Path, result: AuditResult) -> None:
    with pytest.raises(InputError, match="Ukendt rapportformat: pdf"):
        write_reports(result, tmp_path, formats=("pdf",))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+45 33 66 33 66", "'+45 33 66 33 66"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Anne Ærø", "Anne Ærø"),
        ("", ""),
    ],
)
def test_csv_safe(value: str, expected: str) -> None:
    assert csv_safe(value) == expected
    assert is_formula_like(value) == (value != expected)
