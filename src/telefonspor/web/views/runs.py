"""Kørsler: the history, one run's result page and the diff between two runs."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from telefonspor.errors import InputError
from telefonspor.reports import FILE_NAMES
from telefonspor.runs import FIX_DIR
from telefonspor.web.auth import AdminUser, CheckedForm, CurrentUser
from telefonspor.web.pages import render
from telefonspor.web.state import state_of
from telefonspor.web.views.common import select_run

router = APIRouter()
log = logging.getLogger(__name__)


@router.get("/koersler")
def runs_page(
    request: Request,
    user: CurrentUser,
) -> Response:
    runs = list(reversed(state_of(request).store().runs()))
    return render(request, "runs.html", runs=runs)


@router.get("/koersler/forskel")
def diff_page(
    request: Request,
    user: CurrentUser,
    a: int | None = None,
    b: int | None = None,
) -> Response:
    store = state_of(request).store()
    runs = store.runs()
    changes = store.diff(a, b) if len(runs) >= 2 or (a is not None and b is not None) else None
    return render(request, "diff.html", runs=list(reversed(runs)), changes=changes, a=a, b=b)


@router.get("/koersler/{run_id}")
def run_page(
    request: Request,
    run_id: int,
    user: CurrentUser,
) -> Response:
    selected = select_run(request, run_id)
    downloads: list[tuple[str, str]] = []
    fix_files: list[str] = []
    if selected.detail is not None:
        folder = selected.detail.folder
        labels = {"xlsx": "Excel-rapport", "html": "HTML-rapport", "json": "JSON-resultat"}
        downloads = [(labels[k], n) for k, n in FILE_NAMES.items() if (folder / n).is_file()]
        if (folder / FIX_DIR).is_dir():
            fix_files = sorted(p.name for p in (folder / FIX_DIR).iterdir() if p.is_file())
    return render(
        request,
        "run.html",
        run=selected.run,
        detail=selected.detail,
        downloads=downloads,
        fix_files=fix_files,
        is_latest=selected.is_latest,
    )


@router.get("/koersler/{run_id}/slet")
def delete_run_page(
    request: Request,
    run_id: int,
    user: AdminUser,
) -> Response:
    return render(request, "delete_run.html", run=state_of(request).store().run(run_id))


@router.post("/koersler/{run_id}/slet")
def delete_run(
    request: Request,
    run_id: int,
    user: AdminUser,
    form: CheckedForm,
) -> Response:
    """Delete a run made on a wrong file, with its reports if they are the web app's own."""
    if form.get("bekraeft") != "ja":
        raise InputError("Sæt kryds ved »Ja, slet kørslen« for at slette den.")
    state = state_of(request)
    run = state.store().delete_run(run_id)
    folder = Path(run.report_dir) if run.report_dir else None
    # Only folders the web app made itself: a CLI run's reports belong to whoever ran it.
    if folder is not None and folder.resolve().parent == state.runs_dir.resolve():
        shutil.rmtree(folder, ignore_errors=True)
    log.info("Kørsel %s slettet af %s", run_id, user.name)
    return RedirectResponse("/koersler", status_code=303)
