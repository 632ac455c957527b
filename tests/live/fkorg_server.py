"""An FK-ORG GraphQL server on 127.0.0.1 that *executes* every query with graphql-core.

The schema is ``fkorg_schema.graphql``, written from KOMBIT's published SDL
(kombit/org-graphql api/gql/schemaOrganisationV1.gql @ UPSTREAM_COMMIT), so a
query that FK-ORG would refuse is refused here too: parse errors as
InvalidSyntax, validation and variable errors as ValidationError, both in
KOMBIT's error shape with no ``data``. Behaviour from the repository's README:

- required headers ``Authorization: Bearer``, ``x-TransaktionsId`` (UUID),
  ``x-TransaktionsTid`` (ISO datetime); errors before execution are HTTP
  400/401/408/503 with ``{timestamp, status, error, message, path}``;
- Relay paging: ``first`` (default and maximum 500; the server may return
  fewer), ``after`` = a previous ``endCursor``; the state filter ``status``;
- ``errors[]`` beside data carry ``extensions{message, kildeId, id, type,
  classification}``; person ``navn``/``cpr`` are null with a WARNING unless
  the token carries SeNavn/SeCPR.

Cursors are base64 of the user's UUID, as in the README's paging example
(``ZDk4NDhi...`` decodes to a UUID); users are served in UUID order.
"""

from __future__ import annotations

import base64
import binascii
import re
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from graphql import (
    GraphQLError,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLSyntaxError,
    build_schema,
    execute,
    parse,
    validate,
)

from .fakes import FakeApi, Reply, Request

UPSTREAM_REPO: Final = "kombit/org-graphql"
UPSTREAM_FILE: Final = "api/gql/schemaOrganisationV1.gql"
UPSTREAM_COMMIT: Final = "2fee908299e0a4d71dbeacce348f4abb4b04b7b5"
SCHEMA_FILE: Final = Path(__file__).with_name("fkorg_schema.graphql")
GRAPHQL_PATH: Final = "/organisation/organisationhent/1"
TOKEN_PATH: Final = "/runtime/api/rest/oauth/v1/issue"
MAX_PAGE: Final = 500
KILDE_ID: Final = "GrapqhQL Organisation"  # sic, as the README spells it

_UUID_RE: Final = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


# --- schema -----------------------------------------------------------------------------------


def _digits(count: int, name: str) -> Any:
    def parse_value(value: Any) -> str:
        if not (isinstance(value, str) and value.isdigit() and len(value) == count):
            raise GraphQLError(f"{name} skal være {count} cifre, ikke {value!r}")
        return value

    return parse_value


def _uuid(value: Any) -> str:
    if not (isinstance(value, str) and _UUID_RE.match(value)):
        raise GraphQLError(f"UUID i forkert format: {value!r}")
    return value.lower()


def _text(name: str) -> Any:
    def parse_value(value: Any) -> str:
        if not isinstance(value, str):
            raise GraphQLError(f"{name} skal være en tekst, ikke {value!r}")
        return value

    return parse_value


def load_schema() -> GraphQLSchema:
    """The SDL, with input checks on the scalars as FK-ORG makes them (CVR 8 digits, UUIDs)."""
    schema = build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))
    parsers = {
        "CVR": _digits(8, "CVR"),
        "CPR": _digits(10, "CPR"),
        "UUID": _uuid,
        "Cursor": _text("Cursor"),
        "DateTime": _text("DateTime"),
    }
    for name, parse_value in parsers.items():
        scalar = schema.type_map[name]
        assert isinstance(scalar, GraphQLScalarType)
        scalar.parse_value = parse_value  # type: ignore[method-assign]
        if hasattr(scalar, "coerce_input_value"):  # graphql-core 3.3 renamed the hook
            scalar.coerce_input_value = parse_value
    return schema


def encode_cursor(user_uuid: str) -> str:
    return base64.b64encode(user_uuid.encode()).decode()


def decode_cursor(cursor: str) -> str:
    try:
        return _uuid(base64.b64decode(cursor, validate=True).decode())
    except (binascii.Error, UnicodeDecodeError, GraphQLError):
        raise _Classified(f"Ugyldig cursor: {cursor!r}", "ValidationError") from None


# --- errors in KOMBIT's shape -----------------------------------------------------------------


class _Classified(GraphQLError):
    def __init__(self, message: str, classification: str, kind: str = "ERROR") -> None:
        super().__init__(message, extensions={"classification": classification, "type": kind})


def kombit_error(
    message: str,
    classification: str,
    *,
    kind: str = "ERROR",
    locations: list[dict[str, int]] | None = None,
    path: list[str | int] | None = None,
) -> dict[str, Any]:
    """One entry of ``errors[]`` as the README documents it."""
    error: dict[str, Any] = {"message": message, "locations": locations or []}
    if path:
        error["path"] = path
    error["extensions"] = {
        "message": message,
        "kildeId": KILDE_ID,
        "id": str(uuid.uuid4()),
        "type": kind,
        "classification": classification,
    }
    return error


