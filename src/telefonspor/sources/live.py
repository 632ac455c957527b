"""Read one system of the chain live: dispatch a ``live = true`` source to its connector.

``kind = "fkorg"`` reads KOMBIT's GraphQL API by default; ``api = "os2sync"``
reads FK-ORG through the municipality's OS2sync instead. Either way the
result is the same :class:`SourceData` the file reader of that kind gives.
"""

from __future__ import annotations

from typing import Final

from telefonspor.errors import ConfigError
from telefonspor.model import SourceData
from telefonspor.settings import Settings, SourceSpec
from telefonspor.sources.http import Progress, Sleep

#: Kinds that can be read live, with the Danish name used in messages and tables.
LIVE_SYSTEMS: Final = {
    "ad": "AD (LDAP)",
    "os2sofd": "OS2sofd",
    "os2mo": "OS2mo",
    "fkorg": "FK-ORG",
}
FKORG_APIS: Final = ("graphql", "os2sync")


def system_name(spec: SourceSpec) -> str:
    """The system a live spec reads, e.g. "OS2sync (FK-ORG)"."""
    if spec.kind == "fkorg" and fkorg_api_name(spec) == "os2sync":
        return "OS2sync (FK-ORG)"
    return LIVE_SYSTEMS.get(spec.kind, spec.kind)


def fkorg_api_name(spec: SourceSpec) -> str:
    api = str(spec.options.get("api", "graphql")).strip().lower()
    if api not in FKORG_APIS:
        raise ConfigError(
            f'[[source]] kind = "fkorg": api skal være "graphql" (KOMBITs API) eller "os2sync", '
            f"ikke '{api}'."
        )
    return api


def fetch(
    spec: SourceSpec,
    settings: Settings,
    *,
    progress: Progress | None = None,
    sleep: Sleep | None = None,
) -> SourceData:
    """Fetch every record of ``spec`` from its live system.

    Raises :class:`ConfigError` for a wrong entry, :class:`AuthError` when the
    credentials are refused and :class:`SourceError` when the system fails
    (unless ``allow_partial = true``: then ``complete`` is False with a note).
    """
    return _fetch(spec, settings, progress=progress, sleep=sleep, first_page_only=False)


def fetch_first_page(spec: SourceSpec, settings: Settings) -> SourceData:
    """One page only (``sources check``): proves reachability and authentication."""
    return _fetch(spec, settings, progress=None, sleep=None, first_page_only=True)


def _fetch(
    spec: SourceSpec,
    settings: Settings,
    *,
    progress: Progress | None,
    sleep: Sleep | None,
    first_page_only: bool,
) -> SourceData:
    if not spec.live:
        raise ConfigError(f'[[source]] kind = "{spec.kind}" er ikke sat til live = true.')
    pages = 1 if first_page_only else None
    # Imported here so a run that reads only files never loads ldap3 or cryptography.
    if spec.kind == "ad":
        from telefonspor.sources import ad_ldap

        return ad_ldap.fetch(
            spec, settings, progress=progress, max_entries=1000 if first_page_only else None
        )
    if spec.kind == "os2sofd":
        from telefonspor.sources import os2sofd_api

        return os2sofd_api.fetch(spec, settings, progress=progress, sleep=sleep, max_pages=pages)
    if spec.kind == "os2mo":
        from telefonspor.sources import os2mo_api

        return os2mo_api.fetch(spec, settings, progress=progress, sleep=sleep, max_pages=pages)
    if spec.kind == "fkorg":
        if fkorg_api_name(spec) == "os2sync":
            from telefonspor.sources import os2sync_api

            return os2sync_api.fetch(
                spec,
                settings,
                progress=progress,
                sleep=sleep,
                limit=10 if first_page_only else None,
            )
        from telefonspor.sources import fkorg_api

        return fkorg_api.fetch(spec, settings, progress=progress, sleep=sleep, max_pages=pages)
    raise ConfigError(
        f'[[source]] kind = "{spec.kind}" kan ikke læses live. '
        f'Live understøttes for: {", ".join(LIVE_SYSTEMS)}. Brug path = "..." til en fil.'
    )
