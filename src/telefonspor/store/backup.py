"""A copy of a SQLite history before a migration touches it."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from telefonspor.errors import StoreError


def backup_path(db_file: Path, revision: str | None, now: datetime | None = None) -> Path:
    """``<file>.bak-<revision>-<timestamp>``; revision 'tom' for a file without our schema."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    return db_file.with_name(f"{db_file.name}.bak-{revision or 'tom'}-{stamp}")


def backup_sqlite(db_file: Path, revision: str | None) -> Path:
    """Copy ``db_file`` consistently (SQLite's online backup) with mode 0600; return the copy."""
    target = backup_path(db_file, revision)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        source = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
            finally:
                copy.close()
        finally:
            source.close()
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(
            f"Kan ikke tage en sikkerhedskopi af {db_file} før opgraderingen af databasen "
            f"({exc}). Databasen er ikke ændret."
        ) from exc
    return target
