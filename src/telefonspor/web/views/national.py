"""Landsoversigt: shown only when the national overview package is installed."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from telefonspor.web.auth import CurrentUser
from telefonspor.web.pages import render
from telefonspor.web.state import state_of

router = APIRouter()


@router.get("/landsoversigt")
def national_page(
    request: Request,
    user: CurrentUser,
) -> Response:
    if not state_of(request).national_available:
        raise HTTPException(404)
    return render(request, "national.html")
