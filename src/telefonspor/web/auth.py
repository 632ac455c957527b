"""Sign-in state: signed session cookies, CSRF tokens, the login rate limit and role checks.

The session cookie is signed (itsdangerous) and holds the user name, a random
session id and the CSRF token. The id must name a live row in the database
(``store.sessions``) on every request, so logout, a password change and a removed
user end the session at once, also for a copy of the cookie.
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Final

from fastapi import Depends
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from telefonspor.errors import InputError
from telefonspor.settings import Key, Settings
from telefonspor.web.accounts import Account, Accounts
from telefonspor.web.uploads import TooLarge

COOKIE: Final = "telefonspor_session"
SESSION_MAX_AGE_S: Final = 12 * 3600
CSRF_FIELD: Final = "csrf_token"
#: Text fields per form; the largest form (Ny kørsel) has about a dozen.
_MAX_FIELDS: Final = 100


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
    #: The server-side session id (``store.sessions``); '' when not signed in.
    sid: str = ""
    dirty: bool = False
    #: An OpenID Connect sign-in in progress: state, nonce, PKCE verifier, next page.
    pending: dict[str, str] = field(default_factory=dict)

    def sign_in(self, user: str, sid: str) -> None:
        # A fresh token at sign-in: a token planted before login is worthless after it.
        self.user = user
        self.sid = sid
        self.csrf = secrets.token_urlsafe(32)
        self.pending = {}
        self.dirty = True

    def sign_out(self) -> None:
        self.user = ""
        self.sid = ""
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
                sid = data.get("s")
                # A cookie without a session id (made before server-side sessions) signs no one in.
                return Session(
                    user=str(data.get("u", "")) if isinstance(sid, str) and sid else "",
                    sid=sid if isinstance(sid, str) else "",
                    csrf=data["c"],
                    pending={str(k): str(v) for k, v in pending.items()}
                    if isinstance(pending, dict)
                    else {},
                )
        return Session(dirty=True)

    def store(self, response: Response, session: Session, *, secure: bool) -> None:
        data: dict[str, object] = {"u": session.user, "c": session.csrf}
        if session.sid:
            data["s"] = session.sid
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


def signed_in(accounts: Accounts, session: Session) -> Account | None:
    """The account of a live session; a revoked or expired one is signed out (cookie cleared)."""
    if not session.user:
        return None
    if accounts.sessions.user_of(session.sid) != session.user:
        session.sign_out()
        return None
    account = accounts.get(session.user)
    if account is None:
        session.sign_out()
    return account


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
    Every text field is capped at ``web.max_field_kb``.
    """
    from telefonspor.web.state import state_of  # the state module imports this one

    field_kb = state_of(request).settings.get(Key.WEB_MAX_FIELD_KB)
    try:
        form = await request.form(max_fields=_MAX_FIELDS, max_part_size=field_kb * 1024)
    except HTTPException as exc:
        # Starlette's form parser refuses in English; the user gets it in Danish.
        if exc.status_code != 400:
            raise
        if "maximum" in str(exc.detail):
            raise TooLarge(
                f"Et felt i formularen er længere end {field_kb} kB (indstillingen "
                f"web.max_field_kb), eller formularen har over {_MAX_FIELDS} felter.",
                title="Formularen er for stor",
            ) from exc
        raise InputError("Formularen kunne ikke læses. Genindlæs siden og prøv igen.") from exc
    try:
        sent = form.get(CSRF_FIELD)
        expected = session_of(request).csrf
        if not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
            raise CsrfFailed
        yield form
    finally:
        await form.close()


class LoginLimiter:
    """At most ``attempts`` failed sign-ins per user name and per client within ``window_s``.

    The table is bounded: a key is made only by a failed attempt (never by a
    refused one), it holds at most ``attempts`` times, it is dropped once its
    last failure is older than the window, and past ``max_keys`` keys the one
    with the oldest last failure goes first.
    """

    def __init__(
        self,
        attempts: int = 5,
        window_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self._attempts = attempts
        self._window = window_s
        self._clock = clock
        self._max_keys = max_keys
        # Ordered by last failure, oldest first: expiry and eviction pop from the front.
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._failures)

    def wait_s(self, *keys: str) -> float:
        """Seconds until another attempt is allowed (0 when allowed now)."""
        now = self._clock()
        wait = 0.0
        with self._lock:
            self._expire(now)
            for key in keys:
                times = self._failures.get(key)
                if times is not None and len(times) >= self._attempts:
                    wait = max(wait, times[0] + self._window - now)
        return wait

    def failed(self, *keys: str) -> None:
        now = self._clock()
        with self._lock:
            self._expire(now)
            for key in keys:
                times = self._failures.pop(key, None) or deque(maxlen=self._attempts)
                times.append(now)
                self._failures[key] = times
            while len(self._failures) > self._max_keys:
                self._failures.popitem(last=False)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    def _expire(self, now: float) -> None:
        while self._failures:
            times = next(iter(self._failures.values()))
            if times[-1] > now - self._window:
                break
            self._failures.popitem(last=False)


# Route parameter types: `user: CurrentUser` signs the request in, `form: CheckedForm` checks CSRF.
CurrentUser = Annotated[Account, Depends(require_user)]
AdminUser = Annotated[Account, Depends(require_admin)]
CheckedForm = Annotated[FormData, Depends(checked_form)]