def _from_graphql(error: GraphQLError, default: str) -> dict[str, Any]:
    extensions = error.extensions or {}
    classification = str(extensions.get("classification") or "")
    if not classification:
        if "non-nullable field" in error.message:
            classification = "NullValueInNonNullableField"
        else:
            classification = default
    locations = [{"line": loc.line, "column": loc.column} for loc in error.locations or []]
    return kombit_error(
        error.message,
        classification,
        kind=str(extensions.get("type") or "ERROR"),
        locations=locations,
        path=list(error.path) if error.path else None,
    )


def before_execution(status: int, error: str, message: str) -> Reply:
    """An error before execution: HTTP status and ``{timestamp, status, error, message, path}``."""
    return Reply(
        status,
        {
            "timestamp": datetime.now(UTC).isoformat(),
            "status": status,
            "error": error,
            "message": message,
            "path": GRAPHQL_PATH,
        },
    )


def _iso_datetime(text: str) -> bool:
    # Java's ZonedDateTime form ("...+02:00[Europe/Berlin]") is what the README shows.
    plain = re.sub(r"\[[^\]]*\]$", "", text.strip())
    plain = re.sub(r"(\.\d{6})\d+", r"\1", plain)  # fromisoformat takes at most 6 digits
    try:
        datetime.fromisoformat(plain.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


# --- the server ------------------------------------------------------------------------------


@dataclass
class _Call:
    """What one executed request asked for and what it raised beside data."""

    beside_data: list[dict[str, Any]] = field(default_factory=list)  # errors and warnings
    too_slow: bool = False


class FkOrgServer(FakeApi):
    """FK-ORG's ``organisationhent/1`` endpoint over ``users`` in the published Bruger shape."""

    def __init__(self, users: list[dict[str, Any]], token: str, cvr: str) -> None:
        super().__init__()
        self.schema = load_schema()
        self.users = sorted(users, key=lambda u: str(u["uuid"]))
        self.token = token
        self.cvr = cvr
        self.server_max = MAX_PAGE  # lower it to return fewer than asked
        self.slow_above: int | None = None  # 408 when asked for more in one call
        self.synchronising = 0  # the next n calls get 503 (data synchronisation)
        self.se_navn = True  # the token's SeNavn data restriction
        self.se_cpr = False
        self.error_on_page: int | None = None  # an ERROR beside data on that page
        self.drop_cursor_at_page: int | None = None  # hasNextPage without endCursor
        self.pages = 0  # brugerListe pages served
        self.answers: list[dict[str, Any]] = []  # every GraphQL body sent, in order
        self._count = threading.Lock()
        self._install_resolvers()

    # --- HTTP -----------------------------------------------------------------------------

    def route(self, request: Request) -> Reply:
        if request.path == TOKEN_PATH:
            return self._issue(request)
        if request.path != GRAPHQL_PATH or request.method != "POST":
            return before_execution(404, "Not Found", "Ukendt adresse")
        try:
            uuid.UUID(request.headers.get("x-transaktionsid", ""))
        except ValueError:
            return before_execution(400, "BadRequest", "x-TransaktionsId mangler eller er ugyldig")
        if not _iso_datetime(request.headers.get("x-transaktionstid", "")):
            return before_execution(400, "BadRequest", "x-TransaktionsTid mangler eller er ugyldig")
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return before_execution(401, "Unauthorized", "Ugyldigt eller manglende token")
        with self._count:
            if self.synchronising > 0:
                self.synchronising -= 1
                return before_execution(
                    503, "Service Unavailable", "Datasynkronisering i gang, prøv igen senere"
                )
        status, body = self.run(request.json())
        if status == 200:
            with self._count:
                self.answers.append(body)
        return Reply(status, body)

    def _issue(self, request: Request) -> Reply:
        form = request.form()
        if form.get("grant_type") != "client_credentials" or (
            f"anvenderkontekst:{self.cvr}" not in form.get("scope", "")
        ):
            return Reply(400, {"error": "invalid_request"})
        return Reply(200, {"access_token": self.token, "expires_in": 3600})

    # --- GraphQL ---------------------------------------------------------------------------

    def run(self, payload: Any) -> tuple[int, dict[str, Any]]:
        """Parse, validate and execute one request body: (HTTP status, GraphQL answer)."""
        if not isinstance(payload, Mapping) or not isinstance(payload.get("query"), str):
            return 200, {"errors": [kombit_error("Forespørgslen mangler", "InvalidSyntax")]}
        try:
            document = parse(payload["query"])
        except GraphQLSyntaxError as exc:
            return 200, {"errors": [_from_graphql(exc, "InvalidSyntax")]}
        invalid = validate(self.schema, document)
        if invalid:
            return 200, {"errors": [_from_graphql(e, "ValidationError") for e in invalid]}
        call = _Call()
        result = execute(
            self.schema,
            document,
            root_value=self,
            context_value=call,
            variable_values=payload.get("variables") or {},
            operation_name=payload.get("operationName"),
        )
        if call.too_slow:
            return 408, before_execution(408, "Request Timeout", "over 120 sekunder").body
        if result.data is None:  # variables that do not coerce: nothing was executed
            return 200, {"errors": [_from_graphql(e, "ValidationError") for e in result.errors]}
        errors = [_from_graphql(e, "ServerError") for e in result.errors or []]
        body: dict[str, Any] = {}
        if errors or call.beside_data:
            body["errors"] = errors + call.beside_data
        body["data"] = result.data
        return 200, body

    # --- resolvers ---------------------------------------------------------------------------

    def brugerListe(
        self,
        info: GraphQLResolveInfo,
        *,
        cvr: str,
        status: str,
        brugerFilter: Mapping[str, Any] | None = None,
        first: int | None = None,
        last: int | None = None,
        after: str | None = None,
        before: str | None = None,
    ) -> dict[str, Any]:
        call: _Call = info.context
        if (first is not None and last is not None) or (after is not None and before is not None):
            raise _Classified("first/last og after/before kan ikke blandes", "ValidationError")
        if last is not None or before is not None:
            raise _Classified("last/before er ikke med i testserveren", "ServerError")
        if first is not None and first < 0:
            raise _Classified("first må ikke være negativ", "ValidationError")
        if cvr != self.cvr:  # outside the token's user context
            raise _Classified(f"Organisation {cvr} findes ikke", "NotFound")
        users = [u for u in self.users if u["tilstand"]["status"] == status]
        users = [u for u in users if _matches(u, brugerFilter or {})]
        if after is not None:
            start = decode_cursor(after)
            users = [u for u in users if str(u["uuid"]) > start]
        asked = MAX_PAGE if first is None else first
        if self.slow_above is not None and asked > self.slow_above:
            call.too_slow = True  # FK-ORG stops a query after 120 s: HTTP 408
            return {"edges": [], "pageInfo": {"hasNextPage": False, "hasPreviousPage": False}}
        take = min(asked, MAX_PAGE, self.server_max)
        page, rest = users[:take], users[take:]
        with self._count:
            self.pages += 1
            number = self.pages
        cursors = [encode_cursor(str(u["uuid"])) for u in page]
        end_cursor = cursors[-1] if cursors else None
        if self.drop_cursor_at_page == number:
            end_cursor = None
        if self.error_on_page == number:
            call.beside_data.append(
                kombit_error(
                    "Adresse kunne ikke læses", "ServerError", path=["brugerListe", "edges"]
                )
            )
        return {
            "edges": [{"cursor": c, "node": u} for c, u in zip(cursors, page, strict=True)],
            "pageInfo": {
                "startCursor": cursors[0] if cursors else None,
                "endCursor": end_cursor,
                "hasNextPage": bool(rest),
                "hasPreviousPage": after is not None,
            },
        }

    def _install_resolvers(self) -> None:
        bruger = self.schema.type_map["Bruger"]
        person = self.schema.type_map["Person"]
        bruger.fields["adresser"].resolve = _adresser  # type: ignore[union-attr]
        person.fields["navn"].resolve = self._restricted("navn", "SeNavn")  # type: ignore[union-attr]
        person.fields["cpr"].resolve = self._restricted("cpr", "SeCPR")  # type: ignore[union-attr]

    def _restricted(self, key: str, restriction: str) -> Any:
        def resolve(person: Mapping[str, Any], info: GraphQLResolveInfo) -> Any:
            allowed = self.se_navn if key == "navn" else self.se_cpr
            if allowed:
                return person.get(key)
            call: _Call = info.context
            call.beside_data.append(
                kombit_error(
                    f"Tokenet mangler dataafgrænsningen {restriction}",
                    "Unauthorized",
                    kind="WARNING",
                    locations=_locations(info),
                    path=list(info.path.as_list()),
                )
            )
            return None

        return resolve


def _locations(info: GraphQLResolveInfo) -> list[dict[str, int]]:
    return [
        {"line": loc.line, "column": loc.column}
        for node in info.field_nodes
        if node.loc is not None
        for loc in [node.loc.source.get_location(node.loc.start)]
    ]


def _adresser(
    bruger: Mapping[str, Any], info: GraphQLResolveInfo, rolle: list[str] | None = None
) -> list[dict[str, Any]]:
    addresses = list(bruger.get("adresser") or [])
    if rolle is None:
        return addresses
    wanted = {r.lower() for r in rolle}
    return [a for a in addresses if str(a["klassifikation"]["rolle"]).lower() in wanted]


def _matches(user: Mapping[str, Any], wanted: Mapping[str, Any]) -> bool:
    unsupported = set(wanted) - {"brugernavn"}
    if unsupported:
        raise _Classified(
            f"brugerFilter {sorted(unsupported)} er ikke med i testserveren", "ServerError"
        )
    name = wanted.get("brugernavn")
    if name is None:
        return True
    if name.endswith("*"):
        return str(user["brugernavn"]).startswith(name[:-1])
    return bool(user["brugernavn"] == name)
