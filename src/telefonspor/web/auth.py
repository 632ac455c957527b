"""Sign-in state: signed session cookies, CSRF tokens, the login rate limit and role checks.

The session lives in one signed cookie (itsdangerous): the user name and the
CSRF token, nothing else. The account is looked up on every request, so a
removed user is signed out at once.
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Final

from fastapi import Depends
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from telefonspor.settings import Key, Settings
from telefonspor.web.accounts import Account

COOKIE: Final = "telefonspor_session"
SESSION_MAX_AGE_S: Final = 12 * 3600
CSRF_FIELD: Final = "csrf_token"


class NotSignedIn(Exception):
    """The request needs a signed-in user."""


class Forbidden(Exception):
    """The user may not do this; the message is Danish."""


class CsrfFailed(Exception):
    """A form came without the session's CSRF token."""


@dataclass
class Session:
    user: str = ""
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    dirty: bool = False
    #: An OpenID Connect sign-in in progress: state, nonce, PKCE verifier, next page.
    pending: dict[str, str] = field(default_factory=dict)

    def sign_in(self, user: str) -> None:
        # A fresh token at sign-in: a token planted before login is worthless after it.
        self.user = user
        self.csrf = secrets.token_urlsafe(32)
        self.pending = {}
        self.dirty = True

    def sign_out(self) -> None:
        self.user = ""
        self.csrf = secrets.token_urlsafe(32)
        self.dirty = True


class SessionCodec:
    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="telefonspor-session")

    def load(self, cookie: str | None) -> Session:
        if cookie:
            try:
                data = self._serializer.loads(cookie, max_age=SESSION_MAX_AGE_S)
            except BadSignature:
                data = None
            if isinstance(data, dict) and isinstance(data.get("c"), str):
                pending = data.get("p")
                return Session(
                    user=str(data.get("u", "")),
                    csrf=data["c"],
                    pending={str(k): str(v) for k, v in pending.items()}
                    if isinstance(pending, dict)
                    else {},
                )
        return Session(dirty=True)

    def store(self, response: Response, session: Session, *, secure: bool) -> None:
        data: dict[str, object] = {"u": session.user, "c": session.csrf}
        if session.pending:
            data["p"] = session.pending
        value = self._serializer.dumps(data)
        response.set_cookie(
            COOKIE,
            value,
            max_age=SESSION_MAX_AGE_S,
            httponly=True,
            samesite="lax",
            secure=secure,
            path="/",
        )


def secret_key(settings: Settings, data_dir: Path) -> str:
    """The cookie key: from the configured environment variable, else a key file made once."""
    env_name = settings.get(Key.WEB_SECRET_KEY_ENV)
    from_env = os.environ.get(env_name, "") if env_name else ""
    if from_env:
        return from_env
    path = data_dir / "secret.key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


def session_of(request: Request) -> Session:
    session = getattr(request.state, "session", None)
    if not isinstance(session, Session):
        session = Session(dirty=True)
        request.state.session = session
    return session


def user_of(request: Request) -> Account | None:
    account = getattr(request.state, "account", None)
    return account if isinstance(account, Account) else None


def require_user(request: Request) -> Account:
    account = user_of(request)
    if account is None:
        raise NotSignedIn
    return account


def require_admin(request: Request) -> Account:
    account = require_user(request)
    if not account.is_admin:
        raise Forbidden("Det kræver rollen administrator. Du er logget ind som læser.")
    return account


async def checked_form(request: Request) -> AsyncIterator[FormData]:
    """The posted form, after checking its CSRF token against the session's.

    Uploaded files are closed (their temporary files removed) after the request.
    """
    form = await request.form()
    try:
        sent = form.get(CSRF_FIELD)
        expected = session_of(request).csrf
        if not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
            raise CsrfFailed
        yield form
    finally:
        await form.close()


class LoginLimiter:
    """At most ``attempts`` failed sign-ins per user name and per client within ``window_s``."""

    def __init__(
        self,
        attempts: int = 5,
        window_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._attempts = attempts
        self._window = window_s
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait_s(self, *keys: str) -> float:
        """Seconds until another attempt is allowed (0 when allowed now)."""
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key in keys:
                times = self._prune(key, now)
                if len(times) >= self._attempts:
                    wait = max(wait, times[0] + self._window - now)
        return wait

    def failed(self, *keys: str) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                self._prune(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    def _prune(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self._window:
            times.popleft()
        return times


# Route parameter types: `user: CurrentUser` signs the request in, `form: CheckedForm` checks CSRF.
CurrentUser = Annotated[Account, Depends(require_user)]
AdminUser = Annotated[Account, Depends(require_admin)]
CheckedForm = Annotated[FormData, Depends(checked_form)]
