"""Ansvarlige: one list per responsible party, its CSV and the fix files that concern it."""

from __future__ import annotations

import csv
import io
from typing import Final

from fastapi import APIRouter
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from telefonspor.fixfiles import employees_csv, ldif, os2sofd_csv, powershell
from telefonspor.model import PARTY_CODES, HolderResult
from telefonspor.reports.safe import csv_safe
from telefonspor.reports.view import holder_order, problem_text
from telefonspor.runs import FIX_DIR
from telefonspor.texts import cause_label
from telefonspor.web.auth import CurrentUser
from telefonspor.web.pages import render
from telefonspor.web.views.common import select_run

router = APIRouter()

#: Which fix files each party carries out.
PARTY_FIX_FILES: Final = {
    "hr": (powershell.FILE_NAME, ldif.FILE_NAME),
    "supplier": (os2sofd_csv.FILE_NAME,),
    "sync_operator": (),
    "employee": (employees_csv.FILE_NAME,),
    "klik_admin": (),
    "kombit": (),
}
SHOWN_PER_PARTY: Final = 25


@router.get("/ansvarlige")
def parties_page(
    request: Request,
    user: CurrentUser,
    koersel: int | None = None,
) -> Response:
    selected = select_run(request, koersel)
    groups: list[tuple[str, list[HolderResult], list[str]]] = []
    if selected.detail is not None:
        by_party: dict[str, list[HolderResult]] = {p: [] for p in PARTY_CODES}
        for h in holder_order(selected.detail.result.uncovered()):
            decision = selected.decisions.get(h.user_id)
            if decision is None or decision.decision != "accept":
                by_party.setdefault(h.responsible, []).append(h)
        fix_dir = selected.detail.folder / FIX_DIR
        for party, rows in by_party.items():
            files = [f for f in PARTY_FIX_FILES.get(party, ()) if (fix_dir / f).is_file()]
            if rows or files:
                groups.append((party, rows, files))
    return render(
        request,
        "parties.html",
        run=selected.run,
        detail=selected.detail,
        groups=groups,
        shown=SHOWN_PER_PARTY,
        is_latest=selected.is_latest,
    )


@router.get("/ansvarlige/{party}.csv")
def party_csv(
    request: Request,
    party: str,
    user: CurrentUser,
    koersel: int | None = None,
) -> Response:
    if party not in PARTY_CODES:
        raise HTTPException(404)
    selected = select_run(request, koersel)
    if selected.detail is None or selected.run is None:
        raise HTTPException(404)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Brugernavn", "Navn", "Enhed", "Roller", "Årsag", "Hvad er galt", "Handling"])
    for h in holder_order(selected.detail.result.uncovered()):
        decision = selected.decisions.get(h.user_id)
        if h.responsible != party or (decision is not None and decision.decision == "accept"):
            continue
        row = [h.user_id, h.name, h.unit, ", ".join(h.roles), cause_label(h.cause)]
        writer.writerow([csv_safe(v) for v in [*row, problem_text(h), h.action]])
    name = f"{party}-koersel-{selected.run.id}.csv"
    return Response(
        out.getvalue().encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
