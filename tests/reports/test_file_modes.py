"""Every file the CLI writes with names and numbers is 0600 in folders 0700, whatever the umask.

Issue 12, point 8: reports were 0644 in 0755 folders under the usual umask 022,
so any local user could read who lacks a phone number and the numbers themselves.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.test_audit_cmd import ROWS, write_klik
from fixfiles.conftest import make_result
from telefonspor.cli import app
from telefonspor.reports.atomic import write_text_atomic
from telefonspor.reports.jsonout import write_json

runner = CliRunner()


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, under which a plain open() makes 0644 files and mkdir 0755 folders."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def modes(root: Path) -> dict[str, str]:
    """Path (relative to ``root``) -> octal mode of ``root`` and everything below it."""
    found = {".": f"{stat.S_IMODE(root.stat().st_mode):04o}"}
    for path in sorted(root.rglob("*")):
        found[str(path.relative_to(root))] = f"{stat.S_IMODE(path.lstat().st_mode):04o}"
    return found


def assert_private(root: Path) -> None:
    found = modes(root)
    wrong = {
        name: mode
        for name, mode in found.items()
        if mode != ("0700" if (root / name).is_dir() else "0600")
    }
    assert not wrong, f"not private: {wrong}"
    assert len(found) > 1


def _ok(args: list[str]) -> str:
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    return done.output


def test_cli_outputs_are_private_under_umask_022(tmp_path: Path, umask_022: None) -> None:
    klik = write_klik(tmp_path / "klik.xlsx", ROWS)
    db = f"sqlite:///{tmp_path / 'historik' / 'telefonspor.db'}"
    out = tmp_path / "ud"  # every folder below is created by the commands
    _ok(
        [
            "audit",
            str(klik),
            "--out",
            str(out / "rapport"),
            "--json",
            str(out / "json" / "kopi.json"),
            "--save",
            "--db",
            db,
        ]
    )
    _ok(["fix", str(out / "rapport" / "resultat.json"), "--out", str(out / "rettelser")])
    _ok(["statement", "seneste", "-m", "630", "--db", db, "--out", str(out / "erk" / "e.json")])
    _ok(
        [
            "whatif",
            str(klik),
            "--set",
            "os2sofd.send_hidden_phone_numbers=true",
            "--json",
            str(out / "whatif.json"),
        ]
    )

    config = tmp_path / "kaede.toml"
    config.write_text('[notify]\nparties = { hr = "hr@kommune.dk" }\n', encoding="utf-8")
    parties = tmp_path / "parter.json"
    write_json(make_result(), parties)
    written = _ok(
        ["notify", str(parties), "--config", str(config), "--db", db, "--outbox", str(out / "ud")]
    )
    assert "Skrevet (prøvekørsel): hr@kommune.dk" in written

    assert {p.name for p in out.iterdir()} == {
        "rapport",
        "json",
        "rettelser",
        "erk",
        "ud",
        "whatif.json",
    }
    assert {p.name for p in (out / "rettelser").iterdir()} >= {"ad-rettelser.ps1"}
    assert any((out / "ud").iterdir())
    assert_private(out)
    assert_private(tmp_path / "historik")  # the database, its key file and its folder


def test_existing_output_folder_keeps_its_mode_but_files_are_private(
    tmp_path: Path, umask_022: None
) -> None:
    """A folder the user already has (e.g. the working folder) is theirs; the file is 0600."""
    folder = tmp_path / "arbejde"
    folder.mkdir(mode=0o755)
    old = folder / "resultat.json"
    old.write_text("gammel", encoding="utf-8")
    old.chmod(0o644)
    write_text_atomic(old, "{}")
    assert modes(folder) == {".": "0755", "resultat.json": "0600"}
