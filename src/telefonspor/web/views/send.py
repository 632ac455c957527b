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

from telefonspor.errors import ConfigError
from telefonspor.notify import (
    Delivery,
    Outbox,
    RateLimiter,
    SmtpTransport,
    Transport,
    deliver,
    employee_messages,
    party_messages,
)
from telefonspor.notify.compose import EMPLOYEE_KIND
from telefonspor.selfservice.links import enabled as selfservice_enabled
from telefonspor.selfservice.links import issue_links
from telefonspor.texts import party_label
from telefonspor.web.auth import AdminUser, CheckedForm
from telefonspor.web.pages import render
from telefonspor.web.state import state_of
from telefonspor.web.views.common import select_run

router = APIRouter()

DRY_RUN_SENDER = "telefonspor@localhost"
OUTBOX_DIR = "beskeder"


@router.post("/ansvarlige/send")
def send_lists(request: Request, user: AdminUser, form: CheckedForm) -> Response:
    state = state_of(request)
    settings = state.settings
    selected = select_run(request, None)
    if selected.run is None or selected.detail is None:
        raise HTTPException(404)
    really = form.get("maade") == "send"
    sender = settings.text("smtp.sender").strip()
    if really and not sender:
        raise ConfigError("Angiv afsenderadressen i indstillingen smtp.sender for at sende.")
    composed = party_messages(selected.detail.result, settings, selected.decisions)
    store = state.store()
    messages = list(composed.messages)
    if form.get("medarbejdere"):
        # Each employee without a number, with a personal link when self-service is on.
        links = (
            issue_links(store, selected.detail.result, settings, selected.decisions)
            if selfservice_enabled(settings)
            else {}
        )
        staff = employee_messages(selected.detail.result, settings, selected.decisions, links)
        messages.extend(staff.messages)
    outbox = selected.detail.folder / OUTBOX_DIR

    def send_with(transport: Transport, *, dry_run: bool) -> list[Delivery]:
        return deliver(
            messages,
            transport,
            store,
            sender=sender or DRY_RUN_SENDER,
            dry_run=dry_run,
            min_days_between=settings.integer("notify.min_days_between"),
            run_id=selected.run.id if selected.run else None,
            limiter=RateLimiter(settings.integer("notify.rate_per_minute")),
        )

    if really:
        with SmtpTransport(settings) as smtp:
            done = send_with(smtp, dry_run=False)
    else:
        with Outbox(outbox) as box:
            done = send_with(box, dry_run=True)
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
        missing=[party_label(p) for p in composed.missing_address],
    )
