"""/login and /logout: local accounts, rate-limited; logout ends the session on the server."""

from __future__ import annotations

import hmac
from typing import Final

from fastapi import APIRouter
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from telefonspor.errors import InputError
from telefonspor.web import oidc
from telefonspor.web.accounts import Accounts
from telefonspor.web.auth import CheckedForm, Forbidden, session_of, user_of
from telefonspor.web.pages import render
from telefonspor.web.state import state_of

router = APIRouter()

#: Longer user names are refused before they reach the rate limiter (accounts have at most 64).
MAX_USERNAME: Final = 256


def _safe_next(target: str) -> str:
    # Only paths on this site: "//evil.example" or "https://..." would leave it.
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    if user_of(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", next=_safe_next(next), error="", username="")


@router.get("/login/oidc")
def oidc_start(request: Request, next: str = "/") -> Response:
    config = state_of(request).oidc
    if config is None:
        raise HTTPException(404)
    begun = oidc.start(config, str(request.url_for("oidc_callback")))
    session = session_of(request)
    session.pending = {
        "state": begun.state,
        "nonce": begun.nonce,
        "verifier": begun.verifier,
        "next": _safe_next(next),
    }
    session.dirty = True
    return RedirectResponse(begun.url, status_code=303)


@router.get("/login/oidc/svar", name="oidc_callback")
def oidc_callback(request: Request, code: str = "", state: str = "") -> Response:
    web = state_of(request)
    if web.oidc is None:
        raise HTTPException(404)
    session = session_of(request)
    pending = session.pending
    # One use only: a failed or replayed answer cannot be tried again.
    session.pending = {}
    session.dirty = True
    if not code or not pending.get("state") or not hmac.compare_digest(state, pending["state"]):
        raise Forbidden("Log ind via organisationens konto blev ikke gennemført. Prøv igen.")
    try:
        identity = oidc.finish(
            web.oidc,
            code=code,
            redirect_uri=str(request.url_for("oidc_callback")),
            nonce=pending.get("nonce", ""),
            verifier=pending.get("verifier", ""),
        )
        account = web.accounts.for_oidc(identity.name, identity.subject)
    except (oidc.Refused, InputError) as exc:
        raise Forbidden(str(exc)) from exc
    if account is None:
        raise Forbidden(_not_linked(web.accounts, identity.name))
    target = pending.get("next", "/")
    session.sign_in(account.name, web.accounts.sessions.start(account.name))
    return RedirectResponse(_safe_next(target), status_code=303)


def _not_linked(accounts: Accounts, identity: str) -> str:
    # A local account of the same name is not enough: it must be linked explicitly.
    same_name = accounts.get(identity) or accounts.get(identity.casefold())
    if same_name is not None:
        return (
            f"Du er logget ind hos organisationen som {identity}. Brugeren {same_name.name} "
            "findes i telefonspor, men er ikke koblet til organisationens login. Bed driften "
            f"om at koble den med 'telefonspor users link-oidc {same_name.name}'."
        )
    return (
        f"Du er logget ind som {identity}, men har ingen bruger i telefonspor. Bed driften "
        f"om at oprette dig med 'telefonspor users add {identity} --role viewer --oidc'."
    )


@router.post("/login")
def login(
    request: Request,
    form: CheckedForm,
) -> Response:
    state = state_of(request)
    username = str(form.get("username", "")).strip()
    password = str(form.get("password", ""))
    target = _safe_next(str(form.get("next", "/")))
    if len(username) > MAX_USERNAME:
        # Refused before the rate limiter: a made-up name must not cost it memory.
        return render(
            request,
            "login.html",
            status_code=400,
            next=target,
            username="",
            error=f"Brugernavnet er for langt (højst {MAX_USERNAME} tegn).",
        )
    client = f"ip:{request.client.host if request.client else ''}"
    keys = (client, f"user:{username.casefold()}")
    wait = state.limiter.wait_s(*keys)
    if wait > 0:
        minutes = max(1, round(wait / 60))
        return render(
            request,
            "login.html",
            status_code=429,
            next=target,
            username=username,
            error=f"For mange forkerte forsøg. Vent {minutes} minut(ter), og prøv igen.",
        )
    account = state.accounts.verify(username, password) if username and password else None
    if account is None:
        state.limiter.failed(*keys)
        return render(
            request,
            "login.html",
            status_code=401,
            next=target,
            username=username,
            error="Forkert brugernavn eller adgangskode.",
        )
    state.limiter.succeeded(*keys)
    session_of(request).sign_in(account.name, state.accounts.sessions.start(account.name))
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(
    request: Request,
    form: CheckedForm,
) -> Response:
    session = session_of(request)
    # Ended on the server: a copy of the cookie (another tab, a stolen one) is refused too.
    state_of(request).accounts.sessions.end(session.sid)
    session.sign_out()
    return RedirectResponse("/login", status_code=303)
