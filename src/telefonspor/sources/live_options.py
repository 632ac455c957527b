"""Validated access to the options of one live ``[[source]]`` entry.

Every connector names the keys it understands; an unknown key (a typo) or a
value of the wrong type is a Danish :class:`ConfigError` naming the entry.
Defaults, bounds and help come from the settings table (``live.*`` for every
live source, ``live_<system>.*`` for one connector); a key in the entry
overrides the table there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from telefonspor.errors import ConfigError, SourceError
from telefonspor.settings import SETTINGS, Setting, Settings, SourceSpec, within

#: Options every HTTP connector understands.
HTTP_OPTIONS: Final = frozenset(
    {"url", "timeout", "retries", "retry_delay", "tls_verify", "ca_file", "allow_partial"}
)
#: The settings-table section of each connector's own defaults, by the connector's system name.
SECTIONS: Final = {
    "AD": "live_ad",
    "OS2sofd": "live_os2sofd",
    "OS2sync": "live_os2sync",
    "OS2mo": "live_os2mo",
    "FK-ORG": "live_fkorg",
}


def table_rows(system: str) -> dict[str, Setting[Any]]:
    """The settings-table rows a connector reads, by option name (its own over ``live.*``)."""
    sections = ("live", SECTIONS.get(system, ""))
    rows: dict[str, Setting[Any]] = {}
    for section in sections:
        rows.update((s.name, s) for s in SETTINGS if s.key.startswith(section + "."))
    return rows


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


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
        self._known = set(allowed)
        # a row applies only where the connector knows its name (LDAP has no retries)
        self._rows = {n: r for n, r in table_rows(system).items() if n in self._known}
        self._defaults = {
            name: settings.values.get(row.key, row.default) for name, row in self._rows.items()
        }
        self.values: Mapping[str, Any] = {**self._defaults, **spec.options}
        prefix = f"{settings.config_path}: " if settings.config_path else ""
        self.where = f'{prefix}[[source]] kind = "{spec.kind}" ({system})'
        unknown = sorted(set(spec.options) - self._known)
        if unknown:
            raise ConfigError(
                f"{self.where}: ukendt indstilling {', '.join(repr(k) for k in unknown)}. "
                f"Gyldige: {', '.join(sorted(self._known))}."
            )

    def _value(self, key: str, default: object = None) -> Any:
        if key not in self._known:  # a typo in the connector, not in the user's file
            raise KeyError(f"{self.system} has no option {key!r}")
        return self.values.get(key, default)

    def has(self, key: str) -> bool:
        return not _blank(self._value(key))

    def text(self, key: str, default: str | None = None, *, required: bool = False) -> str:
        """A text option; blank falls back to ``default``, the table's default, or ''.

        Blank with neither (or ``required`` and no value) is an error naming the entry.
        """
        value = self._value(key)
        if _blank(value):
            if default is not None:
                return default
            fallback = self._defaults.get(key)
            if isinstance(fallback, str) and fallback.strip():
                return fallback.strip()
            if key in self._rows and not required:
                return ""
            raise ConfigError(f'{self.where}: angiv {key} = "...".')
        if not isinstance(value, str):
            raise ConfigError(f"{self.where}: {key} skal være en tekst i anførselstegn.")
        return value.strip()

    def cvr(self) -> str:
        """The municipality's CVR number (8 digits), which FK-ORG and OS2sync both ask for."""
        cvr = self.text("cvr", required=True)
        if not (cvr.isdigit() and len(cvr) == 8):
            raise ConfigError(
                f"{self.where}: cvr skal være kommunens CVR-nummer (8 cifre), ikke '{cvr}'."
            )
        return cvr

    def url(self, key: str = "url") -> str:
        value = self.text(key, required=True)
        if not value.startswith(("http://", "https://")):
            raise ConfigError(
                f"{self.where}: {key} skal starte med https:// (eller http:// i et testmiljø), "
                f"ikke '{value}'."
            )
        return value.rstrip("/")

    def _bounds(
        self, key: str, minimum: float | None, maximum: float | None
    ) -> tuple[float | None, float | None]:
        row = self._rows.get(key)
        low = minimum if minimum is not None else (row.minimum if row else None)
        high = maximum if maximum is not None else (row.maximum if row else None)
        return low, high

    def integer(
        self,
        key: str,
        default: int | None = None,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int:
        """An integer option within the table's bounds (or tighter ones given here)."""
        value = self._value(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{self.where}: {key} skal være et heltal, ikke '{value}'.")
        low, high = self._bounds(key, minimum, maximum)
        return within(value, 0 if low is None else low, high, f"{self.where}: {key}")

    def number(
        self, key: str, default: float | None = None, *, minimum: float | None = None
    ) -> float:
        """A number of seconds within the table's bounds (or a tighter minimum given here)."""
        value = self._value(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{self.where}: {key} skal være et tal (sekunder), ikke '{value}'.")
        low, high = self._bounds(key, minimum, None)
        return within(float(value), 0.0 if low is None else low, high, f"{self.where}: {key}")

    def flag(self, key: str, default: bool | None = None) -> bool:
        value = self._value(key, default)
        if not isinstance(value, bool):
            raise ConfigError(f"{self.where}: {key} skal være true eller false, ikke '{value}'.")
        return value

    def strings(self, key: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = self._value(key, list(default))
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
