"""Overblik: coverage now and over time, the chain with losses per hop, the task's five steps."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from telefonspor.errors import InputError
from telefonspor.settings import Key
from telefonspor.store.kombit_message import kombit_message
from telefonspor.web.auth import (
    AdminUser,
    CheckedForm,
    CurrentUser,
)
from telefonspor.web.charts import chain_from_causes, trend_chart
from telefonspor.web.pages import render
from telefonspor.web.state import state_of
from telefonspor.web.views.common import select_run

router = APIRouter()


@router.get("/")
def overview(
    request: Request,
    user: CurrentUser,
    koersel: int | None = None,
) -> Response:
    return _overview(request, koersel)


def _overview(request: Request, koersel: int | None, *, task_error: str = "") -> Response:
    """The overview; a refused task decision is shown inline in its panel (status 400)."""
    selected = select_run(request, koersel, with_detail=False)
    store = state_of(request).store()
    run = selected.run
    if run is None:
        return render(request, "overview.html", run=None, steps=store.task_steps())
    accepted = sum(1 for d in selected.decisions.values() if d.user_id and d.decision == "accept")
    task_decision = selected.decisions.get("")
    return render(
        request,
        "overview.html",
        run=run,
        uncovered=run.role_holders - run.covered_holders,
        accepted=accepted,
        trend=trend_chart(store.trend()),
        chain=chain_from_causes(run.causes),
        steps=store.task_steps(),
        task_decision=task_decision,
        is_latest=selected.is_latest,
        task_error=task_error,
        kombit_message=kombit_message(
            store.task_facts(state_of(request).settings.get(Key.AUDIT_MUNICIPALITY_NAME))
        ),
        status_code=400 if task_error else 200,
    )


@router.post("/opgave/beslutning")
def decide_task(
    request: Request,
    user: AdminUser,
    form: CheckedForm,
) -> Response:
    decision = str(form.get("decision", ""))
    reason = str(form.get("reason", "")).strip()
    if decision not in {"fix", "accept"}:
        raise InputError("Vælg enten 'Vi sikrer telefonnumrene' eller 'Vi handler ikke'.")
    if decision == "accept" and not reason:
        return _overview(
            request, None, task_error="Skriv en begrundelse, når I beslutter ikke at handle."
        )
    state_of(request).store().decide("", decision, reason, user.name)
    return RedirectResponse("/#opgaven", status_code=303)


@router.post("/opgave/fuldfoer")
def complete_task(
    request: Request,
    user: AdminUser,
    form: CheckedForm,
) -> Response:
    reason = str(form.get("reason", "")).strip()
    state_of(request).store().complete_task(reason=reason, by=user.name)
    return RedirectResponse("/#opgaven", status_code=303)
