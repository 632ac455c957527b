"""Write a report so that the final name only ever holds a complete file.

The writer gets a temporary name in the same folder (so ``os.replace`` is an
atomic rename on the same file system); the file is fsynced and then moved
into place. On any exception the temporary file is removed and the final
name is left untouched (an older complete report stays as it was).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from telefonspor.errors import InputError


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it to ``path`` when the block succeeds."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(
            f"Kan ikke skrive rapporten i mappen: {exc.strerror}", path=str(folder)
        ) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp creates 0600; a report gets the mode any new file of the user would get.
    _chmod_default(tmp)
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        # Also on KeyboardInterrupt: no half-written file may survive.
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_folder(folder)


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text to ``path`` atomically."""
    with atomic_path(path) as tmp:
        try:
            tmp.write_text(text, encoding="utf-8", newline="\n")
        except OSError as exc:
            raise InputError(f"Kan ikke skrive rapporten: {exc.strerror}", path=str(path)) from exc


def _chmod_default(path: Path) -> None:
    umask = os.umask(0o077)
    os.umask(umask)
    with contextlib.suppress(OSError):
        path.chmod(0o666 & ~umask)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not supported on every platform, hence best effort.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
