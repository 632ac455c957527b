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
    #: Sent as is instead of ``body`` as JSON (ASP.NET's text/plain strings, empty bodies).
    raw: bytes | None = None
    content_type: str = "application/json"


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
        payload = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
        try:
            self.send_response(reply.status)
            if payload:
                self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)

    do_GET = _serve
    do_POST = _serve
    do_PATCH = _serve

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


def spring_error(status: int, error: str, path: str) -> Reply:
    """Spring Boot's default error body (no message: server.error.include-message=never)."""
    body = {"timestamp": "2026-11-30T10:00:00.000+00:00", "status": status, "error": error}
    return Reply(status, {**body, "path": path})


class Os2sofdApi(FakeApi):
    """``GET /api/v2/persons`` as OS2sofd/os2sofd PersonApi.getPersons (commit 88a368a6):
    ``SELECT * FROM persons WHERE uuid > :offset ORDER BY uuid LIMIT :size``; ``nextOffset``
    is the last person's uuid on every non-empty page (absent on an empty one), ``page``
    echoes the page parameter, and the persons travel in a HashSet, so not in uuid order
    within a page. A wrong or missing ``ApiKey`` is ``sendError(401)``."""

    def __init__(self, persons: list[dict[str, Any]], api_key: str) -> None:
        super().__init__()
        self.persons = sorted(persons, key=lambda p: p["uuid"])
        self.api_key = api_key
        self.drop_cursor_after: int | None = None  # a full page without nextOffset

    def route(self, request: Request) -> Reply:
        if request.headers.get("apikey") != self.api_key:
            return spring_error(401, "Unauthorized", request.path)
        if request.path != "/api/v2/persons":
            return spring_error(404, "Not Found", request.path)
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
        # A HashSet: the page's persons in no useful order (here: by a hash of the uuid).
        shuffled = sorted(page, key=lambda p: hash_order(p["uuid"]))
        body = {"persons": shuffled, "page": int(request.query.get("page", "0"))}
        return Reply(200, {**body, "nextOffset": next_offset})


def hash_order(text: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_OID, text))


# --- OS2sync -------------------------------------------------------------------------

#: ASP.NET Core's ``Unauthorized()``/``NotFound()`` (no [ApiController]): status, empty body.
EMPTY = b""


class Os2syncApi(FakeApi):
    """OS2sync/OS2sync ServiceLayer (commit 7c8a175a): UserController and HierarchyController.

    Wrong ``apiKey`` -> ``Unauthorized()`` (401, empty body); unknown user -> ``NotFound()``
    (404, empty body); a failure -> ``BadRequest(ex.Message)`` (400, text/plain message);
    ``GET /api/hierarchy`` -> ``Ok(uuid)``, a string, which ASP.NET's StringOutputFormatter
    writes as text/plain unless the client asks for JSON; the result carries
    ``Status`` 0 SUCCESS / 1 FAILURE and is deleted once read. Enums are integers."""

    def __init__(self, users: list[dict[str, Any]], api_key: str, cvr: str) -> None:
        super().__init__()
        self.users = {u["Uuid"]: u for u in users}
        self.listed = list(self.users)
        self.api_key = api_key
        self.cvr = cvr
        self.hierarchy_not_ready = 2
        self.hierarchy_fails = False
        self.active = 0
        self.max_active = 0

    def route(self, request: Request) -> Reply:
        if request.path.startswith("/api/hierarchy/"):  # ReadResult checks no api key
            return self._hierarchy_result()
        if request.headers.get("apikey") != self.api_key or request.headers.get("cvr") != self.cvr:
            return Reply(401, raw=EMPTY)
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
            return Reply(200, user) if user else Reply(404, raw=EMPTY)
        if request.path == "/api/hierarchy":
            job = "5b1c5a1e-0000-4000-8000-000000000001"
            if "application/json" in request.headers.get("accept", ""):
                return Reply(200, job)
            return Reply(200, raw=job.encode(), content_type="text/plain; charset=utf-8")
        return Reply(404, raw=EMPTY)

    def _hierarchy_result(self) -> Reply:
        if self.hierarchy_not_ready > 0:
            self.hierarchy_not_ready -= 1
            return Reply(404, raw=EMPTY)
        if self.hierarchy_fails:
            return Reply(200, {"Created": "2024-01-01T00:00:00", "Result": None, "Status": 1})
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
                "Status": 0,
            },
        )


def bad_request(message: str) -> Reply:
    """ASP.NET's ``BadRequest(ex.Message)``: 400 with the message as text/plain."""
    return Reply(400, raw=message.encode(), content_type="text/plain; charset=utf-8")


# --- OS2mo -----------------------------------------------------------------------------


# The OS2mo server is tests/live/os2mo_server.py (GraphQL executed against OS2mo's schema);
# the FK-ORG server is tests/live/fkorg_server.py (executed against KOMBIT's schema).
