"""Issue 16.1: every command the product prints runs as printed, on the demo's own output.

The demo is run the way `make demo` runs it (the virtualenv's `telefonspor` program, from the
repository's folder, here a copy with `.venv` linked in), and then every command it prints,
every "Afprøv" command in its HTML report and the commands on the README's first screen are
run in a fresh process exactly as written: same program name, same arguments, same folder.
"""

from __future__ import annotations

import html
import os
import re
import shlex
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder like a fresh clone after `make demo`: .venv/bin/telefonspor and demo-output."""
    folder = tmp_path_factory.mktemp("klon")
    (folder / ".venv").symlink_to(Path(sys.executable).parents[1])
    return folder


def _env(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEFONSPOR_")}
    env["XDG_DATA_HOME"] = str(workdir / "data-home")  # the default database, kept in the test
    env["COLUMNS"] = "250"
    return env


def _run(workdir: Path, line: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    args = shlex.split(line)
    return subprocess.run(
        args,
        cwd=workdir,
        env=_env(workdir),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def demo(workdir: Path) -> str:
    made = _run(workdir, ".venv/bin/telefonspor demo --out demo-output --holders 150 --users 600")
    assert made.returncode == 0, made.stderr
    return made.stdout


def _printed_commands(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if line.startswith("  .venv/bin/")]


def test_demo_prints_runnable_commands(workdir: Path, demo: str) -> None:
    commands = _printed_commands(demo)
    kinds = [shlex.split(c)[1] for c in commands]
    assert kinds == ["history", "audit", "users", "serve"], commands
    by_kind = dict(zip(kinds, commands, strict=True))

    audited = _run(workdir, by_kind["audit"])
    assert audited.returncode == 0, audited.stderr
    assert (workdir / "rapport" / "rapport.html").is_file()

    added = _run(workdir, by_kind["users"], stdin="korrekt hest batteri\n" * 2)
    assert added.returncode == 0, added.stdout + added.stderr
    assert "oprettet som admin" in added.stdout

    _serve_and_log_in(workdir, by_kind["serve"])

    deleted = _run(workdir, by_kind["history"], stdin="ja\n")
    assert deleted.returncode == 0, deleted.stdout + deleted.stderr
    assert "Slettet:" in deleted.stdout


def _serve_and_log_in(workdir: Path, line: str) -> None:
    server = subprocess.Popen(
        shlex.split(line),
        cwd=workdir,
        env=_env(workdir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for _ in range(300):  # bounded wait for the server to listen, never a timing assert
            try:
                with urllib.request.urlopen("http://127.0.0.1:8000/login", timeout=2) as reply:
                    page = reply.read().decode("utf-8")
                break
            except OSError:
                if server.poll() is not None:
                    raise AssertionError(server.stdout.read() if server.stdout else "") from None
                time.sleep(0.1)
        else:
            raise AssertionError("serve never answered")
        assert "Log ind" in page
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stdout is not None:
            server.stdout.close()


def test_report_try_commands_run_as_printed(workdir: Path, demo: str) -> None:
    report = (workdir / "demo-output" / "rapport" / "rapport.html").read_text(encoding="utf-8")
    commands = [html.unescape(c) for c in re.findall(r"Afprøv: <code>(.*?)</code>", report)]
    assert commands, "the demo's report has no Afprøv command"
    for line in commands:
        assert line.startswith(".venv/bin/telefonspor whatif "), line
        tried = _run(workdir, line)
        assert tried.returncode == 0, f"{line}\n{tried.stderr}"
        assert "roller" in tried.stdout


def test_readme_first_screen_commands_run(workdir: Path, demo: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_screen = readme[: readme.index("### KLIK-opgavens fem trin")]
    blocks = re.findall(r"```sh\n(.*?)```", first_screen, re.S)
    commands = [
        line.split("#")[0].strip()
        for block in blocks
        for line in block.splitlines()
        if line.startswith(".venv/bin/telefonspor")
    ]
    assert len(commands) == 2, commands
    for line in commands:
        ran = _run(workdir, line)
        assert ran.returncode == 0, f"{line}\n{ran.stderr}"
