"""/selvbetjening: what employees sent, approve or reject, write approved numbers back, and the log.

Numbers appear masked only; approving, rejecting and writing back need the
administrator role. Writing back is the command line's ``selvbetjening apply``:
a dry run first (``/selvbetjening/proevekoersel``), then the write itself
(``/selvbetjening/skriv``) only with the confirmation box ticked. When the
target is fix files, they are written into the web data folder and offered as
one zip file.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from fastapi import APIRouter
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from telefonspor.errors import TelefonsporError
from telefonspor.private import make_private_dir
from telefonspor.selfservice.apply import (
    FIELD_LABELS,
    OUTCOME_LABELS,
    TARGET_LABELS,
    Planned,
    apply_approved,
    target_of,
)
from telefonspor.selfservice.review import approve, reject
from telefonspor.web.auth import AdminUser, CheckedForm, CurrentUser
from telefonspor.web.pages import render
from telefonspor.web.state import WebState, state_of

router = APIRouter()

STATUS_LABELS = {
    "pending": "Venter",
    "approved": "Godkendt, ikke skrevet endnu",
    "applied": "Gennemført",
    "rejected": "Afvist",
    "conflict": "Konflikt – intet skrevet",
}
#: Fix-file folders are named by their UTC time: nothing else may be served from there.
_STAMP: Final = re.compile(r"\d{8}T\d{6}Z")


def _fix_root(state: WebState) -> Path:
    return state.data_dir / "selvbetjening"


def _fix_folders(state: WebState) -> list[str]:
    root = _fix_root(state)
    if not root.is_dir():
        return []
    return sorted((p.name for p in root.iterdir() if _STAMP.fullmatch(p.name)), reverse=True)


def _page(request: Request, *, status_code: int = 200, **extra: object) -> Response:
    state = state_of(request)
    service = state.store().selfservice()
    submissions = list(reversed(service.submissions()))
    extra.setdefault("apply_error", "")
    try:
        target = TARGET_LABELS[target_of(state.settings)[0]]
        extra.setdefault("target_error", "")
    except TelefonsporError as exc:
        target = ""
        extra.setdefault("target_error", str(exc))
    return render(
        request,
        "selfservice_admin.html",
        title="Selvbetjening",
        submissions=submissions,
        approved=sum(1 for s in submissions if s.status == "approved" and s.kind == "number"),
        writes=list(reversed(service.writes())),
        links=len(service.links()),
        target=target,
        fix_folders=_fix_folders(state),
        STATUS_LABELS=STATUS_LABELS,
        OUTCOME_LABELS=OUTCOME_LABELS,
        TARGET_LABELS=TARGET_LABELS,
        FIELD_LABELS=FIELD_LABELS,
        status_code=status_code,
        **extra,
    )


@router.get("/selvbetjening")
def selfservice_page(request: Request, user: CurrentUser) -> Response:
    return _page(request)


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


@router.post("/selvbetjening/proevekoersel")
def dry_run(request: Request, user: AdminUser, form: CheckedForm) -> Response:
    """What writing back would do now; nothing is written and nothing is logged."""
    return _apply(request, user.name, really=False)


@router.post("/selvbetjening/skriv")
def write_back(request: Request, user: AdminUser, form: CheckedForm) -> Response:
    """Write the approved numbers, only after the dry run's confirmation box."""
    if form.get("bekraeft") != "ja":
        return _apply(
            request,
            user.name,
            really=False,
            error="Sæt hak i bekræftelsen, før numrene skrives tilbage.",
        )
    return _apply(request, user.name, really=True)


def _apply(request: Request, who: str, *, really: bool, error: str = "") -> Response:
    state = state_of(request)
    out_dir: Path | None = None
    if really:
        # Used only when the target is fix files; write_fix_files makes the folder (0700),
        # and only when there is something to write.
        out_dir = _fix_root(state) / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        make_private_dir(out_dir.parent)
    try:
        planned = apply_approved(
            state.store(), state.settings, really=really, by=who, out_dir=out_dir
        )
    except TelefonsporError as exc:  # a missing resultat.json, an unreachable AD, ...
        return _page(request, apply_error=str(exc), status_code=409)
    return _page(
        request,
        planned=planned,
        really=really,
        confirm_error=error,
        written=_count(planned, ("written", "fix_file")),
        conflicts=_count(planned, ("conflict",)),
        failed=_count(planned, ("failed",)),
        fix_folder=out_dir.name if out_dir is not None and out_dir.is_dir() else "",
    )


def _count(planned: list[Planned], outcomes: tuple[str, ...]) -> int:
    return sum(1 for p in planned if p.outcome in outcomes)


@router.get("/selvbetjening/rettelsesfiler/{name}.zip")
def fix_files_zip(request: Request, name: str, user: AdminUser) -> Response:
    """One self-service write's fix files as a zip (they hold numbers: administrators only)."""
    if not _STAMP.fullmatch(name):
        raise HTTPException(404)
    folder = _fix_root(state_of(request)) / name
    if not folder.is_dir():
        raise HTTPException(404)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            if path.is_file() and not path.is_symlink():
                archive.write(path, path.name)
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="selvbetjening-{name}.zip"'},
    )
