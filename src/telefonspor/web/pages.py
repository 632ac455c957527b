"""Rendering pages: one Jinja2 environment (autoescape on), Danish filters, the common context."""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any, Final

import jinja2
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from telefonspor import texts
from telefonspor.reports.view import danish_datetime, danish_number
from telefonspor.web.accounts import ROLE_LABELS
from telefonspor.web.auth import CSRF_FIELD, session_of, user_of

#: (path, label) of the main navigation, in order.
NAVIGATION: Final = (
    ("/", "Overblik"),
    ("/roller", "Roller uden telefon"),
    ("/ansvarlige", "Ansvarlige"),
    ("/rollemigrering", "Rollemigrering"),
    ("/koersler", "Kørsler"),
    ("/ny-koersel", "Ny kørsel"),
    ("/selvbetjening", "Selvbetjening"),
    ("/indstillinger", "Indstillinger"),
)
#: Pages only an administrator can use: a viewer is not shown a door that is locked.
ADMIN_ONLY: Final = frozenset({"/ny-koersel"})


def navigation_for(role: str) -> tuple[tuple[str, str], ...]:
    return tuple(item for item in NAVIGATION if role == "admin" or item[0] not in ADMIN_ONLY)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("telefonspor.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["dato"] = when
    env.filters["tal"] = number
    env.filters["pct"] = percent
    env.filters["kode"] = inline_code
    env.filters["indstilling"] = setting_name
    env.globals.update(
        cause_label=texts.cause_label,
        party_label=texts.party_label,
        finding_label=texts.finding_label,
        system_label=texts.system_label,
        CAUSE_LABELS=texts.CAUSE_LABELS,
        CAUSE_EXPLANATIONS=texts.CAUSE_EXPLANATIONS,
        PARTY_LABELS=texts.PARTY_LABELS,
        SLOT_LABELS=texts.SLOT_LABELS,
        KIND_LABELS=texts.KIND_LABELS,
        POSITION_LABELS=texts.POSITION_LABELS,
        ROLE_LABELS=ROLE_LABELS,
        CSRF_FIELD=CSRF_FIELD,
        NO_CHAIN_TITLE=texts.NO_CHAIN_TITLE,
        plural=texts.plural,
        NO_CHAIN_TEXT=texts.NO_CHAIN_TEXT,
    )
    return env


def when(value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return danish_datetime(value.isoformat())
    return danish_datetime(str(value))


_BACKTICKED = re.compile(r"`([^`]+)`")


def inline_code(text: object) -> Markup:
    """Help texts are written in Markdown for the docs: show `name` as code, escape the rest."""
    escaped = str(escape(str(text)))
    return Markup(_BACKTICKED.sub(lambda m: f"<code>{m.group(1)}</code>", escaped))  # noqa: S704


def setting_name(key: str) -> Markup:
    """A dotted setting name that wraps only after '.' or '_', never inside a word."""
    escaped = str(escape(key))
    return Markup(escaped.replace(".", ".<wbr>").replace("_", "_<wbr>"))  # noqa: S704


def number(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return danish_number(value, 1) if isinstance(value, float) else danish_number(value)


def percent(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return danish_number(float(value), 1) + " %"
    return str(value)


def render(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    from telefonspor.web.state import state_of

    account = user_of(request)
    state = state_of(request)
    page = {
        "request": request,
        "user": account,
        "csrf": session_of(request).csrf,
        "navigation": navigation_for(account.role) if account is not None else (),
        "path": request.url.path,
        "oidc": state.oidc is not None,
        **context,
    }
    html = environment().get_template(template).render(page)
    return HTMLResponse(html, status_code=status_code)
