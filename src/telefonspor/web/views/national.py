"""Landsoversigt: build the national overview from uploaded statements, show it, serve its files.

The overview lives in ``<data_dir>/landsoversigt/`` as the three files of
:func:`telefonspor.national.write_overview`; the page reads the figures from
``landsoversigt.json``. The map is the generated ``landsoversigt.html`` in an
iframe, served with a CSP ``sandbox`` (an opaque origin, no script, no forms):
it never runs with the app's origin, so it cannot reach the session.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import threading
import uuid
from pathlib import Path
from typing import Any, Final

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from telefonspor.errors import InputError
from telefonspor.national import OUTPUT_NAMES, build_overview, write_overview
from telefonspor.settings import Key, Settings
from telefonspor.web.auth import AdminUser, CheckedForm, CurrentUser
from telefonspor.web.pages import render
from telefonspor.web.state import WebState, state_of
from telefonspor.web.uploads import UploadFolder

log = logging.getLogger("telefonspor.web")

router = APIRouter()

FOLDER_NAME: Final = "landsoversigt"
UPLOAD_FIELD: Final = "filer"
_HTML, _XLSX, _JSON = OUTPUT_NAMES
_DOWNLOADS: Final = (
    ("Kort og tabeller (HTML)", _HTML),
    ("Regneark (Excel)", _XLSX),
    ("Data (JSON)", _JSON),
)
_MEDIA: Final = {
    ".html": "text/html; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".json": "application/json",
}
#: The generated page has inline CSS and SVG and no script; it is framed only by our own page.
_MAP_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'self'; sandbox"
    ),
    "X-Frame-Options": "SAMEORIGIN",
}
#: One overview is written at a time, so the three files always belong together.
_WRITE_LOCK: Final = threading.Lock()


def overview_dir(state: WebState) -> Path:
    return state.data_dir / FOLDER_NAME


@router.get("/landsoversigt")
def national_page(
    request: Request,
    user: CurrentUser,
) -> Response:
    state = state_of(request)
    data, problem = _load(overview_dir(state) / _JSON)
    return render(
        request,
        "national.html",
        overview=data,
        problem=problem,
        ranking=_ranking(data) if data else [],
        without_data=_without_data(data) if data else [],
        downloads=_DOWNLOADS,
        max_mb=state.settings.get(Key.WEB_MAX_UPLOAD_MB),
    )


@router.post("/landsoversigt")
async def build_national(
    request: Request,
    user: AdminUser,
    form: CheckedForm,
) -> Response:
    state = state_of(request)
    folder = UploadFolder(state.uploads_dir, state.settings.get(Key.WEB_MAX_UPLOAD_MB))
    try:
        stored: dict[Path, str] = {}
        for number, upload in enumerate(form.getlist(UPLOAD_FIELD), start=1):
            if isinstance(upload, UploadFile) and upload.filename:
                stored[await _save(folder, upload, number)] = upload.filename
        if not stored:
            raise InputError(
                "Vælg mindst én fil: erklæringer (erklaering.json), resultater "
                "(resultat.json) eller en landsdækkende KLIK-eksport."
            )
        await run_in_threadpool(_build, stored, state.settings, overview_dir(state))
    finally:
        # The uploads are needed only while the overview is built.
        folder.remove()
    log.info("Landsoversigt dannet af %s ud fra %d filer", user.name, len(stored))
    return RedirectResponse("/landsoversigt", status_code=303)


@router.get("/landsoversigt/kort")
def national_map(
    request: Request,
    user: CurrentUser,
) -> Response:
    path = overview_dir(state_of(request)) / _HTML
    if not path.is_file():
        raise HTTPException(404)
    return FileResponse(path, media_type=_MEDIA[".html"], headers=dict(_MAP_HEADERS))


@router.get("/landsoversigt/hent/{name}")
def national_file(
    request: Request,
    name: str,
    user: CurrentUser,
) -> Response:
    if name not in OUTPUT_NAMES:
        raise HTTPException(404)
    path = overview_dir(state_of(request)) / name
    if not path.is_file():
        raise HTTPException(404)
    return FileResponse(
        path,
        media_type=_MEDIA[path.suffix],
        filename=path.name,
        content_disposition_type="attachment",
    )


async def _save(folder: UploadFolder, upload: UploadFile, number: int) -> Path:
    """Store one upload as ``<n>/<its own name>``: messages then name the file the user chose."""
    saved = await folder.save(upload, str(number))
    own = folder.path / str(number)
    own.mkdir(mode=0o700)
    return saved.rename(own / saved.name.removeprefix(f"{number}-"))


def _build(stored: dict[Path, str], settings: Settings, target: Path) -> None:
    try:
        overview = build_overview(list(stored), settings)
    except InputError as exc:
        raise InputError(_with_names(str(exc), stored)) from exc
    # The server's upload paths are nobody's business; the files' own names are.
    overview = dataclasses.replace(
        overview,
        warnings=tuple(_with_names(w, stored) for w in overview.warnings),
        inputs=tuple(stored.values()),
    )
    staging = target.parent / f".{target.name}-{uuid.uuid4().hex}"
    try:
        write_overview(overview, staging)
        with _WRITE_LOCK:
            target.mkdir(parents=True, exist_ok=True, mode=0o700)
            for name in OUTPUT_NAMES:
                os.replace(staging / name, target / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _with_names(message: str, stored: dict[Path, str]) -> str:
    for path, name in stored.items():
        message = message.replace(str(path), name)
    return message


def _load(path: Path) -> tuple[dict[str, Any] | None, str]:
    """The stored overview's JSON, or None and a Danish reason when it cannot be used."""
    if not path.is_file():
        return None, ""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        log.error("Landsoversigten kan ikke læses: %s", exc)
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("municipalities"), list):
        return None, "Den gemte landsoversigt kan ikke læses. Dan den igen ved at uploade filerne."
    return data, ""


def _ranking(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Municipalities with data, best coverage first (the rank the overview computed)."""
    rows = [m for m in data["municipalities"] if m.get("coverage_pct") is not None]
    return sorted(rows, key=lambda m: (m.get("rank") or 0, str(m.get("name", ""))))


def _without_data(data: dict[str, Any]) -> list[str]:
    return sorted(
        str(m.get("name", "")) for m in data["municipalities"] if m.get("coverage_pct") is None
    )
