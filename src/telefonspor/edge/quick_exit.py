"""End a one-shot run without freeing what it read, one object at a time.

A national audit holds ~3 GB of small objects when its reports are written; an
interpreter that exits normally deallocates them one by one (~1.3 s of the user's wait,
for memory the operating system takes back at once). A command that called
``gc.freeze()`` after reading (``cli.app.freeze_inputs``; never the web server) has
said its inputs live until the end: it ends here with ``os._exit`` after doing what
an orderly exit does that matters - flushing stdout and stderr, shutting logging
down and running the ``atexit`` handlers (temporary folders, for one). Nothing is
left unwritten: every file telefonspor writes is closed (and renamed) when its writer
returns. The command keeps its run alive until then (:func:`keep_until_exit`): else the
run is freed as the command's function returns, before any exit path is reached.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import logging
import os
import sys
from typing import NoReturn

#: What :func:`keep_until_exit` was given: referenced here, it is never freed before the end.
_KEPT: list[object] = []


def keep_until_exit(run: object) -> None:
    """Keep a one-shot command's ``run`` (its result, which holds its inputs) until the process ends.

    Without this the run is freed when the command's function returns, one object at a
    time, before any exit path (a national run: ~1.2 s for 3 GB the operating system takes
    back at once). Only for a command that ends through :func:`exit_process` after a
    freeze; a long-running process (the web server) must never call it.
    """
    _KEPT.append(run)


def release_kept() -> None:
    """Forget what :func:`keep_until_exit` kept (tests run many commands in one process)."""
    _KEPT.clear()


def exit_process(code: str | int | None = 0) -> NoReturn:
    """``sys.exit(code)``; after ``gc.freeze()``, the same without the teardown."""
    status = _status(code)
    if gc.get_freeze_count() == 0:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # closed, or its reader went away
            stream.flush()
    logging.shutdown()
    atexit._run_exitfuncs()
    os._exit(status)


def _status(code: str | int | None) -> int:
    """The exit status ``sys.exit(code)`` gives (a message is printed to stderr, status 1)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    with contextlib.suppress(OSError, ValueError):
        print(code, file=sys.stderr)
    return 1
