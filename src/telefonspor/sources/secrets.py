"""Secrets for live sources: read from an environment variable or a file the
config names, never from the config itself or the command line.

Every secret read here is remembered so :func:`redact` and
:class:`RedactingFilter` can blank it out of any text or log line that
would otherwise carry it (e.g. an exception message quoting a server reply).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from telefonspor.errors import ConfigError

MASK: Final = "***"
_MIN_SECRET_LENGTH: Final = 4  # shorter values would blank out ordinary text

_known: set[str] = set()
_lock = threading.Lock()


def read_secret(
    options: Mapping[str, Any],
    name: str,
    *,
    where: str,
    environ: Mapping[str, str] | None = None,
    required: bool = True,
) -> str | None:
    """The secret ``name`` from ``<name>_env`` (a variable) or ``<name>_file`` (a path).

    ``where`` names the config entry for messages. A literal ``<name> = "..."``
    in the config is refused: config files end up in backups and tickets.
    """
    env = os.environ if environ is None else environ
    if options.get(name) not in (None, ""):
        raise ConfigError(
            f"{where}: {name} må ikke stå direkte i konfigurationen. "
            f'Brug {name}_env = "MILJØVARIABEL" eller {name}_file = "/sti/til/fil".'
        )
    env_name = options.get(f"{name}_env")
    file_name = options.get(f"{name}_file")
    if env_name and file_name:
        raise ConfigError(f"{where}: angiv enten {name}_env eller {name}_file, ikke begge.")
    value: str | None = None
    if env_name:
        if not isinstance(env_name, str):
            raise ConfigError(f"{where}: {name}_env skal være navnet på en miljøvariabel.")
        value = env.get(env_name, "").strip()
        if not value:
            raise ConfigError(
                f"{where}: miljøvariablen {env_name} ({name}) er ikke sat eller er tom."
            )
    elif file_name:
        if not isinstance(file_name, str):
            raise ConfigError(f"{where}: {name}_file skal være en sti.")
        value = _read_file(Path(file_name), name=name, where=where)
    elif required:
        raise ConfigError(
            f'{where}: angiv {name}_env = "MILJØVARIABEL" eller {name}_file = "/sti/til/fil".'
        )
    if value and not value.isascii():
        # HTTP headers and LDAP binds carry ASCII; a stray character means a wrong value.
        raise ConfigError(
            f"{where}: {name} indeholder tegn uden for ASCII (fx æøå); kontrollér værdien."
        )
    if value:
        remember(value)
    return value


def _read_file(path: Path, *, name: str, where: str) -> str:
    try:
        value = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise ConfigError(f"{where}: filen {path} ({name}) findes ikke.") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: filen {path} ({name}) er ikke UTF-8-tekst.") from None
    except OSError as exc:
        # The OS message names the path and the reason, never the content.
        raise ConfigError(
            f"{where}: filen {path} ({name}) kan ikke læses ({exc.strerror or type(exc).__name__})."
        ) from None
    if not value:
        raise ConfigError(f"{where}: filen {path} ({name}) er tom.")
    return value


def remember(secret: str) -> None:
    """Register a value (also a fetched token) so it is redacted everywhere."""
    if len(secret) >= _MIN_SECRET_LENGTH:
        with _lock:
            _known.add(secret)


def redact(text: str) -> str:
    """``text`` with every known secret replaced by ``***``."""
    with _lock:
        secrets = sorted(_known, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that blanks known secrets out of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


def install_log_redaction(logger: logging.Logger | None = None) -> RedactingFilter:
    """Attach one :class:`RedactingFilter` to ``logger`` (root by default) and its handlers.

    Handler filters also see records propagated from child loggers (httpx, ldap3),
    which logger filters do not.
    """
    target = logger or logging.getLogger()
    for existing in target.filters:
        if isinstance(existing, RedactingFilter):
            return existing
    flt = RedactingFilter()
    target.addFilter(flt)
    for handler in target.handlers:
        handler.addFilter(flt)
    return flt
