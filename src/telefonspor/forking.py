"""One task in a forked child while the parent does something else (command line only).

A national run spends seconds on work that needs nothing from the rest: reading one
more file, writing one more report. A forked child inherits everything it needs
without copying it (pages are shared until written), so it costs no pickling.
Never in a process that runs threads (the web app): a fork copies only the calling
thread, and a lock another thread held stays locked in the child.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections.abc import Callable


def can_fork() -> bool:
    """Whether this platform forks (not Windows) and there is more than one CPU to use."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - platforms without affinity (macOS)
        cpus = os.cpu_count() or 1
    return cpus > 1


class Beside:
    """``task()`` run in a forked child from the moment this is made.

    :meth:`succeeded` waits for it and says whether it finished without an exception
    (the child never reports why: the caller runs the task again itself when it matters,
    so the error is raised where it can be shown). :meth:`stop` kills it.
    """

    def __init__(self, task: Callable[[], object]) -> None:
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the child's coverage is not collected
            status = 1
            try:
                task()
                status = 0
            except BaseException:  # never let the child run on into the parent's code  # noqa: S110
                pass
            finally:
                os._exit(status)  # no atexit handlers, no flushing of the parent's buffers
        self._status: int | None = None

    def succeeded(self) -> bool:
        if self._status is None:
            _, status = os.waitpid(self.pid, 0)
            self._status = status
        return os.waitstatus_to_exitcode(self._status) == 0

    def stop(self) -> None:
        if self._status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                _, self._status = os.waitpid(self.pid, 0)
