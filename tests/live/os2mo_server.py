"""An OS2mo test server: Keycloak-style tokens and GraphQL executed by graphql-core.

Queries are validated and executed against the part of OS2mo's *published*
schema that telefonspor uses (``os2mo_schema/*.graphql``, cut from the
``/graphql/vNN/schema.graphql`` snapshots in magenta-aps/os2mo-os2sync-export by
``scripts/os2mo_schema_subset.py``): a field, argument or variable type the real
server would reject is rejected here, with OS2mo's ``errors`` answer.

Which schema serves which version (OS2mo/os2mo d0aa371, ``mora/graphapi/version.py``
and ``docs/src/tech-docs/graphql/migration.md``): v22 its own snapshot; v23 and
v24 the v23 snapshot (v24 only changed the ``managers`` filter type inside
``org_units``); v25 the snapshot of September 2025; v26-v30 the v25 snapshot of
December 2025, which has ``persons`` and the ``*_response`` fields (added
2025-11-19, commits ed3aaf4a6 and 1387fd545; v26-v30 changed only
``registrations``, ``parent`` of units, dates in mutators and the ``external_ids``
filter, none of which the queries touch).

Paging follows OS2mo's documented behaviour (``mora/graphapi/paged.py``,
``LimitType``): ``limit`` applies to the rows of the bitemporal layer before
filtering and consolidation, so a page may be shorter than ``limit`` or empty
while ``next_cursor`` is set. ``gaps`` inserts such dropped rows before the
given employees (the key ``len(employees)`` puts them at the end).
Employees are stored in the v22 shape; the ``*_response`` fields are served from
the same data, and engagements are filtered by ``from_date``/``to_date`` and
``start``/``end`` as OS2mo does (no filter: the current ones).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLResolveInfo,
    GraphQLSchema,
    build_schema,
    graphql_sync,
)

from .fakes import FakeApi, Reply, Request

SCHEMA_DIR = Path(__file__).with_name("os2mo_schema")
#: GraphQL version -> the published schema snapshot it is checked against.
SCHEMA_FOR_VERSION = {
    22: "v22",
    23: "v23",
    24: "v23",
    25: "v25",
    **dict.fromkeys(range(26, 31), "v25-2025-12"),
}
TOKEN_PATH = "/auth/realms/mo/protocol/openid-connect/token"


@cache
def schema(name: str) -> GraphQLSchema:
    return build_schema((SCHEMA_DIR / f"{name}.graphql").read_text(encoding="utf-8"))


def _day(value: object) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def _overlaps(item: Mapping[str, Any], start: date | None, end: date | None) -> bool:
    validity = item.get("validity") or {}
    begins, ends = _day(validity.get("from")), _day(validity.get("to"))
    return (end is None or begins is None or begins <= end) and (
        start is None or ends is None or ends >= start
    )


def _engagements(items: Sequence[Mapping[str, Any]], window: Mapping[str, Any] | None) -> list[Any]:
    """OS2mo's date filter: none given means today; ``from_date``..``to_date`` (null = open)."""
    today = datetime.now(UTC).date()
    if window is None:
        start: date | None = today
        end: date | None = today
    else:
        start, end = _day(window.get("from_date")), _day(window.get("to_date"))
    return [e for e in items if _overlaps(e, start, end)]


def _paged(items: Sequence[Any], key: str = "current") -> dict[str, Any]:
    wrap: Callable[[Any], Any] = (lambda i: [i]) if key == "validities" else (lambda i: i)
    return {"page_info": {"next_cursor": None}, "objects": [{key: wrap(i)} for i in items]}


def _response(item: Any) -> dict[str, Any] | None:
    return None if item is None else {"current": item}


def _first(items: Any) -> Any:
    if isinstance(items, list):
        return items[0] if items else None
    return items


