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
    party_messages,
)
from telefonspor.settings import Key
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
    sender = settings.get(Key.SMTP_SENDER).strip()
    if really and not sender:
        raise ConfigError("Angiv afsenderadressen i indstillingen smtp.sender for at sende.")
    composed = party_messages(selected.detail.result, settings, selected.decisions)
    store = state.store()
    outbox = selected.detail.folder / OUTBOX_DIR

    def send_with(transport: Transport, *, dry_run: bool) -> list[Delivery]:
        return deliver(
            composed.messages,
            transport,
            store,
            sender=sender or DRY_RUN_SENDER,
            dry_run=dry_run,
            min_days_between=settings.get(Key.NOTIFY_MIN_DAYS_BETWEEN),
            run_id=selected.run.id if selected.run else None,
            limiter=RateLimiter(settings.get(Key.NOTIFY_RATE_PER_MINUTE)),
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
            " + ".join(party_label(p) for p in d.message.kind.split("+")),
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
