"""OS2mo live: the GraphQL employee query, paged by cursor, with an OAuth2
client-credentials token from the configured Keycloak token URL.

The query is chosen by the GraphQL version in ``graphql_path`` (``/graphql/vNN``):
v22-v25 read ``employees`` with the ``addresses``/``itusers``/``engagements``
lists; v26 and later read ``persons`` with the paged ``*_response`` fields,
which replaced them (deprecated from OS2mo's v25 in November 2025, present on
every server that serves v26). Both ask for current and future engagements,
on the person and on each it-user, so the export's old and new modes can be
replayed. Both queries are validated against OS2mo's published schemas in
tests/live/os2mo_schema/.

Paging follows OS2mo's contract: a page may be short or even empty while
``next_cursor`` is set; the walk ends only when ``next_cursor`` is null.

The token is renewed shortly before it expires, and once more when OS2mo
answers 401 anyway (the call is then retried once). Employees go through the
file reader's converter, so live and file agree.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final

from telefonspor.errors import AuthError, ConfigError, SourceError
from telefonspor.model import SourceData
from telefonspor.settings import Settings, SourceSpec
from telefonspor.sources.http import (
    HttpClient,
    HttpStatusError,
    Progress,
    Sleep,
    client_from_options,
    short_url,
)
from telefonspor.sources.live_options import HTTP_OPTIONS, FetchState, LiveOptions
from telefonspor.sources.secrets import read_secret, remember

SYSTEM: Final = "OS2mo"
OPTIONS: Final = HTTP_OPTIONS | {
    "graphql_path",
    "token_url",
    "client_id",
    "client_secret_env",
    "client_secret_file",
    "page_size",
}
_EXPIRY_MARGIN: Final = 30.0  # renew this many seconds before the token expires
#: GraphQL versions the queries are validated for; from v26 the ``persons`` query is used.
SUPPORTED_VERSIONS: Final = range(22, 31)
FIRST_PERSONS_VERSION: Final = 26

_ENGAGEMENT: Final = "uuid user_key validity { from to }"

#: GraphQL v22-v25: ``employees`` and the list fields (deprecated from v25).
EMPLOYEES_QUERY: Final = f"""
query TelefonsporEmployees($limit: int, $cursor: Cursor, $from: DateTime) {{
  employees(limit: $limit, cursor: $cursor) {{
    page_info {{ next_cursor }}
    objects {{
      current {{
        uuid
        user_key
        name
        given_name
        surname
        addresses {{
          uuid
          value
          address_type {{ uuid user_key scope }}
          visibility {{ scope user_key }}
          ituser {{ uuid user_key }}
        }}
        itusers {{
          uuid
          user_key
          external_id
          itsystem {{ uuid user_key name }}
          engagement(filter: {{ from_date: $from, to_date: null }}) {{ {_ENGAGEMENT} }}
        }}
        engagements(filter: {{ from_date: $from, to_date: null }}) {{ {_ENGAGEMENT} }}
      }}
    }}
  }}
}}
"""

#: GraphQL v26 and later: ``persons`` and the paged ``*_response`` fields.
PERSONS_QUERY: Final = f"""
query TelefonsporPersons($limit: int, $cursor: Cursor, $from: DateTime) {{
  persons(limit: $limit, cursor: $cursor) {{
    page_info {{ next_cursor }}
    objects {{
      current {{
        uuid
        user_key
        name
        given_name
        surname
        addresses_response {{
          objects {{
            current {{
              uuid
              value
              address_type_response {{ current {{ uuid user_key scope }} }}
              visibility_response {{ current {{ scope user_key }} }}
              ituser_response {{ current {{ uuid user_key }} }}
            }}
          }}
        }}
        itusers_response {{
          objects {{
            current {{
              uuid
              user_key
              external_id
              itsystem_response {{ current {{ uuid user_key name }} }}
              engagements_responses(filter: {{ from_date: $from, to_date: null }}) {{
                objects {{ validities(start: $from, end: null) {{ {_ENGAGEMENT} }} }}
              }}
            }}
          }}
        }}
        engagements_response(filter: {{ from_date: $from, to_date: null }}) {{
          objects {{ validities(start: $from, end: null) {{ {_ENGAGEMENT} }} }}
        }}
      }}
    }}
  }}
}}
"""


def graphql_version(path: str) -> int | None:
    """The version in ``/graphql/vNN`` (None for a path without one, e.g. a proxy)."""
    found = re.search(r"/v(\d+)/?$", path)
    return int(found.group(1)) if found else None


def query_for(path: str) -> tuple[str, str]:
    """``(query, top-level field)`` for the GraphQL version in ``path``."""
    version = graphql_version(path)
    if version is not None and version < SUPPORTED_VERSIONS.start:
        raise ConfigError(
            f"{SYSTEM} GraphQL v{version} ({path}) understøttes ikke; brug v22 til v30 i graphql_path."
        )
    if version is not None and version >= FIRST_PERSONS_VERSION:
        return PERSONS_QUERY, "persons"
    return EMPLOYEES_QUERY, "employees"


class ClientCredentialsToken:
    """An OAuth2 client-credentials token, fetched on demand and renewed before expiry."""

    def __init__(
        self,
        client: HttpClient,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._token_url = token_url
        self._form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        }
        self._clock = clock
        self._token = ""
        self._expires_at = 0.0
        self.fetched = 0

    def header(self) -> dict[str, str]:
        if not self._token or self._clock() >= self._expires_at - _EXPIRY_MARGIN:
            self.renew()
        return {"Authorization": f"Bearer {self._token}"}

    def renew(self) -> None:
        try:
            body = self._client.post_json(self._token_url, data=self._form)
        except (AuthError, HttpStatusError) as exc:
            if isinstance(exc, HttpStatusError) and exc.status != 400:
                raise
            raise AuthError(
                f"Klient-id eller klient-hemmeligheden blev afvist af {SYSTEM}s "
                f"tokenudsteder (Keycloak) på {short_url(self._token_url)}."
            ) from None
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise SourceError(
                f"{SYSTEM}s tokenudsteder på {short_url(self._token_url)} "
                "svarede uden access_token."
            )
        remember(token)
        expires_in = body.get("expires_in", 300)
        lifetime = float(expires_in) if isinstance(expires_in, int | float) else 300.0
        self._token = token
        self._expires_at = self._clock() + lifetime
        self.fetched += 1


def fetch(
    spec: SourceSpec,
    settings: Settings,
    *,
    progress: Progress | None = None,
    sleep: Sleep | None = None,
    max_pages: int | None = None,
) -> SourceData:
    opts = LiveOptions(spec, settings, system=SYSTEM, allowed=OPTIONS)
    secret = read_secret(opts.values, "client_secret", where=opts.where) or ""
    token_url = opts.url("token_url")
    client_id = opts.text("client_id", required=True)
    path = "/" + opts.text("graphql_path").lstrip("/")
    query_for(path)  # an unsupported version fails before any request
    page_size = opts.integer("page_size")
    state = FetchState(SYSTEM, allow_partial=opts.flag("allow_partial"))
    with client_from_options(opts, credential="Adgangstokenet", sleep=sleep) as client:
        token = ClientCredentialsToken(
            client, token_url=token_url, client_id=client_id, client_secret=secret
        )
        employees = fetch_employees(
            client,
            token,
            path=path,
            page_size=page_size,
            state=state,
            progress=progress,
            max_pages=max_pages,
        )
    from telefonspor.sources import os2mo  # the file reader's converter

    records = os2mo.records_from_employees(employees, origin=client.base_url, settings=settings)
    return SourceData(
        kind="os2mo",
        position=spec.position,
        records=tuple(records),
        origin=client.base_url,
        complete=state.complete,
        notes=tuple(state.notes),
    )


def fetch_employees(
    client: HttpClient,
    token: ClientCredentialsToken,
    *,
    path: str,
    page_size: int,
    state: FetchState,
    progress: Progress | None = None,
    max_pages: int | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Every employee's current validity as raw JSON, page by page until ``next_cursor`` is null."""
    query, field = query_for(path)
    start = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    employees: list[dict[str, Any]] = []
    cursor: str | None = None
    pages = 0
    while max_pages is None or pages < max_pages:
        variables = {"limit": page_size, "cursor": cursor, "from": start}
        try:
            body = _post_query(client, token, path, query, variables)
        except AuthError:
            raise
        except SourceError as exc:
            state.stop_early(f"{exc} ({len(employees)} medarbejdere var hentet).", cause=exc)
            break
        pages += 1
        errors = body.get("errors")
        if errors:
            first = errors[0].get("message", "") if isinstance(errors[0], dict) else ""
            state.stop_early(f"{SYSTEM} GraphQL svarede med fejl: {str(first)[:200]}")
            break
        page = (body.get("data") or {}).get(field) or {}
        objects = page.get("objects")
        if not isinstance(objects, list):
            state.stop_early(f"{SYSTEM} svarede uden {field}.objects.")
            break
        for obj in objects:
            current = obj.get("current") if isinstance(obj, dict) else None
            if isinstance(current, dict):
                employees.append(current)
        if progress is not None:
            progress(SYSTEM, len(employees), None)
        # A short or empty page does not end the walk: only a null next_cursor does.
        next_cursor = (page.get("page_info") or {}).get("next_cursor")
        if next_cursor is None:
            break
        if next_cursor == cursor:
            state.stop_early(f"{SYSTEM} gentog cursoren; sidevisningen står stille.")
            break
        cursor = str(next_cursor)
    return employees


def _post_query(
    client: HttpClient,
    token: ClientCredentialsToken,
    path: str,
    query: str,
    variables: dict[str, Any],
) -> dict[str, Any]:
    payload = {"query": query, "variables": variables}
    try:
        body = client.post_json(path, json=payload, headers=token.header)
    except AuthError:
        # The token may have been revoked or expired early: renew once, retry once.
        token.renew()
        body = client.post_json(path, json=payload, headers=token.header)
    if not isinstance(body, dict):
        raise SourceError(f"{SYSTEM} på {client.base_url}{path} svarede ikke med et GraphQL-svar.")
    return body
