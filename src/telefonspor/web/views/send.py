"""Ansvarlige → "Send listerne": each responsible party gets its open cases by e-mail.

A dry run (the default) writes the messages as .eml files into the run's folder;
sending uses SMTP from the settings. Both remember whom they wrote to, so the
same recipient is not written to again within notify.min_days_between days.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from telefonspor.notify import lists
from telefonspor.notify.compose import EMPLOYEE_KIND
from telefonspor.selfservice.links import enabled as selfservice_enabled
from telefonspor.selfservice.links import issue_links
from telefonspor.texts import party_label
from telefonspor.web.auth import AdminUser, CheckedForm
from telefonspor.web.pages import render
from telefonspor.web.state import state_of
from telefonspor.web.views.common import select_run

router = APIRouter()

OUTBOX_DIR = "beskeder"


@router.post("/ansvarlige/send")
def send_lists(request: Request, user: AdminUser, form: CheckedForm) -> Response:
    state = state_of(request)
    selected = select_run(request, None)
    if selected.run is None or selected.detail is None:
        raise HTTPException(404)
    really = form.get("maade") == "send"
    store = state.store()
    links: dict[str, str] = {}
    employees = bool(form.get("medarbejdere"))
    if employees and selfservice_enabled(state.settings):
        # Each employee without a number gets a personal link when self-service is on.
        links = issue_links(store, selected.detail.result, state.settings, selected.decisions)
    planned = lists.plan(
        selected.detail.result,
        state.settings,
        selected.decisions,
        employees=employees,
        links=links,
    )
    outbox = selected.detail.folder / OUTBOX_DIR
    done = lists.send(
        planned.messages,
        state.settings,
        store,
        really=really,
        outbox=outbox,
        run_id=selected.run.id,
    )
    rows = [
        (
            d.message.recipient,
            "Medarbejder"
            if d.message.kind == EMPLOYEE_KIND
            else " + ".join(party_label(p) for p in d.message.kind.split("+")),
            len(d.message.user_ids),
            d.status,
        )
        for d in done
    ]
    return render(
        request,
        "sent.html",
        rows=rows,
        really=really,
        outbox=str(outbox),
        missing=[party_label(p) for p in planned.missing_parties],
    )
