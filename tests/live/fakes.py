"""Small HTTP servers on 127.0.0.1 that follow the documented API shapes and
misbehave on demand (status codes, slow replies), for the live connector tests."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    delay: float = 0.0


@dataclass
class Fault:
    match: Callable[[Request], bool]
    reply: Reply
    times: int


@dataclass
class FakeApi:
    requests: list[Request] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(
        self, status: int, *, times: int = 1, path: str = "", delay: float = 0.0, body: Any = None
    ) -> None:
        """The next ``times`` requests whose path starts with ``path`` get ``status``."""
        self.faults.append(
            Fault(
                lambda r: r.path.startswith(path),
                Reply(status, body or {"message": "fejl"}, delay),
                times,
            )
        )

    def handle(self, request: Request) -> Reply:
        with self.lock:
            self.requests.append(request)
            for fault in self.faults:
                if fault.times > 0 and fault.match(request):
                    fault.times -= 1
                    return fault.reply
        return self.route(request)

    def route(self, request: Request) -> Reply:
        raise NotImplementedError


class _Handler(BaseHTTPRequestHandler):
    api: FakeApi

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        request = Request(
            self.command,
            parts.path,
            {k: v[0] for k, v in parse_qs(parts.query).items()},
            {k.lower(): v for k, v in self.headers.items()},
            self.rfile.read(length) if length else b"",
        )
        reply = self.api.handle(request)
        if reply.delay:
            time.sleep(reply.delay)
        payload = json.dumps(reply.body).encode()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)

    do_GET = _serve
    do_POST = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(api: FakeApi, *, ssl_context: Any = None) -> Iterator[str]:
    handler = type("Handler", (_Handler,), {"api": api})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    scheme = "http"
    if ssl_context is not None:
        server.socket = ssl_context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- OS2sofd -------------------------------------------------------------------------


class Os2sofdApi(FakeApi):
    def __init__(self, persons: list[dict[str, Any]], api_key: str) -> None:
        super().__init__()
        self.persons = sorted(persons, key=lambda p: p["uuid"])
        self.api_key = api_key
        self.drop_cursor_after: int | None = None  # a full page without nextOffset

    def route(self, request: Request) -> Reply:
        if request.headers.get("apikey") != self.api_key:
            return Reply(401, {"message": "Unauthorized"})
        if request.path != "/api/v2/persons":
            return Reply(404, {"message": "not found"})
        size = int(request.query.get("size", "100"))
        offset = request.query.get("offset", "")
        after = [p for p in self.persons if p["uuid"] > offset]
        page = after[:size]
        next_offset = page[-1]["uuid"] if page else None
        if (
            self.drop_cursor_after is not None
            and len(self.persons) - len(after) >= self.drop_cursor_after
        ):
            next_offset = None
        return Reply(200, {"persons": page, "page": {"size": size}, "nextOffset": next_offset})


# --- OS2sync -------------------------------------------------------------------------


class Os2syncApi(FakeApi):
    def __init__(self, users: list[dict[str, Any]], api_key: str, cvr: str) -> None:
        super().__init__()
        self.users = {u["Uuid"]: u for u in users}
        self.listed = list(self.users)
        self.api_key = api_key
        self.cvr = cvr
        self.hierarchy_not_ready = 2
        self.active = 0
        self.max_active = 0

    def route(self, request: Request) -> Reply:
        if request.headers.get("apikey") != self.api_key or request.headers.get("cvr") != self.cvr:
            return Reply(401, {"message": "Unauthorized"})
        if request.path == "/api/user/all":
            return Reply(200, self.listed)
        if request.path.startswith("/api/user/"):
            with self.lock:
                self.active += 1
                self.max_active = max(self.max_active, self.active)
            time.sleep(0.002)  # let requests overlap so concurrency is observable
            with self.lock:
                self.active -= 1
            user = self.users.get(request.path.rsplit("/", 1)[1])
            return Reply(200, user) if user else Reply(404, {"message": "not found"})
        if request.path == "/api/hierarchy":
            return Reply(200, "5b1c5a1e-0000-4000-8000-000000000001")
        if request.path.startswith("/api/hierarchy/"):
            if self.hierarchy_not_ready > 0:
                self.hierarchy_not_ready -= 1
                return Reply(404, None)
            users = [
                {
                    "Uuid": u["Uuid"],
                    "UserId": u["UserId"],
                    "Name": u["Person"]["Name"],
                    "Email": u["Email"],
                    "Telephone": u["PhoneNumber"],
                    "Status": u["Status"],
                    "Positions": u["Positions"],
                }
                for u in self.users.values()
            ]
            return Reply(
                200,
                {
                    "Created": "2024-01-01T00:00:00",
                    "Result": {"OUs": [], "Users": users},
                    "Status": "OK",
                },
            )
        return Reply(404, {"message": "not found"})


# --- OS2mo -----------------------------------------------------------------------------


# The OS2mo server is tests/live/os2mo_server.py (GraphQL executed against OS2mo's schema).


# --- FK-ORG GraphQL -------------------------------------------------------------------------

GRAPHQL_PATH = "/organisation/organisationhent/1"
TOKEN_PATH = "/runtime/api/rest/oauth/v1/issue"


class FkOrgApi(FakeApi):
    def __init__(self, nodes: list[dict[str, Any]], token: str, cvr: str) -> None:
        super().__init__()
        self.nodes = nodes
        self.token = token
        self.cvr = cvr
        self.server_max = 300  # fewer than asked
        self.slow_above: int | None = None  # 408 when asked for more
        self.warnings: list[dict[str, Any]] = []
        self.error_on_page: int | None = None
        self.drop_cursor_at_page: int | None = None
        self.pages = 0

    def route(self, request: Request) -> Reply:
        if request.path == TOKEN_PATH:
            form = request.form()
            if form.get(
                "grant_type"
            ) != "client_credentials" or f"anvenderkontekst:{self.cvr}" not in form.get(
                "scope", ""
            ):
                return Reply(400, {"error": "invalid_request"})
            return Reply(200, {"access_token": self.token, "expires_in": 3600})
        if request.path != GRAPHQL_PATH:
            return Reply(404, {"message": "not found"})
        try:
            uuid.UUID(request.headers.get("x-transaktionsid", ""))
        except ValueError:
            return Reply(
                400, {"status": 400, "error": "Bad Request", "message": "x-TransaktionsId mangler"}
            )
        if not request.headers.get("x-transaktionstid"):
            return Reply(
                400, {"status": 400, "error": "Bad Request", "message": "x-TransaktionsTid mangler"}
            )
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return Reply(401, {"status": 401, "error": "Unauthorized", "message": "invalid token"})
        variables = request.json()["variables"]
        first = int(variables["first"])
        if first > 500 or variables["cvr"] != self.cvr:
            return Reply(
                200,
                {
                    "errors": [
                        {
                            "message": "bad",
                            "extensions": {"type": "ERROR", "classification": "ValidationError"},
                        }
                    ]
                },
            )
        if self.slow_above is not None and first > self.slow_above:
            return Reply(408, {"status": 408, "error": "Request Timeout", "message": "over 120 s"})
        start = int(variables["after"] or 0)
        take = min(first, self.server_max)
        page = self.nodes[start : start + take]
        end = start + len(page)
        self.pages += 1
        has_next = end < len(self.nodes)
        cursor: str | None = str(end)
        if self.drop_cursor_at_page == self.pages:
            cursor = None
        body: dict[str, Any] = {
            "data": {
                "brugerListe": {
                    "pageInfo": {"hasNextPage": has_next, "endCursor": cursor},
                    "edges": [
                        {"cursor": str(start + i + 1), "node": n} for i, n in enumerate(page)
                    ],
                }
            }
        }
        errors = list(self.warnings)
        if self.error_on_page == self.pages:
            errors.append(
                {
                    "message": "Adresse kunne ikke læses",
                    "extensions": {"type": "ERROR", "classification": "ServerError"},
                }
            )
        if errors:
            body["errors"] = errors
        return Reply(200, body)
