"""Kørsler: the history, one run's result page and the diff between two runs."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from telefonspor.reports import FILE_NAMES
from telefonspor.web.auth import CurrentUser
from telefonspor.web.jobs import FIX_DIR
from telefonspor.web.pages import render
from telefonspor.web.state import state_of
from telefonspor.web.views.common import select_run

router = APIRouter()


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
