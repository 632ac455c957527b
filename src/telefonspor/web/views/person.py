"""Person: one holder's trace across the systems, the findings and the decision form."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from telefonspor.errors import InputError
from telefonspor.reports.view import (
    DECISION_LABELS,
    KEY_LABELS,
    explanation,
    keyed_hops,
    problem_text,
)
from telefonspor.web.auth import (
    AdminUser,
    CheckedForm,
    CurrentUser,
)
from telefonspor.web.pages import render
from telefonspor.web.state import state_of
from telefonspor.web.views.common import select_run

router = APIRouter()


@router.get("/person/{user_id:path}")
def person_page(
    request: Request,
    user_id: str,
    user: CurrentUser,
    koersel: int | None = None,
) -> Response:
    return _person(request, user_id, koersel)


def _person(
    request: Request,
    user_id: str,
    koersel: int | None,
    *,
    form_error: str = "",
    chosen: str = "",
    reason: str = "",
) -> Response:
    """The person page; a refused decision is shown inline at the form (status 400)."""
    selected = select_run(request, koersel)
    if selected.detail is None:
        raise HTTPException(404)
    holder = selected.detail.by_user.get(user_id)
    if holder is None:
        raise HTTPException(404)
    return render(
        request,
        "person.html",
        run=selected.run,
        holder=holder,
        hops=keyed_hops(holder.trace),
        problem=problem_text(holder),
        explanation=explanation(holder),
        decision=selected.decisions.get(user_id),
        decision_labels=DECISION_LABELS,
        key_labels=KEY_LABELS,
        form_error=form_error,
        chosen=chosen,
        reason=reason,
        status_code=400 if form_error else 200,
    )


@router.post("/person/{user_id:path}/beslutning")
def decide(
    request: Request,
    user_id: str,
    user: AdminUser,
    form: CheckedForm,
) -> Response:
    decision = str(form.get("decision", ""))
    reason = str(form.get("reason", "")).strip()[:1000]
    if decision not in DECISION_LABELS:
        raise InputError("Vælg en beslutning: rettes eller accepteres.")
    if decision == "accept" and not reason:
        return _person(
            request,
            user_id,
            None,
            form_error="Skriv en begrundelse, når sagen accepteres (handles ikke).",
            chosen=decision,
        )
    if not user_id:
        raise HTTPException(404)
    state_of(request).store().decide(user_id, decision, reason, user.name)
    return RedirectResponse(f"/person/{quote(user_id)}?gemt=1", status_code=303)
