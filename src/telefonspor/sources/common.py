"""Small helpers every chain-file reader shares: file facts, UUIDs, yes/no cells."""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import date
from pathlib import Path
from typing import Final

from telefonspor.gcpause import without_gc
from telefonspor.model import InputFile

__all__ = [
    "canonical_uuid",
    "guid_from_bytes",
    "input_file",
    "iso_date",
    "truthy",
    "without_gc",
]

_TRUE: Final = frozenset({"true", "1", "ja", "yes", "sand", "t", "y", "j", "x"})
_CHUNK: Final = 1 << 20
_CANONICAL_UUID: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def input_file(
    path: Path, kind: str, *, sheet: str = "", rows: int = 0, data: bytes | None = None
) -> InputFile:
    """The run's record of a file that was read (sha256 lets a report prove which file).

    ``data``: the file's bytes when the reader holds them already (not read a second time).
    """
    if data is not None:
        digest = hashlib.sha256(data)
    else:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    return InputFile(path=str(path), kind=kind, sha256=digest.hexdigest(), sheet=sheet, rows=rows)


def canonical_uuid(text: str) -> str:
    """'{ABC...}' or 'ABC...' -> canonical lower-case UUID; other text only lower-cased."""
    if _CANONICAL_UUID.fullmatch(text):
        return text  # what nearly every export holds: nothing to strip, lower or reformat
    cleaned = text.strip().strip("{}").strip()
    if not cleaned:
        return ""
    lowered = cleaned.lower()
    if _CANONICAL_UUID.fullmatch(lowered):
        return lowered  # already canonical: what uuid.UUID would print, without its cost
    try:
        return str(uuid.UUID(cleaned))
    except ValueError:
        return cleaned.lower()


def guid_from_bytes(value: bytes) -> str:
    """AD's binary objectGUID: the first three groups are stored little-endian."""
    if len(value) == 16:
        return str(uuid.UUID(bytes_le=value))
    return canonical_uuid(value.decode("utf-8", errors="replace"))


def truthy(text: str) -> bool:
    """A yes/no cell: True, 1, ja, x ... (case-insensitive)."""
    return text.strip().casefold() in _TRUE


def iso_date(text: str) -> date | None:
    """The date part of an ISO date or timestamp ('2024-05-01T00:00:00+01:00'); None if not one."""
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None
