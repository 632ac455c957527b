"""Dry run: write each e-mail as an .eml file into a folder instead of sending it."""

from __future__ import annotations

import re
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Final

from telefonspor.errors import InputError
from telefonspor.reports.atomic import make_private_dir, write_bytes_atomic

_UNSAFE: Final = re.compile(r"[^A-Za-z0-9._-]+")


class Outbox:
    """A transport that writes ``<kind>__<recipient>.eml`` files; sends nothing."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.written: list[Path] = []

    def __enter__(self) -> Outbox:
        try:
            make_private_dir(self.folder)  # messages name people: folder 0700, files 0600
        except OSError as exc:
            raise InputError(
                f"mappen til beskeder kan ikke oprettes ({exc.strerror}).", path=str(self.folder)
            ) from exc
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    def send(self, email: EmailMessage, *, kind: str = "") -> None:
        recipient = str(email["To"] or "")
        name = _UNSAFE.sub("_", f"{kind}__{recipient}".strip("_")) or "besked"
        path = self.folder / f"{name}.eml"
        write_bytes_atomic(path, email.as_bytes())
        self.written.append(path)
