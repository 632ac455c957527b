"""OS2sofd live: ``GET /api/v2/persons?offset=<lastUuid>&size=N`` with header ``ApiKey``.

Pages are followed through ``nextOffset`` until a page comes back empty; the
persons go through the file reader's converter, so live and file agree.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from telefonspor.errors import AuthError, SourceError
from telefonspor.model import SourceData
from telefonspor.settings import Settings, SourceSpec
from telefonspor.sources import os2sofd
from telefonspor.sources.http import HttpClient, Progress, Sleep, client_from_options
from telefonspor.sources.live_options import HTTP_OPTIONS, FetchState, LiveOptions
from telefonspor.sources.secrets import read_secret

SYSTEM: Final = "OS2sofd"
PERSONS_PATH: Final = "/api/v2/persons"
OPTIONS: Final = HTTP_OPTIONS | {
    "api_key_env",
    "api_key_file",
    "page_size",
    "do_not_transfer_org_units",
    # self-service write-back (``telefonspor selvbetjening apply``): a key that may write
    "write_api_key_env",
    "write_api_key_file",
}


def fetch(
    spec: SourceSpec,
    settings: Settings,
    *,
    progress: Progress | None = None,
    sleep: Sleep | None = None,
    today: date | None = None,
    max_pages: int | None = None,
) -> SourceData:
    opts = LiveOptions(spec, settings, system=SYSTEM, allowed=OPTIONS)
    api_key = read_secret(opts.values, "api_key", where=opts.where) or ""
    page_size = opts.integer("page_size")
    state = FetchState(SYSTEM, allow_partial=opts.flag("allow_partial"))
    with client_from_options(opts, headers={"ApiKey": api_key}, sleep=sleep) as client:
        persons = fetch_persons(
            client, page_size=page_size, state=state, progress=progress, max_pages=max_pages
        )
    records = os2sofd.records_from_persons(
        persons,
        origin=client.base_url,
        today=today or date.today(),
        excluded_units=os2sofd.do_not_transfer_units(opts.values, where=opts.where),
    )
    return SourceData(
        kind="os2sofd",
        position=spec.position,
        records=tuple(records),
        origin=client.base_url,
        complete=state.complete,
        notes=tuple(state.notes),
    )


def fetch_persons(
    client: HttpClient,
    *,
    page_size: int,
    state: FetchState,
    progress: Progress | None = None,
    max_pages: int | None = None,
) -> list[dict[str, Any]]:
    """Every person as raw JSON; ``max_pages`` stops early on purpose (``sources check``)."""
    persons: list[dict[str, Any]] = []
    offset = ""
    pages = 0
    while max_pages is None or pages < max_pages:
        params: dict[str, str | int] = {"size": page_size}
        if offset:
            params["offset"] = offset
        try:
            body = client.get_json(PERSONS_PATH, params=params)
        except AuthError:
            raise
        except SourceError as exc:
            state.stop_early(f"{exc} ({len(persons)} personer var hentet).", cause=exc)
            break
        pages += 1
        page = body.get("persons") if isinstance(body, dict) else None
        if not isinstance(page, list):
            state.stop_early(f"{SYSTEM} svarede uden en liste 'persons' ({client.base_url}).")
            break
        persons.extend(p for p in page if isinstance(p, dict))
        if progress is not None:
            progress(SYSTEM, len(persons), None)
        if not page:
            break
        next_offset = body.get("nextOffset")
        if not isinstance(next_offset, str) or not next_offset:
            if len(page) >= page_size:
                # A full page without a cursor: more may follow that we cannot reach.
                state.stop_early(
                    f"{SYSTEM} sendte en fuld side uden nextOffset efter {len(persons)} personer."
                )
            break
        if next_offset == offset:
            state.stop_early(
                f"{SYSTEM} gentog nextOffset {next_offset}; sidevisningen står stille."
            )
            break
        offset = next_offset
    return persons
