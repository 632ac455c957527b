"""Files and folders only their owner may read: what telefonspor writes names people and numbers.

Whatever the umask, a file is made 0600 and a folder 0700 (``mkdir``'s mode is
masked by the umask, and ``mkdir(parents=True)`` gives the parents the
umask's mode, hence the explicit chmod). A folder that exists already keeps
its mode: it may be the user's working folder, theirs to decide about.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

PRIVATE_DIR: Final = 0o700
PRIVATE_FILE: Final = 0o600


def make_private_dir(folder: Path) -> None:
    """Create ``folder`` and every missing parent with mode 0700; OSError when it cannot."""
    missing: list[Path] = []
    current = folder
    while not current.is_dir():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for each in reversed(missing):
        try:
            each.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            if not each.is_dir():
                raise
            continue  # made by a concurrent writer meanwhile: its mode is theirs
        each.chmod(PRIVATE_DIR)
