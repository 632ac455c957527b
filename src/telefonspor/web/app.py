"""The FastAPI application: middleware for sessions and limits, one error handler, the pages."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Final
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from telefonspor.errors import (
    ConfigError,
    InputError,
    SourceError,
    TelefonsporError,
    redacted_traceback,
)
from telefonspor.settings import Settings
from telefonspor.web.accounts import Accounts
from telefonspor.web.auth import (
    COOKIE,
    CsrfFailed,
    Forbidden,
    NotSignedIn,
    SessionCodec,
    secret_key,
    session_of,
    signed_in,
)
from telefonspor.web.datadir import prepare_data_dir
from telefonspor.web.limits import BodyLimit, csrf_failed_page, too_large_page
from telefonspor.web.oidc import OidcConfig
from telefonspor.web.pages import render
from telefonspor.web.state import WebState, default_data_dir, state_of
from telefonspor.web.uploads import TooLarge
from telefonspor.web.views import ROUTERS

log = logging.getLogger("telefonspor.web")

_STATIC: Final = Path(__file__).parent / "static"
_SECURITY_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(settings: Settings, *, data_dir: Path | None = None) -> FastAPI:
    """The web app over the store at ``settings.db_url()``.

    ``data_dir`` holds each web run's reports, uploads in progress and the
    cookie key file; by default a folder ``web`` next to the SQLite database.
    """
    db_url = settings.db_url()
    folder = data_dir or default_data_dir(db_url)
    prepare_data_dir(folder)
    state = WebState(
        settings=settings,
        db_url=db_url,
        data_dir=folder,
        accounts=Accounts.open(db_url, settings),
        codec=SessionCodec(secret_key(settings, folder)),
        oidc=OidcConfig.from_settings(settings),
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()

    app = FastAPI(
        title="telefonspor",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.web = state
    app.mount("/static", StaticFiles(directory=_STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    _add_middleware(app)
    _add_error_handlers(app)
    return app


Call = Callable[[Request], Awaitable[Response]]


def _add_middleware(app: FastAPI) -> None:
    # Added first, so it runs inside the session middleware below and knows who is signed in.
    app.add_middleware(BodyLimit)

    @app.middleware("http")
    async def web_middleware(request: Request, call_next: Call) -> Response:
        state = state_of(request)
        session = state.codec.load(request.cookies.get(COOKIE))
        request.state.session = session
        try:
            request.state.account = signed_in(state.accounts, session)
        except TelefonsporError as exc:
            request.state.account = None
            return _error_page(request, exc)
        response = await call_next(request)
        session = session_of(request)
        if session.dirty:
            state.codec.store(response, session, secure=request.url.scheme == "https")
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def _error_page(request: Request, exc: TelefonsporError) -> Response:
    status = 400 if isinstance(exc, InputError | ConfigError) else 500
    if isinstance(exc, SourceError):
        status = 502
    return render(
        request, "error.html", status_code=status, title="Der opstod en fejl", message=str(exc)
    )


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(TelefonsporError)
    async def telefonspor_error(request: Request, exc: TelefonsporError) -> Response:
        return _error_page(request, exc)

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if request.method in {"GET", "HEAD"}:
            target = request.url.path
            if request.url.query:
                target += "?" + request.url.query
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        return render(
            request,
            "error.html",
            status_code=401,
            title="Log ind først",
            message="Du er ikke logget ind (eller din session er udløbet). Log ind og prøv igen.",
        )

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return render(
            request, "error.html", status_code=403, title="Ingen adgang", message=str(exc)
        )

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed) -> Response:
        return csrf_failed_page(request)

    @app.exception_handler(TooLarge)
    async def too_large(request: Request, exc: TooLarge) -> Response:
        return too_large_page(request, exc)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        return render(
            request,
            "error.html",
            status_code=400,
            title="Ugyldig forespørgsel",
            message="Adressen eller formularen indeholder en ugyldig værdi. Gå tilbage og prøv igen.",
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        titles = {404: "Siden findes ikke", 405: "Det kan man ikke her"}
        return render(
            request,
            "error.html",
            status_code=exc.status_code,
            title=titles.get(exc.status_code, "Der opstod en fejl"),
            message=exc.detail if exc.status_code not in titles else "",
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        # A fault in telefonspor: the page names only the exception's type (its message
        # may hold personal data); the traceback goes to the server's log with the messages
        # redacted (no CPR or phone numbers in logs), and the server keeps serving.
        log.error(
            "Uventet fejl ved %s %s\n%s",
            request.method,
            request.url.path,
            redacted_traceback(exc),
        )
        return render(
            request,
            "error.html",
            status_code=500,
            title="Der opstod en uventet fejl",
            message=f"Intern fejl i telefonspor ({type(exc).__name__}). Fejlen er skrevet i "
            "serverens log. Prøv igen, eller send loggen til jeres leverandør.",
        )
