"""Write a report so that the final name only ever holds a complete file.

The writer gets a temporary name in the same folder (so ``os.replace`` is an
atomic rename on the same file system); the file is fsynced and then moved
into place. On any exception the temporary file is removed and the final
name is left untouched (an older complete report stays as it was).

Reports hold names and phone numbers, so whatever umask the user has, a file
is written 0600 (mkstemp's mode, kept through the rename) and every folder
created on the way is 0700 (see ``telefonspor.private``).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from telefonspor.errors import InputError
from telefonspor.private import PRIVATE_DIR, PRIVATE_FILE, make_private_dir

__all__ = [
    "PRIVATE_DIR",
    "PRIVATE_FILE",
    "atomic_path",
    "make_private_dir",
    "write_bytes_atomic",
    "write_parts_atomic",
    "write_text_atomic",
]


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it to ``path`` when the block succeeds."""
    folder = path.parent
    try:
        make_private_dir(folder)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(
            f"Kan ikke skrive rapporten i mappen: {exc.strerror}", path=str(folder)
        ) from exc
    os.close(fd)
    tmp = Path(tmp_name)  # mkstemp creates it 0600 whatever the umask
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


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (mode 0600)."""
    with atomic_path(path) as tmp:
        try:
            tmp.write_bytes(data)
        except OSError as exc:
            raise InputError(f"Kan ikke skrive filen: {exc.strerror}", path=str(path)) from exc


def write_parts_atomic(path: Path, parts: Iterable[bytes | bytearray | memoryview]) -> None:
    """Write the concatenation of ``parts`` to ``path`` atomically (mode 0600), without
    joining them in memory first."""
    with atomic_path(path) as tmp:
        try:
            with tmp.open("wb") as handle:
                handle.writelines(parts)
        except OSError as exc:
            raise InputError(f"Kan ikke skrive filen: {exc.strerror}", path=str(path)) from exc


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
