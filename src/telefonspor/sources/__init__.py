"""Readers for every system of the chain, and the one dispatcher the run uses.

``read_source(spec, settings)`` reads a configured system: a file (or a
directory, for OS2sync's database dumps) with the reader of its kind, or a
live server through :mod:`telefonspor.sources.live`. Each reader returns a
:class:`~telefonspor.model.SourceData` of records as the system holds them;
readers never decide slots or apply sync rules (``rules/`` does).
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from telefonspor.errors import ConfigError
from telefonspor.model import SourceData
from telefonspor.settings import SOURCE_KINDS, Settings, SourceSpec

__all__ = ["DEFAULT_POSITIONS", "READERS", "Reader", "read_source"]

#: ``reader(path, options=..., settings=...)``; returns data at the kind's default position.
Reader = Callable[..., SourceData]

#: kind -> (module, function) of its file reader.
_READER_NAMES: Final = {
    "ad": ("telefonspor.sources.ad", "read_ad"),
    "opus": ("telefonspor.sources.opus", "read_opus"),
    "hr": ("telefonspor.sources.hr", "read_hr"),
    "os2sofd": ("telefonspor.sources.os2sofd", "read_os2sofd"),
    "os2mo": ("telefonspor.sources.os2mo", "read_os2mo"),
    "os2sync-db": ("telefonspor.sources.os2sync_db", "read_os2sync_db"),
    "fkorg": ("telefonspor.sources.fkorg", "read_fkorg"),
}


class _Readers(Mapping[str, Reader]):
    """kind -> reader, each reader's module imported when it is first looked up.

    A KLIK-only run (or one with two kinds of system) then neither imports nor, without
    cached bytecode, compiles the other readers.
    """

    def __getitem__(self, kind: str) -> Reader:
        module, function = _READER_NAMES[kind]
        reader: Reader = getattr(importlib.import_module(module), function)
        return reader

    def __iter__(self) -> Iterator[str]:
        return iter(_READER_NAMES)

    def __len__(self) -> int:
        return len(_READER_NAMES)


READERS: Final[Mapping[str, Reader]] = _Readers()

#: Each kind's chain position unless the config moves it.
DEFAULT_POSITIONS: Final[Mapping[str, str]] = dict(SOURCE_KINDS)


def read_source(
    spec: SourceSpec,
    settings: Settings,
    *,
    progress: Callable[[str, int, int | None], None] | None = None,
) -> SourceData:
    """Read one system of the chain at the position ``spec`` gives it.

    ``progress(system, done, total)`` reports a live fetch's counts.
    """
    if spec.live:
        from telefonspor.sources import live  # loads HTTP/LDAP clients only when needed

        return live.fetch(spec, settings, progress=progress)
    reader = READERS.get(spec.kind)
    if reader is None:
        raise ConfigError(f"ukendt kildetype '{spec.kind}'. Gyldige typer: {', '.join(READERS)}.")
    if not spec.path:
        raise ConfigError(f'[[source]] kind = "{spec.kind}": angiv path = "..." eller live = true.')
    options: Mapping[str, Any] = spec.options
    data = reader(Path(spec.path), options=options, settings=settings)
    if data.position != spec.position:
        data = dataclasses.replace(data, position=spec.position)
    return data
