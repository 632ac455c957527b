"""FK-ORG read live through the municipality's OS2sync (headers ``cvr``, ``apiKey``).

``GET /api/user/all`` lists the active users; ``GET /api/user/{uuid}`` reads
each one live from FK-ORG (both Telefon and FastnetTelefon), a bounded number
at a time. ``/api/hierarchy`` carries only Telefon, so it is used (when asked,
``use_hierarchy = true``) for the mobile slot only, and every record says the
landline is unknown.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

import httpx
from msgspec.structs import replace as replace_struct

from telefonspor.errors import AuthError, SourceError
from telefonspor.model import SourceData
from telefonspor.settings import Settings, SourceSpec
from telefonspor.sources.http import (
    HttpClient,
    HttpStatusError,
    Progress,
    Sleep,
    client_from_options,
)
from telefonspor.sources.live_options import HTTP_OPTIONS, FetchState, LiveOptions
from telefonspor.sources.secrets import read_secret

SYSTEM: Final = "OS2sync"
OPTIONS: Final = HTTP_OPTIONS | {
    "api",
    "cvr",
    "api_key_env",
    "api_key_file",
    "concurrency",
    "use_hierarchy",
    "hierarchy_wait",
    "hierarchy_poll",
}
#: Flag on records whose landline was not read (the hierarchy has none); rules must not
#: call such a landline missing.
LANDLINE_UNKNOWN: Final = "landline_unknown"
#: HierarchyWrapper.Status in OS2sync/OS2sync HierarchyController.cs: 0 SUCCESS, 1 FAILURE.
HIERARCHY_FAILED: Final = (1, "FAILURE")
_UUID: Final = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
HIERARCHY_NOTE: Final = (
    "OS2sync: brugerne er læst via /api/hierarchy, som kun har Telefon (Mobil nummer). "
    "Direkte nummer (FastnetTelefon) er ikke læst og kan ikke vurderes for FK-ORG."
)


def fetch(
    spec: SourceSpec,
    settings: Settings,
    *,
    progress: Progress | None = None,
    sleep: Sleep | None = None,
    limit: int | None = None,
) -> SourceData:
    opts = LiveOptions(spec, settings, system=SYSTEM, allowed=OPTIONS)
    cvr = opts.cvr()
    api_key = read_secret(opts.values, "api_key", where=opts.where) or ""
    concurrency = opts.integer("concurrency")
    state = FetchState(SYSTEM, allow_partial=opts.flag("allow_partial"))
    headers = {"cvr": cvr, "apiKey": api_key}
    from telefonspor.sources import fkorg  # the file reader's converter

    with client_from_options(opts, headers=headers, sleep=sleep) as client:
        if opts.flag("use_hierarchy"):
            wait = opts.number("hierarchy_wait")
            poll = opts.number("hierarchy_poll")
            users = fetch_hierarchy_users(
                client, state=state, wait=wait, poll=poll, sleep=sleep or time.sleep
            )
            records = [
                replace_struct(r, flags=r.flags | {LANDLINE_UNKNOWN})
                for r in fkorg.records_from_os2sync_users(users, origin=client.base_url)
            ]
            state.note(HIERARCHY_NOTE)
        else:
            users = fetch_users(
                client, concurrency=concurrency, state=state, progress=progress, limit=limit
            )
            records = list(fkorg.records_from_os2sync_users(users, origin=client.base_url))
    return SourceData(
        kind="fkorg",
        position=spec.position,
        records=tuple(records),
        origin=client.base_url,
        complete=state.complete,
        notes=tuple(state.notes),
    )


def fetch_users(
    client: HttpClient,
    *,
    concurrency: int,
    state: FetchState,
    progress: Progress | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Every active user in OS2sync's shape, in the order of ``/api/user/all``."""
    listed = client.get_json("/api/user/all")
    if not isinstance(listed, list) or not all(isinstance(u, str) for u in listed):
        raise SourceError(
            f"{SYSTEM} på {client.base_url}/api/user/all svarede ikke med en liste af UUID'er."
        )
    uuids: list[str] = list(dict.fromkeys(listed))[:limit]
    total = len(uuids)
    done = 0
    missing: list[str] = []
    failed: list[SourceError] = []

    def read_one(uuid: str) -> dict[str, Any] | None:
        try:
            user = client.get_json(f"/api/user/{uuid}")
        except HttpStatusError as exc:
            if exc.status == 404:
                missing.append(uuid)
                return None
            raise
        if not isinstance(user, dict):
            raise SourceError(f"{SYSTEM} svarede ikke med en bruger for /api/user/{uuid}.")
        return user

    def guarded(uuid: str) -> dict[str, Any] | None:
        try:
            return read_one(uuid)
        except AuthError:
            raise
        except SourceError as exc:
            failed.append(exc)
            return None

    users: list[dict[str, Any]] = []
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="os2sync") as pool:
        for user in pool.map(guarded, uuids):
            done += 1
            if user is not None:
                users.append(user)
            if progress is not None and (done % 50 == 0 or done == total):
                progress(SYSTEM, done, total)
    if missing:
        state.stop_early(
            f"{len(missing)} af {total} brugere fra /api/user/all kunne ikke læses "
            f"(HTTP 404), fx {missing[0]}."
        )
    if failed:
        state.stop_early(
            f"{len(failed)} af {total} brugere kunne ikke læses; første fejl: {failed[0]}",
            cause=failed[0],
        )
    return users


