"""A one-shot run ends without freeing its inputs, but with everything an orderly exit does
that matters (edge.quick_exit): output flushed, logging shut down, atexit handlers run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from telefonspor.edge.quick_exit import _status, exit_process
from telefonspor.sample import generate_chain

_SCRIPT = """
import atexit, gc, logging, sys, tempfile
from pathlib import Path
from telefonspor.edge.quick_exit import exit_process, keep_until_exit
folder = Path(sys.argv[1])
handler = logging.FileHandler(folder / "log.txt")
handler.setLevel(logging.INFO)
logging.getLogger().addHandler(handler)
logging.getLogger().setLevel(logging.INFO)
logging.info("kørt")
atexit.register(lambda: (folder / "atexit.txt").write_text("ja"))
temporary = tempfile.TemporaryDirectory(dir=folder)
class Input:
    def __del__(self):
        (folder / "freed.txt").write_text("ja")
class Result:
    def __del__(self):
        (folder / "result_freed.txt").write_text("ja")
inputs = [[str(i)] for i in range(100_000)] + [Input()]
if sys.argv[2] == "freeze":
    gc.freeze()
def command():  # a command's result is a local: freed as the function returns, unless kept
    result = Result()
    if sys.argv[2] == "freeze":
        keep_until_exit(result)
command()
sys.stdout.write("ikke tømt endnu")  # no newline: still in the buffer
sys.stderr.write("fejltekst")
exit_process(int(sys.argv[3]))
"""


@pytest.mark.parametrize("freeze", ["freeze", "normal"])
def test_an_exit_flushes_logs_runs_atexit_and_keeps_the_status(tmp_path: Path, freeze: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(tmp_path), freeze, "3"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 3
    assert done.stdout == "ikke tømt endnu"
    assert done.stderr == "fejltekst"
    assert (tmp_path / "log.txt").read_text(encoding="utf-8") == "kørt\n"
    assert (tmp_path / "atexit.txt").read_text() == "ja"
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == [], "temporary folder removed"
    # The point: after a freeze the inputs are left to the operating system, not freed.
    assert (tmp_path / "freed.txt").exists() == (freeze == "normal")
    # And a kept result (keep_until_exit) outlives the command that made it; else it is freed.
    assert (tmp_path / "result_freed.txt").exists() == (freeze == "normal")


def test_without_a_freeze_it_is_an_ordinary_exit() -> None:
    with pytest.raises(SystemExit) as caught:
        exit_process(4)
    assert caught.value.code == 4


def test_statuses_are_those_of_sys_exit(capsys: pytest.CaptureFixture[str]) -> None:
    assert (_status(None), _status(0), _status(2), _status(256 + 3)) == (0, 0, 2, 3)
    assert _status("besked") == 1
    assert capsys.readouterr().err == "besked\n"


def test_an_audit_on_the_command_line_ends_this_way_with_its_reports_whole(
    tmp_path: Path,
) -> None:
    chain = generate_chain(tmp_path / "kaede", holders=60, users=200, seed=2)
    out = tmp_path / "rapport"
    code = "import sys; from telefonspor.cli import main; sys.argv[0] = 'telefonspor'; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, "audit", str(chain.klik), "--config", str(chain.config),
         "-o", str(out), "--fail-under", "100"],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr  # coverage under 100 %: the status survives
    assert "Rapport:" in done.stdout
    import json
    import zipfile

    assert json.loads((out / "resultat.json").read_text(encoding="utf-8"))["holders"]
    with zipfile.ZipFile(out / "rapport.xlsx") as book:
        assert book.testzip() is None
    assert (out / "rapport.html").read_text(encoding="utf-8").rstrip().endswith("</html>")


def test_the_commands_that_audit_keep_their_run_until_the_exit(tmp_path: Path) -> None:
    """audit, fix (of a KLIK export) and demo each hand their run to keep_until_exit: without
    it the run is freed as the command returns, before the quick exit could skip that."""
    from typer.testing import CliRunner

    from telefonspor.cli import app
    from telefonspor.edge import quick_exit
    from telefonspor.model import AuditResult
    from telefonspor.runs import MadeRun

    chain = generate_chain(tmp_path / "kaede", holders=30, users=100, seed=3)
    runner = CliRunner()
    config = ["--config", str(chain.config)]
    for arguments, kept_type in (
        (["audit", str(chain.klik), *config, "-o", str(tmp_path / "r")], MadeRun),
        (["fix", str(chain.klik), *config, "-o", str(tmp_path / "f")], AuditResult),
        (["demo", "--out", str(tmp_path / "d"), "--holders", "20", "--users", "60"], MadeRun),
    ):
        quick_exit.release_kept()
        done = runner.invoke(app, arguments)
        assert done.exit_code in (0, 1), done.output
        assert [type(kept) for kept in quick_exit._KEPT] == [kept_type], arguments[0]
