"""The web app's data folder: run reports, uploads, the cookie key. Private to its owner.

Older versions made run folders 0755 and reports 0644. At start the folder is
tightened (folders 0700, files 0600) when it belongs to the user running the
app; a folder that belongs to someone else and is open to others is refused,
because changing another user's files is not ours to decide.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Final

from telefonspor.errors import ConfigError
from telefonspor.private import PRIVATE_DIR, PRIVATE_FILE, make_private_dir

_OPEN_TO_OTHERS: Final = 0o077


def prepare_data_dir(folder: Path) -> None:
    """Create ``folder`` 0700, or make an existing one and everything in it private."""
    try:
        if not folder.exists():
            make_private_dir(folder)
            return
        info = folder.lstat()
    except OSError as exc:
        raise ConfigError(f"Datamappen {folder} kan ikke oprettes ({exc.strerror}).") from exc
    if not stat.S_ISDIR(info.st_mode):
        raise ConfigError(f"Datamappen {folder} er ikke en mappe. Vælg en mappe med --data-dir.")
    if info.st_uid != os.geteuid() and info.st_mode & _OPEN_TO_OTHERS:
        raise ConfigError(
            f"Datamappen {folder} tilhører en anden bruger og kan læses af andre "
            f"(rettigheder {_mode(info.st_mode)}). Den indeholder rapporter med navne og "
            f"telefonnumre, så webappen starter ikke. Bed ejeren køre 'chmod -R go-rwx {folder}', "
            "eller vælg en anden mappe med --data-dir."
        )
    _tighten(folder, info)
    for root, dirs, files in os.walk(folder):
        for name in (*dirs, *files):
            path = Path(root) / name
            try:
                _tighten(path, path.lstat())
            except FileNotFoundError:
                continue  # removed meanwhile (an upload cleaned up)


def _tighten(path: Path, info: os.stat_result) -> None:
    if stat.S_ISLNK(info.st_mode) or not info.st_mode & _OPEN_TO_OTHERS:
        return
    wanted = PRIVATE_DIR if stat.S_ISDIR(info.st_mode) else PRIVATE_FILE
    try:
        path.chmod(stat.S_IMODE(info.st_mode) & wanted)
    except PermissionError as exc:
        raise ConfigError(
            f"{path} i webappens datamappe kan læses af andre (rettigheder "
            f"{_mode(info.st_mode)}) og kan ikke gøres privat ({exc.strerror}). Webappen "
            f"starter ikke, før ejeren har kørt 'chmod -R go-rwx {path}'."
        ) from exc


def _mode(mode: int) -> str:
    return f"{stat.S_IMODE(mode):04o}"
