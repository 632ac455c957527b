"""Request-body limits, counted as the bytes stream in, and the CSRF check before an upload.

Content-Length alone is not enough: a chunked request has none. So every request
body is counted while the app reads it, and reading stops with :class:`TooLarge`
at the limit: ``web.max_upload_mb`` (plus room for the form fields) for a
signed-in user's upload, 1 MB for their other forms, ``web.max_anonymous_kb``
for anyone else.

A signed-in user's multipart form (an upload) must carry the CSRF token as its
first field (every form template puts it first, and browsers send fields in page
order). It is checked from the first few kB, before the files are read, so a
forged upload costs the server nothing. An anonymous body is small anyway; its
route refuses it as not signed in.
"""

from __future__ import annotations

import hmac
from collections import deque
from typing import Final

from python_multipart.multipart import parse_options_header
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from telefonspor.settings import Key
from telefonspor.web.auth import CSRF_FIELD, session_of, user_of
from telefonspor.web.pages import render
from telefonspor.web.state import state_of
from telefonspor.web.uploads import TooLarge, upload_too_large

#: Room for the form fields around the uploaded files themselves.
FORM_OVERHEAD: Final = 1024 * 1024
#: The CSRF field must be complete within the body's first bytes.
_CSRF_PEEK: Final = 8 * 1024
_BODYLESS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


def too_large_page(request: Request, exc: TooLarge) -> Response:
    return render(request, "error.html", status_code=413, title=exc.title, message=exc.message)


def csrf_failed_page(request: Request) -> Response:
    return render(
        request,
        "error.html",
        status_code=403,
        title="Formularen kunne ikke godkendes",
        message="Formularen er udløbet eller kom ikke fra telefonspor. "
        "Gå tilbage, genindlæs siden og prøv igen.",
    )


def body_limit(request: Request, *, upload: bool) -> tuple[int, TooLarge]:
    """The byte limit of this request's body and the error to raise past it.

    Only a signed-in user's upload (a multipart form) may be large; any other
    form of theirs holds a few text fields.
    """
    settings = state_of(request).settings
    if user_of(request) is not None:
        if not upload:
            return FORM_OVERHEAD, TooLarge(
                f"Formularen er større end {FORM_OVERHEAD // 1024 // 1024} MB.",
                title="Formularen er for stor",
            )
        limit_mb = settings.get(Key.WEB_MAX_UPLOAD_MB)
        return limit_mb * 1024 * 1024 + FORM_OVERHEAD, upload_too_large(limit_mb)
    limit_kb = settings.get(Key.WEB_MAX_ANONYMOUS_KB)
    return limit_kb * 1024, TooLarge(
        f"Forespørgslen er større end {limit_kb} kB, som er grænsen, før man er logget ind "
        "(indstillingen web.max_anonymous_kb). Log ind og prøv igen.",
        title="Forespørgslen er for stor",
    )


class BodyLimit:
    """ASGI middleware: counts each request body and stops reading it at the limit.

    It runs inside the session middleware, which has already put the session and
    the account on ``scope["state"]``.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in _BODYLESS:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        # The same parse as Starlette's form parser, so both agree on what is an upload.
        content_type, options = parse_options_header(request.headers.get("content-type", ""))
        upload = content_type == b"multipart/form-data"
        limit, error = body_limit(request, upload=upload)
        length = request.headers.get("content-length", "")
        # ASCII digits only ("²".isdigit() is True, but int() refuses it); 19+ digits is huge.
        declared = length.isascii() and length.isdigit()
        if declared and (len(length) > 18 or int(length) > limit):
            # Refused before the body is read: a huge upload never reaches the disk.
            await too_large_page(request, error)(scope, receive, send)
            return
        body = _CountedBody(receive, limit, error)
        if upload and user_of(request) is not None:
            token = await body.first_field(options.get(b"boundary", b""), CSRF_FIELD)
            expected = session_of(request).csrf
            if token is None or not hmac.compare_digest(token, expected.encode()):
                await csrf_failed_page(request)(scope, receive, send)
                return

        async def closing_send(message: Message) -> None:
            # Cut off mid-body: the rest of it is not wanted, so the connection ends.
            if message["type"] == "http.response.start" and body.exceeded:
                message = {**message, "headers": [*message["headers"], (b"connection", b"close")]}
            await send(message)

        await self.app(scope, body.receive, closing_send)


class _CountedBody:
    def __init__(self, receive: Receive, limit: int, error: TooLarge) -> None:
        self._receive = receive
        self._limit = limit
        self._error = error
        self._read = 0
        self._peeked: deque[Message] = deque()
        self.exceeded = False

    async def receive(self) -> Message:
        if self._peeked:
            return self._peeked.popleft()
        message = await self._receive()
        if message["type"] == "http.request":
            self._read += len(message.get("body", b""))
            if self._read > self._limit:
                self.exceeded = True
                raise self._error
        return message

    async def first_field(self, boundary: bytes, name: str) -> bytes | None:
        """The value of the body's first multipart field when it is ``name``, else None.

        Reads at most a few kB; what it read is handed to the app again.
        """
        head = b""
        more = True
        while more and len(head) < _CSRF_PEEK:
            message = await self.receive()
            self._peeked.append(message)
            if message["type"] != "http.request":
                break
            head += message.get("body", b"")
            more = bool(message.get("more_body", False))
            value = _first_field(head, boundary, name)
            if value is not None:
                return value
        return None


def _first_field(head: bytes, boundary: bytes, name: str) -> bytes | None:
    delimiter = b"--" + boundary
    if not boundary or not head.startswith(delimiter + b"\r\n"):
        return None
    headers_end = head.find(b"\r\n\r\n", len(delimiter))
    if headers_end < 0:
        return None
    value_end = head.find(b"\r\n" + delimiter, headers_end + 4)
    if value_end < 0:
        return None
    for line in head[len(delimiter) + 2 : headers_end].split(b"\r\n"):
        field, _, rest = line.partition(b":")
        if field.strip().lower() == b"content-disposition":
            kind, options = parse_options_header(rest.strip())
            if kind == b"form-data" and options.get(b"name") == name.encode():
                return head[headers_end + 4 : value_end]
    return None
