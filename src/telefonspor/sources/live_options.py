"""Validated access to the options of one live ``[[source]]`` entry.

Every connector names the keys it understands; an unknown key (a typo) or a
value of the wrong type is a Danish :class:`ConfigError` naming the entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from telefonspor.errors import ConfigError, SourceError
from telefonspor.settings import Settings, SourceSpec

#: Options every HTTP connector understands.
HTTP_OPTIONS: Final = frozenset(
    {"url", "timeout", "retries", "retry_delay", "tls_verify", "ca_file", "allow_partial"}
)


class LiveOptions:
    """The options of one live source, checked against the keys its connector knows."""

    def __init__(
        self,
        spec: SourceSpec,
        settings: Settings,
        *,
        system: str,
        allowed: Iterable[str],
    ) -> None:
        self.system = system
        self.values: Mapping[str, Any] = spec.options
        prefix = f"{settings.config_path}: " if settings.config_path else ""
        self.where = f'{prefix}[[source]] kind = "{spec.kind}" ({system})'
        known = set(allowed)
        unknown = sorted(set(self.values) - known)
        if unknown:
            raise ConfigError(
                f"{self.where}: ukendt indstilling {', '.join(repr(k) for k in unknown)}. "
                f"Gyldige: {', '.join(sorted(known))}."
            )

    def has(self, key: str) -> bool:
        value = self.values.get(key)
        return value is not None and value != ""

    def text(self, key: str, default: str | None = None) -> str:
        value = self.values.get(key, default)
        if value is None or (isinstance(value, str) and not value.strip()):
            if default is not None:
                return default
            raise ConfigError(f'{self.where}: angiv {key} = "...".')
        if not isinstance(value, str):
            raise ConfigError(f"{self.where}: {key} skal være en tekst i anførselstegn.")
        return value.strip()

    def cvr(self) -> str:
        """The municipality's CVR number (8 digits), which FK-ORG and OS2sync both ask for."""
        cvr = self.text("cvr")
        if not (cvr.isdigit() and len(cvr) == 8):
            raise ConfigError(
                f"{self.where}: cvr skal være kommunens CVR-nummer (8 cifre), ikke '{cvr}'."
            )
        return cvr

    def url(self, key: str = "url") -> str:
        value = self.text(key)
        if not value.startswith(("http://", "https://")):
            raise ConfigError(
                f"{self.where}: {key} skal starte med https:// (eller http:// i et testmiljø), "
                f"ikke '{value}'."
            )
        return value.rstrip("/")

    def integer(
        self, key: str, default: int, *, minimum: int = 0, maximum: int | None = None
    ) -> int:
        value = self.values.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{self.where}: {key} skal være et heltal, ikke '{value}'.")
        if value < minimum or (maximum is not None and value > maximum):
            upper = f" og højst {maximum}" if maximum is not None else ""
            raise ConfigError(
                f"{self.where}: {key} skal være mindst {minimum}{upper}, ikke {value}."
            )
        return value

    def number(self, key: str, default: float, *, minimum: float = 0.0) -> float:
        value = self.values.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{self.where}: {key} skal være et tal (sekunder), ikke '{value}'.")
        if value < minimum:
            raise ConfigError(f"{self.where}: {key} skal være mindst {minimum}, ikke {value}.")
        return float(value)

    def flag(self, key: str, default: bool) -> bool:
        value = self.values.get(key, default)
        if not isinstance(value, bool):
            raise ConfigError(f"{self.where}: {key} skal være true eller false, ikke '{value}'.")
        return value

    def strings(self, key: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = self.values.get(key, list(default))
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f'{self.where}: {key} skal være en liste af tekster, fx ["a", "b"].')
        return tuple(value)


class FetchState:
    """Completeness and report notes of one live fetch.

    A fetch that stops early raises (the default), or with ``allow_partial =
    true`` keeps what it got, is marked incomplete and says why in a note.
    """

    def __init__(self, system: str, *, allow_partial: bool) -> None:
        self.system = system
        self.allow_partial = allow_partial
        self.complete = True
        self.notes: list[str] = []

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def stop_early(self, reason: str, *, cause: BaseException | None = None) -> None:
        """Raise :class:`SourceError`, or (``allow_partial``) mark the data incomplete."""
        if not self.allow_partial:
            raise SourceError(
                f"{reason} Hentningen fra {self.system} er stoppet, og intet delvist resultat "
                "bruges (sæt allow_partial = true for at bruge det, der blev hentet)."
            ) from cause
        self.complete = False
        self.note(f"{self.system} er ufuldstændig: {reason}")
