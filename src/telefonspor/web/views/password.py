"""/adgangskode: a signed-in user changes their own password; every other session of theirs ends."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from telefonspor.errors import InputError
from telefonspor.web.auth import CheckedForm, CurrentUser, session_of
from telefonspor.web.pages import render
from telefonspor.web.state import state_of

router = APIRouter()


@router.get("/adgangskode")
def password_page(request: Request, user: CurrentUser) -> Response:
    return render(request, "password.html", error="", done=False)


@router.post("/adgangskode")
def change_password(request: Request, user: CurrentUser, form: CheckedForm) -> Response:
    state = state_of(request)
    current = str(form.get("current", ""))
    new = str(form.get("new", ""))
    error = ""
    if state.accounts.verify(user.name, current) is None:
        error = "Den nuværende adgangskode er forkert."
    elif new != str(form.get("repeat", "")):
        error = "De to nye adgangskoder er ikke ens."
    else:
        try:
            state.accounts.set_password(user.name, new)  # ends all the user's sessions ...
        except InputError as exc:
            error = str(exc)
    if error:
        return render(request, "password.html", status_code=400, error=error, done=False)
    # ... and this browser gets a fresh one, so only the others are signed out.
    session_of(request).sign_in(user.name, state.accounts.sessions.start(user.name))
    return render(request, "password.html", error="", done=True)
