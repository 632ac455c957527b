"""/mit-nummer/<token>: the employee's own page, no login; the link is the permission.

Unknown, expired, revoked and used links all get the same neutral page (no
enumeration); unknown links and refused forms count against the client in a
limiter like the login's. The numbers are checked on the server by the phone
engine; logs carry the user id, never a number.
"""

from __future__ import annotations

import logging
from typing import Final

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from telefonspor.errors import InputError
from telefonspor.phones import PhoneEngine
from telefonspor.selfservice.validate import Checked, check_number
from telefonspor.settings import Key
from telefonspor.store.selfservice import Link, token_hash
from telefonspor.web.auth import CheckedForm
from telefonspor.web.pages import render
from telefonspor.web.state import WebState, state_of

log = logging.getLogger("telefonspor.web.selfservice")

router = APIRouter()

MAX_REASON: Final = 500
FIELD_LABELS: Final = {"direct": "Direkte nummer", "mobile": "Mobil nummer"}


def _client_key(request: Request) -> str:
    return f"ip:{request.client.host if request.client else ''}"


def _neutral(request: Request, *, limited: bool = False) -> Response:
    # One page for every link that does not work: nothing tells which case it is.
    return render(
        request,
        "selfservice_neutral.html",
        status_code=429 if limited else 404,
        title="Linket virker ikke",
        limited=limited,
    )


def _live_link(request: Request, token: str) -> Link | None:
    state = state_of(request)
    client = _client_key(request)
    if state.selfservice_limiter.wait_s(client) > 0:
        raise _Limited
    link = state.store().selfservice().link(token)
    if link is None:
        state.selfservice_limiter.failed(client)
    return link


class _Limited(Exception):
    pass


@router.get("/mit-nummer/{token}")
def own_number_page(request: Request, token: str) -> Response:
    try:
        link = _live_link(request, token)
    except _Limited:
        return _neutral(request, limited=True)
    if link is None:
        return _neutral(request)
    return _form(request, link, values={}, errors={})


@router.post("/mit-nummer/{token}")
def own_number_submit(request: Request, token: str, form: CheckedForm) -> Response:
    try:
        link = _live_link(request, token)
    except _Limited:
        return _neutral(request, limited=True)
    if link is None:
        return _neutral(request)
    state = state_of(request)
    values = {
        "direct": str(form.get("direkte", "")).strip(),
        "mobile": str(form.get("mobil", "")).strip(),
        "reason": str(form.get("begrundelse", "")).strip(),
        "none": "ja" if form.get("ingen_nummer") else "",
    }
    errors, numbers = _check(state, link, values)
    if errors:
        # Wrong numbers count too: a link is not a free oracle for the validation.
        state.selfservice_limiter.failed(_client_key(request), f"link:{token_hash(token)}")
        return _form(request, link, values=values, errors=errors, status_code=400)
    try:
        submission = (
            state.store()
            .selfservice()
            .submit(
                link,
                direct=numbers.get("direct", ""),
                mobile=numbers.get("mobile", ""),
                reason=values["reason"] if values["none"] else "",
                auto_approve=state.settings.get(Key.SELFSERVICE_AUTO_APPROVE),
            )
        )
    except InputError:
        return _neutral(request)  # used in another tab a moment ago
    log.info("Selvbetjening: indsendelse nr. %d fra %s", submission.id, link.user_id)
    return render(
        request,
        "selfservice_thanks.html",
        title="Tak",
        name=link.name,
        no_number=submission.kind == "no_number",
        direct_masked=submission.direct_masked,
        mobile_masked=submission.mobile_masked,
    )


def _check(
    state: WebState, link: Link, values: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    errors: dict[str, str] = {}
    numbers: dict[str, str] = {}
    if values["none"]:
        if values["direct"] or values["mobile"]:
            errors["none"] = (
                "Skriv enten et nummer eller vælg 'Jeg har ikke et arbejdsnummer' – ikke begge."
            )
        elif not values["reason"]:
            errors["reason"] = "Skriv kort, hvorfor du ikke har et arbejdsnummer."
        elif len(values["reason"]) > MAX_REASON:
            errors["reason"] = f"Begrundelsen må højst være {MAX_REASON} tegn."
        return errors, numbers
    if not values["direct"] and not values["mobile"]:
        errors["direct"] = (
            "Skriv mindst ét nummer – eller vælg 'Jeg har ikke et arbejdsnummer' nederst."
        )
        return errors, numbers
    engine = PhoneEngine(state.settings.get(Key.AUDIT_PLACEHOLDERS))
    service = state.store().selfservice()

    def shared(e164: str) -> bool:
        return service.shared_in_run(link.run_id, e164)

    for field in ("direct", "mobile"):
        checked: Checked = check_number(values[field], engine, is_shared=shared)
        if checked.error:
            errors[field] = checked.error
        elif checked.number:
            numbers[field] = checked.number
    if not errors and numbers.get("direct") and numbers.get("direct") == numbers.get("mobile"):
        errors["mobile"] = (
            "Mobilnummeret er det samme som det direkte nummer; skriv det kun én gang."
        )
    return errors, numbers


def _form(
    request: Request,
    link: Link,
    *,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "selfservice_form.html",
        status_code=status_code,
        title="Dit telefonnummer",
        link=link,
        values=values,
        errors=errors,
        labels=FIELD_LABELS,
        max_reason=MAX_REASON,
    )
