"""Pause Python's cyclic garbage collector around work that builds many acyclic objects.

An audit and its reports allocate hundreds of thousands of records, values and dicts
that hold no reference cycles; every so often the collector would rescan all of them
(a full collection), which costs more than the work itself at national size. Reference
counting still frees everything; cycles made meanwhile wait until the pause ends.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def paused_gc() -> Iterator[None]:
    """The collector off inside the block (nesting-safe: only the outermost turns it on)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def without_gc(function: Callable[P, R]) -> Callable[P, R]:
    """Decorator form of :func:`paused_gc`."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with paused_gc():
            return function(*args, **kwargs)

    return wrapper