#: (type, field) -> resolver(source, args) for what is not a plain dictionary member.
_FIELDS: dict[tuple[str, str], Callable[[Mapping[str, Any], dict[str, Any]], Any]] = {
    ("Employee", "engagements"): lambda s, a: _engagements(
        s.get("engagements", []), a.get("filter")
    ),
    ("Employee", "engagements_response"): lambda s, a: _paged(
        _engagements(s.get("engagements", []), a.get("filter")), "validities"
    ),
    ("Employee", "addresses_response"): lambda s, a: _paged(s.get("addresses", [])),
    ("Employee", "itusers_response"): lambda s, a: _paged(s.get("itusers", [])),
    ("Address", "ituser"): lambda s, a: s.get("ituser") or [],
    ("Address", "address_type_response"): lambda s, a: _response(s.get("address_type")),
    ("Address", "visibility_response"): lambda s, a: _response(s.get("visibility")),
    ("Address", "ituser_response"): lambda s, a: _response(_first(s.get("ituser"))),
    ("ITUser", "itsystem_response"): lambda s, a: _response(s.get("itsystem")),
    ("ITUser", "engagement"): lambda s, a: _engagements(s.get("engagement", []), a.get("filter")),
    ("ITUser", "engagements_responses"): lambda s, a: _paged(
        _engagements(s.get("engagement", []), a.get("filter")), "validities"
    ),
    ("EngagementResponse", "validities"): lambda s, a: [
        e for e in s["validities"] if _overlaps(e, _day(a.get("start")), _day(a.get("end")))
    ],
}


class Os2moApi(FakeApi):
    """OS2mo with a token endpoint and ``/graphql/vNN`` for the versions it serves."""

    def __init__(
        self,
        employees: list[dict[str, Any]],
        secret: str,
        *,
        versions: Sequence[int] = tuple(SCHEMA_FOR_VERSION),
        gaps: Mapping[int, int] | None = None,
    ) -> None:
        super().__init__()
        self.employees = employees
        self.secret = secret
        self.versions = frozenset(versions)
        self.gaps = dict(gaps or {})
        self.valid_tokens: set[str] = set()
        self.tokens_issued = 0
        self.expires_in = 300
        self.pages_served = 0
        self.queries: list[tuple[int, str]] = []  # (version, top-level field) per page

    def route(self, request: Request) -> Reply:
        if request.path == TOKEN_PATH:
            return self._token(request)
        version = _version(request.path)
        if version is None or version not in self.versions:
            return Reply(404, {"detail": "Not Found"})
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.valid_tokens:
            return Reply(401, {"detail": "Unauthorized"})
        body = request.json()
        result = graphql_sync(
            schema(SCHEMA_FOR_VERSION[version]),
            body["query"],
            root_value=self,
            variable_values=body.get("variables"),
            field_resolver=self._resolve,
        )
        self.queries.extend((version, field) for field in result.data or {})
        answer: dict[str, Any] = {"data": result.data}
        if result.errors:
            answer["errors"] = [e.formatted for e in result.errors]
        return Reply(200, answer)

    def _token(self, request: Request) -> Reply:
        form = request.form()
        if (
            form.get("client_secret") != self.secret
            or form.get("grant_type") != "client_credentials"
        ):
            return Reply(401, {"error": "invalid_client"})
        self.tokens_issued += 1
        token = f"token-{self.tokens_issued}-{uuid.uuid4()}"
        self.valid_tokens.add(token)
        return Reply(
            200, {"access_token": token, "expires_in": self.expires_in, "token_type": "Bearer"}
        )

    def _resolve(self, source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
        if source is self:
            return self._page(args.get("limit"), args.get("cursor"))
        special = _FIELDS.get((info.parent_type.name, info.field_name))
        if special is not None:
            return special(source, args)
        return source.get(info.field_name) if isinstance(source, Mapping) else None

    def _rows(self) -> list[dict[str, Any] | None]:
        """The employees as the layer sees them: ``None`` rows are dropped after limiting."""
        rows: list[dict[str, Any] | None] = []
        for i, employee in enumerate(self.employees):
            rows.extend([None] * self.gaps.get(i, 0))
            rows.append(employee)
        rows.extend([None] * self.gaps.get(len(self.employees), 0))
        return rows

    def _page(self, limit: int | None, cursor: str | None) -> dict[str, Any]:
        rows = self._rows()
        start = int(cursor or 0)
        end = len(rows) if limit is None else start + limit
        self.pages_served += 1
        return {
            "page_info": {"next_cursor": str(end) if end < len(rows) else None},
            "objects": [{"current": e} for e in rows[start:end] if e is not None],
        }

    def expire_tokens(self) -> None:
        self.valid_tokens.clear()


def _version(path: str) -> int | None:
    prefix = "/graphql/v"
    if not path.startswith(prefix) or not path[len(prefix) :].isdigit():
        return None
    return int(path[len(prefix) :])
