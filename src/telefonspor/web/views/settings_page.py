"""Indstillinger: the active settings and chain, read-only, secrets masked."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from telefonspor.settings import SETTINGS
from telefonspor.web.auth import CurrentUser
from telefonspor.web.pages import render
from telefonspor.web.state import state_of

router = APIRouter()

MASK: Final = "•••••• (skjult)"
_SECRET = re.compile(r"pass|secret|token|api_?key|apikey|private|credential", re.IGNORECASE)
# Names of environment variables or files that hold a secret are not secrets themselves.
_REFERENCE = re.compile(r"(_env|_file|_path)$", re.IGNORECASE)


def is_secret(key: str) -> bool:
    return bool(_SECRET.search(key)) and not _REFERENCE.search(key)


def shown(key: str, value: Any) -> str:
    if is_secret(key):
        return MASK if value not in ("", None, [], {}) else ""
    if isinstance(value, Mapping):
        return ", ".join(f"{k} = {shown(str(k), v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "ja" if value else "nej"
    return str(value)


def _masked_url(url: str) -> str:
    # postgresql://user:password@host/db -> postgresql://user:••••@host/db
    return re.sub(r"(//[^:/@]+:)[^@]+@", r"\1••••@", url)


@router.get("/indstillinger")
def settings_page(
    request: Request,
    user: CurrentUser,
) -> Response:
    state = state_of(request)
    values = state.settings.values
    rows = []
    for spec in SETTINGS:
        value = values.get(spec.key, spec.default)
        text = _masked_url(str(value)) if spec.key == "store.db" else shown(spec.key, value)
        rows.append((spec.key, text, spec.help, value != spec.default))
    sources = [
        (
            s.kind,
            s.position,
            "live" if s.live else s.path,
            [(k, shown(k, v)) for k, v in sorted(s.options.items())],
        )
        for s in state.settings.sources
    ]
    return render(
        request,
        "settings.html",
        rows=rows,
        sources=sources,
        config_path=state.settings.config_path,
        db_url=_masked_url(state.db_url),
        data_dir=str(state.data_dir),
    )
