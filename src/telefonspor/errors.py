"""The exception tree. Problems in *data* are findings, not exceptions.

    TelefonsporError            base; ``str(exc)`` is a complete Danish message
    ├── InputError              a file or value the user gave cannot be used (exit 2)
    ├── ConfigError             settings or chain config are wrong (exit 2)
    ├── SourceError             a live system failed: unreachable, refused, incomplete
    │   └── AuthError           the system rejected our credentials (never retried)
    └── StoreError              the run history cannot be read or written

Only ``cli`` and ``web`` turn these into exit codes and pages. Third-party
errors are translated at the boundary with ``raise ... from exc``.
"""

from __future__ import annotations

import re
import traceback
from typing import Final

from telefonspor.cpr import mask_cpr


class TelefonsporError(Exception):
    """Base class; the message is Danish and names what to do.

    Messages may quote values from the user's files: anything shaped like a CPR
    number is masked here, once for every error (stderr, logs, web pages).
    """

    exit_code = 2

    def __init__(self, *args: object) -> None:
        super().__init__(*(mask_cpr(a) if isinstance(a, str) else a for a in args))


class InputError(TelefonsporError):
    """Bad input: names file, sheet, row and column where known."""

    def __init__(
        self,
        message: str,
        *,
        path: str = "",
        sheet: str = "",
        row: int | None = None,
        column: str = "",
    ) -> None:
        self.path = path
        self.sheet = sheet
        self.row = row
        self.column = column
        where = location(path, sheet, row, column)
        super().__init__(f"{where}: {message}" if where else message)


class ConfigError(TelefonsporError):
    """Wrong settings or chain configuration."""


class SourceError(TelefonsporError):
    """A live system could not deliver (complete) data."""

    exit_code = 3


class AuthError(SourceError):
    """Credentials were rejected; retrying will not help."""


class StoreError(TelefonsporError):
    """The run history could not be read or written."""

    exit_code = 4


def location(path: str = "", sheet: str = "", row: int | None = None, column: str = "") -> str:
    """Danish location prefix: 'fil.xlsx, ark "Brugere", række 12, kolonne C'."""
    parts = []
    if path:
        parts.append(path)
    if sheet:
        parts.append(f'ark "{sheet}"')
    if row is not None:
        parts.append(f"række {row}")
    if column:
        parts.append(f"kolonne {column}")
    return ", ".join(parts)


# Phone-number-like runs: 6+ digits, spaces, dashes or dots between them, an optional "+".
_NUMBER_RUN: Final = re.compile(r"\+?(?<![0-9])[0-9](?:[ .\-]?[0-9]){5,}(?![0-9])")


def redact(text: str) -> str:
    """``text`` for a log: CPR numbers masked, and every longer run of digits (phone numbers,
    account numbers) replaced by ``•••``; short numbers such as line numbers stay."""
    return _NUMBER_RUN.sub("•••", mask_cpr(text))


def redacted_traceback(exc: BaseException) -> str:
    """A traceback for the server's log without personal data.

    The frames (file, line, function, source line: our own code) are kept; each
    exception's message is :func:`redact`-ed, as it may quote a cell or a number.
    Chained exceptions are listed first, as Python does.
    """
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    lines: list[str] = []
    for each in reversed(chain):
        if lines:
            lines.append("\nDen fejl førte til denne:\n")
        lines.append("Traceback (most recent call last):\n")
        lines.extend(traceback.format_tb(each.__traceback__))
        lines.append(f"{type(each).__qualname__}: {redact(str(each))}\n")
    return "".join(lines).rstrip("\n")
