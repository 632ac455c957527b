"""/selvbetjening: what employees sent, approve or reject, and the log of numbers written back.

Numbers appear masked only; approving and rejecting need the administrator role.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from telefonspor.selfservice.review import approve, reject
from telefonspor.web.auth import AdminUser, CheckedForm, CurrentUser
from telefonspor.web.pages import render
from telefonspor.web.state import state_of

router = APIRouter()

STATUS_LABELS = {
    "pending": "Venter",
    "approved": "Godkendt, ikke skrevet endnu",
    "applied": "Gennemført",
    "rejected": "Afvist",
    "conflict": "Konflikt – intet skrevet",
}
OUTCOME_LABELS = {
    "written": "Skrevet",
    "conflict": "Konflikt – intet skrevet",
    "fix_file": "I rettelsesfil",
    "failed": "Fejlede",
}
TARGET_LABELS = {"ad": "AD", "os2sofd": "OS2sofd", "fixfiles": "Rettelsesfiler"}


@router.get("/selvbetjening")
def selfservice_page(request: Request, user: CurrentUser) -> Response:
    service = state_of(request).store().selfservice()
    return render(
        request,
        "selfservice_admin.html",
        title="Selvbetjening",
        submissions=list(reversed(service.submissions())),
        writes=list(reversed(service.writes())),
        links=len(service.links()),
        STATUS_LABELS=STATUS_LABELS,
        OUTCOME_LABELS=OUTCOME_LABELS,
        TARGET_LABELS=TARGET_LABELS,
    )


@router.post("/selvbetjening/{submission_id}/godkend")
def approve_submission(
    request: Request, submission_id: int, user: AdminUser, form: CheckedForm
) -> Response:
    approve(state_of(request).store(), submission_id, user.name)
    return RedirectResponse("/selvbetjening", status_code=303)


@router.post("/selvbetjening/{submission_id}/afvis")
def reject_submission(
    request: Request, submission_id: int, user: AdminUser, form: CheckedForm
) -> Response:
    reject(state_of(request).store(), submission_id, user.name, str(form.get("begrundelse", "")))
    return RedirectResponse("/selvbetjening", status_code=303)
