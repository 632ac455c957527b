"""Roller uden telefon: every uncovered holder, filtered, searched, sorted and paged on the server."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from telefonspor.model import CAUSE_CODES, PARTY_CODES
from telefonspor.web.auth import CurrentUser
from telefonspor.web.pages import render
from telefonspor.web.rundata import SORTS, HolderQuery, choices, query_holders
from telefonspor.web.views.common import select_run

router = APIRouter()

STATUSES = {"open": "Åbne sager", "accepted": "Accepterede", "all": "Alle uden nummer"}


@router.get("/roller")
def holders_page(
    request: Request,
    user: CurrentUser,
    koersel: int | None = None,
    aarsag: str = "",
    ansvarlig: str = "",
    rolle: str = "",
    enhed: str = "",
    q: str = "",
    status: str = "open",
    sorter: str = "aarsag",
    faldende: bool = False,
    side: int = 1,
) -> Response:
    selected = select_run(request, koersel)
    query = HolderQuery(
        cause=aarsag if aarsag in CAUSE_CODES else "",
        party=ansvarlig if ansvarlig in PARTY_CODES else "",
        role=rolle,
        unit=enhed,
        q=q[:200],
        status=status if status in STATUSES else "open",
        sort=sorter if sorter in SORTS else "aarsag",
        desc=faldende,
        page=side,
    )
    if selected.detail is None:
        return render(request, "holders.html", run=selected.run, detail=None, query=query)
    holders = selected.detail.result.holders
    page = query_holders(holders, query, selected.decisions)
    roles, units = choices(holders)
    params = {
        "koersel": str(selected.run.id) if selected.run and not selected.is_latest else "",
        "aarsag": query.cause,
        "ansvarlig": query.party,
        "rolle": query.role,
        "enhed": query.unit,
        "q": query.q,
        "status": query.status,
        "sorter": query.sort,
        "faldende": "1" if query.desc else "",
    }

    def link(**changes: str) -> str:
        merged = {**params, **changes}
        return "/roller?" + urlencode({k: v for k, v in merged.items() if v})

    return render(
        request,
        "holders.html",
        run=selected.run,
        detail=selected.detail,
        query=query,
        page=page,
        roles=roles,
        units=units,
        causes=CAUSE_CODES,
        parties=PARTY_CODES,
        statuses=STATUSES,
        sorts=SORTS,
        decisions=selected.decisions,
        link=link,
        run_param=params["koersel"],
    )
