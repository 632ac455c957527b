"""Downloads: a run's reports (Excel, HTML, JSON) and fix files, only from its own folder."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import APIRouter
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from telefonspor.reports import FILE_NAMES
from telefonspor.runs import FIX_DIR
from telefonspor.web.auth import CurrentUser
from telefonspor.web.state import state_of

router = APIRouter()

_MEDIA: Final = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".ps1": "text/plain; charset=utf-8",
    ".ldif": "text/plain; charset=utf-8",
}


def _run_folder(request: Request, run_id: int) -> Path:
    run = state_of(request).store().run(run_id)
    if not run.report_dir:
        raise HTTPException(404)
    return Path(run.report_dir)


def _send(path: Path) -> Response:
    if not path.is_file():
        raise HTTPException(404)
    # Always a download: an HTML report must never render inside the app's origin.
    return FileResponse(
        path,
        media_type=_MEDIA.get(path.suffix, "application/octet-stream"),
        filename=path.name,
        content_disposition_type="attachment",
    )


@router.get("/koersler/{run_id}/hent/{name}")
def report_file(
    request: Request,
    run_id: int,
    name: str,
    user: CurrentUser,
) -> Response:
    if name not in FILE_NAMES.values():
        raise HTTPException(404)
    return _send(_run_folder(request, run_id) / name)


@router.get("/koersler/{run_id}/rettelser/{name}")
def fix_file(
    request: Request,
    run_id: int,
    name: str,
    user: CurrentUser,
) -> Response:
    folder = _run_folder(request, run_id) / FIX_DIR
    # Only names that exist in the folder: no path can reach outside it.
    available = {p.name for p in folder.iterdir() if p.is_file()} if folder.is_dir() else set()
    if name not in available:
        raise HTTPException(404)
    return _send(folder / name)
