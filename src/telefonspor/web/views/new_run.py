"""Ny kørsel: upload a KLIK export and optional source files (or use the configured chain),
follow the run's progress, land on its result page."""

from __future__ import annotations

import uuid
from typing import Final

from fastapi import APIRouter
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from telefonspor.errors import InputError
from telefonspor.settings import SOURCE_KINDS, Key, SourceSpec, source_spec
from telefonspor.texts import system_label
from telefonspor.web.auth import (
    AdminUser,
    CheckedForm,
    CurrentUser,
)
from telefonspor.web.jobs import AuditRequest, audit_work
from telefonspor.web.pages import render
from telefonspor.web.state import state_of
from telefonspor.web.uploads import UploadFolder

router = APIRouter()

SOURCE_SLOTS: Final = 4


@router.get("/ny-koersel")
def new_run_page(
    request: Request,
    user: CurrentUser,
) -> Response:
    state = state_of(request)
    return render(
        request,
        "new_run.html",
        kinds=[(k, system_label(k)) for k in SOURCE_KINDS],
        slots=range(1, SOURCE_SLOTS + 1),
        configured=state.settings.sources,
        max_mb=state.settings.get(Key.WEB_MAX_UPLOAD_MB),
        keep_uploads=state.settings.get(Key.WEB_KEEP_UPLOADS),
    )


@router.post("/ny-koersel")
async def start_run(
    request: Request,
    user: AdminUser,
    form: CheckedForm,
) -> Response:
    state = state_of(request)
    folder = UploadFolder(state.uploads_dir, state.settings.get(Key.WEB_MAX_UPLOAD_MB))
    try:
        klik_file = form.get("klik")
        if not isinstance(klik_file, UploadFile) or not klik_file.filename:
            raise InputError("Vælg KLIK-eksporten (Excel- eller CSV-fil) at uploade.")
        klik = await folder.save(klik_file, "klik")
        sources = list(state.settings.sources) if form.get("kaede") == "konfiguration" else []
        sources += await _uploaded_sources(form, folder)
    except BaseException:
        folder.remove()
        raise
    keep = state.settings.get(Key.WEB_KEEP_UPLOADS)
    job = state.jobs.start(
        audit_work(
            AuditRequest(
                klik=klik,
                settings=state.settings,
                sources=tuple(sources),
                db_url=state.db_url,
                report_dir=state.runs_dir / uuid.uuid4().hex,
                cleanup=(lambda: None) if keep else folder.remove,
                accept_drop=form.get("accept_drop") == "ja",
            )
        ),
        user.name,
    )
    return RedirectResponse(f"/ny-koersel/{job.id}", status_code=303)


async def _uploaded_sources(form: FormData, folder: UploadFolder) -> list[SourceSpec]:
    specs = []
    for slot in range(1, SOURCE_SLOTS + 1):
        upload = form.get(f"kilde_fil_{slot}")
        kind = str(form.get(f"kilde_type_{slot}", ""))
        if not isinstance(upload, UploadFile) or not upload.filename:
            continue
        if kind not in SOURCE_KINDS:
            raise InputError(
                f"Vælg hvilket system filen {upload.filename} kommer fra (kilde nr. {slot})."
            )
        path = await folder.save(upload, f"{slot}-{kind}")
        specs.append(source_spec({"kind": kind, "path": str(path)}, where=upload.filename))
    return specs


@router.get("/ny-koersel/{job_id}")
def job_page(
    request: Request,
    job_id: str,
    user: CurrentUser,
) -> Response:
    job = state_of(request).jobs.get(job_id)
    if job is None:
        raise HTTPException(404)
    if job.state == "done" and job.run_id is not None:
        return RedirectResponse(f"/koersler/{job.run_id}", status_code=303)
    return render(request, "job.html", job=job)


@router.get("/ny-koersel/{job_id}/status")
def job_status(
    request: Request,
    job_id: str,
    user: CurrentUser,
) -> Response:
    job = state_of(request).jobs.get(job_id)
    if job is None:
        raise HTTPException(404)
    return JSONResponse(job.as_json())
