"""``sources check``: can every configured system be reached and read?

A live source reads one page; a file source is read by its file reader.
Each system gets one :class:`CheckResult`; a failure in one never stops the
check of the others.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from telefonspor.errors import AuthError, ConfigError, SourceError, TelefonsporError
from telefonspor.model import SourceData
from telefonspor.settings import Settings, SourceSpec
from telefonspor.sources import live
from telefonspor.sources.http import HttpStatusError
from telefonspor.sources.secrets import redact
from telefonspor.texts import system_label


@dataclass(frozen=True, slots=True)
class CheckResult:
    system: str  # Danish display name, e.g. "OS2sofd (live)"
    reachable: bool
    authenticated: bool | None  # None: not relevant (a file) or not reached
    records_seen: int
    seconds: float
    message: str  # Danish: "OK" or what failed (never a secret)
    ok: bool = False


Reader = Callable[[SourceSpec, Settings], SourceData]


def check_sources(
    settings: Settings,
    *,
    read_file: Reader | None = None,
    read_live: Reader | None = None,
) -> list[CheckResult]:
    """One result per configured ``[[source]]``, in config order."""
    if not settings.sources:
        raise ConfigError(
            "Konfigurationen har ingen [[source]]-afsnit; der er intet at kontrollere. "
            "Se afsnittet Live-kilder i dokumentationen (docs/readme/live-kilder.md)."
        )
    return [
        check_source(spec, settings, read_file=read_file, read_live=read_live)
        for spec in settings.sources
    ]


def check_source(
    spec: SourceSpec,
    settings: Settings,
    *,
    read_file: Reader | None = None,
    read_live: Reader | None = None,
) -> CheckResult:
    name = _display_name(spec)
    started = time.perf_counter()

    def result(
        reachable: bool, authenticated: bool | None, seen: int, message: str, ok: bool
    ) -> CheckResult:
        seconds = round(time.perf_counter() - started, 2)
        return CheckResult(name, reachable, authenticated, seen, seconds, redact(message), ok)

    try:
        if spec.live:
            data = (read_live or live.fetch_first_page)(spec, settings)
        else:
            data = (read_file or _read_file)(spec, settings)
    except AuthError as exc:
        return result(True, False, 0, str(exc), False)
    except HttpStatusError as exc:
        return result(True, None, 0, str(exc), False)
    except (SourceError, ConfigError) as exc:
        return result(False, None, 0, str(exc), False)
    except TelefonsporError as exc:  # InputError: the file exists but cannot be read
        return result(spec.live, None, 0, str(exc), False)
    message = "OK" if data.complete else "Ufuldstændig: " + " ".join(data.notes)
    if data.complete and data.notes:
        message = "OK. " + " ".join(data.notes)
    return result(True, True if spec.live else None, len(data.records), message, data.complete)


def _display_name(spec: SourceSpec) -> str:
    if spec.live:
        try:
            return f"{live.system_name(spec)} (live)"
        except ConfigError:
            return f"{system_label(spec.kind)} (live)"
    return f"{system_label(spec.kind)} ({spec.path})"


def _read_file(spec: SourceSpec, settings: Settings) -> SourceData:
    from telefonspor.sources import read_source  # the file readers' dispatcher

    return read_source(spec, settings)