def fetch_hierarchy_users(
    client: HttpClient,
    *,
    state: FetchState,
    wait: float,
    poll: float,
    sleep: Callable[[float], None],
) -> list[dict[str, Any]]:
    """Start a hierarchy job, poll until ready (bounded), and return its users in user shape."""
    job = _job_id(client.request("GET", "/api/hierarchy"))
    if not job:
        raise SourceError(
            f"{SYSTEM} på {client.base_url}/api/hierarchy svarede ikke med et job-id."
        )
    waited = 0.0
    while True:
        response = client.request("GET", f"/api/hierarchy/{job}", accept=frozenset({404}))
        if response.status_code != 404:
            break
        if waited >= wait:
            raise SourceError(
                f"{SYSTEM}: hierarkiet ({client.base_url}/api/hierarchy/{job}) var ikke klar "
                f"efter {wait:.0f} sekunder. Hæv hierarchy_wait eller brug use_hierarchy = false."
            )
        sleep(poll)
        waited += poll
    body = client.decode(response)
    if isinstance(body, dict) and body.get("Status") in HIERARCHY_FAILED:
        raise SourceError(
            f"{SYSTEM} kunne ikke læse hierarkiet fra FK-ORG (job {job} endte med FAILURE); "
            f"se OS2syncs log på {client.base_url}, eller brug use_hierarchy = false."
        )
    result = body.get("Result") if isinstance(body, dict) else None
    users = result.get("Users") if isinstance(result, dict) else None
    if not isinstance(users, list):
        raise SourceError(f"{SYSTEM}: hierarkiet fra {client.base_url} havde ingen Result.Users.")
    return [_hierarchy_user(u) for u in users if isinstance(u, dict)]


def _job_id(response: httpx.Response) -> str:
    """The job uuid: ASP.NET writes the string as text/plain (or JSON when JSON is asked for)."""
    text = response.text.strip()
    if text.startswith(("{", '"')):
        try:
            value = json.loads(text)
        except ValueError:
            return ""
        if isinstance(value, dict):  # tolerated: an object carrying the id
            value = value.get("Uuid") or value.get("uuid")
        return value.strip() if isinstance(value, str) else ""
    return text if _UUID.fullmatch(text) else ""


def _hierarchy_user(user: dict[str, Any]) -> dict[str, Any]:
    """A hierarchy user in ``/api/user/{uuid}`` shape; Telephone is the Telefon slot."""
    return {
        "Uuid": user.get("Uuid"),
        "UserId": user.get("UserId"),
        "PhoneNumber": user.get("Telephone"),
        "Landline": None,
        "Email": user.get("Email"),
        "Status": user.get("Status"),
        "Positions": user.get("Positions") or [],
        "Person": {"Name": user.get("Name")},
    }


__all__ = ["LANDLINE_UNKNOWN", "fetch", "fetch_hierarchy_users", "fetch_users"]
