"""Commands the product prints for the user to run next, written so they run as printed.

After `make demo` the program is `.venv/bin/telefonspor`, not on PATH: a hint that says plain
`telefonspor` would fail. So the hint names the program the way the user just called it, and
carries the options (`--db`, `--config`) that decide which database the next command reaches.
"""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path


def program(argv0: str | None = None) -> str:
    """How to call telefonspor again, as the user did this time."""
    called = argv0 if argv0 is not None else sys.argv[0]
    path = Path(called)
    if path.name == "__main__.py" and path.parent.name == "telefonspor":
        return "python -m telefonspor"
    if path.name != "telefonspor":
        return "telefonspor"
    found = shutil.which("telefonspor")
    if found and Path(found).resolve() == path.resolve():
        return "telefonspor"
    return shlex.quote(called)


def whatif_command(rerun: tuple[str, ...], setting: str) -> str:
    """The `whatif` line that replays ``setting`` on the same inputs; '' without inputs."""
    if not rerun:
        return ""
    return " ".join(
        [program(), "whatif", *(shlex.quote(a) for a in rerun), "--set", shlex.quote(setting)]
    )


def command(*args: str, db: str | None = None, config: Path | None = None) -> str:
    """A runnable command line: the program, the arguments, and the same store/config options."""
    parts = list(args)
    if config is not None:
        parts += ["--config", str(config)]
    if db is not None:
        parts += ["--db", db]
    return " ".join([program(), *(a if a == "NAVN" else shlex.quote(a) for a in parts)])
