"""A terminal progress bar that only appears when work takes more than a second."""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

_DELAY_S = 1.0


class DelayedProgress:
    """``progress(stage, done, total)`` callback; silent for quick runs and non-terminals."""

    def __init__(self, console: Console, *, enabled: bool = True) -> None:
        self._console = console
        self._enabled = enabled and console.is_terminal
        self._started = time.monotonic()
        self._bar: Progress | None = None
        self._task: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if not self._enabled:
            return
        if self._bar is None:
            if time.monotonic() - self._started < _DELAY_S:
                return
            self._bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self._console,
                transient=True,
            )
            self._bar.start()
        if stage not in self._task:
            self._task[stage] = self._bar.add_task(stage, total=total)
        self._bar.update(self._task[stage], completed=done, total=total)

    def __enter__(self) -> DelayedProgress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
