"""Rollemigrering: the old KLIK users, their FK-ORG twins and a decision per row (issue 18).

A row's decision is stored like every other holder decision (``Store.decide``):
the value is "fix" (the gap is closed by acting) and the reason says which of the
three ways, as a fixed Danish sentence ("Rollemigrering: flyt rollerne til X",
"... opret brugeren via FK Administration ...", "... fjern rollerne i KLIK").
That keeps the store's schema and every reader of decisions unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote

from fastapi import APIRouter
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from telefonspor.errors import InputError
from telefonspor.fixfiles.migration import CSV_NAME, XLSX_NAME, migration_csv
from telefonspor.model import Decision
from telefonspor.runs import FIX_DIR
from telefonspor.twins import MATCHED_BY_DA, MigrationRow, migration_rows
from telefonspor.web.auth import AdminUser, CheckedForm, CurrentUser
from telefonspor.web.pages import render
from telefonspor.web.state import state_of
from telefonspor.web.views.common import select_run

router = APIRouter()

PREFIX: Final = "Rollemigrering: "
#: choice -> the reason stored with the decision ("{target}": the FK-ORG user).
REASONS: Final = {
    "move": PREFIX + "flyt rollerne til {target} og nedlæg den gamle bruger",
    "create": PREFIX
    + "opret brugeren via FK Administration, flyt rollerne og nedlæg den gamle bruger",
    "remove": PREFIX + "fjern rollerne i KLIK",
}
CHOICE_LABELS: Final = {
    "move": "Flyt rollerne",
    "create": "Opret via FK Administration",
    "remove": "Fjern rollerne",
}
NOTE_SEPARATOR: Final = " – "


@dataclass(frozen=True, slots=True)
class Choice:
    """A row's saved migration decision."""

    choice: str  # "move" | "create" | "remove"
    target: str  # the FK-ORG user the roles move to ("" unless move)
    note: str
    decision: Decision


def reason_for(choice: str, target: str, note: str) -> str:
    reason = REASONS[choice].format(target=target)
    return reason + NOTE_SEPARATOR + note if note else reason


def parse_choice(decision: Decision | None) -> Choice | None:
    """The migration choice a stored decision carries, or None for any other decision."""
    if decision is None or decision.decision != "fix" or not decision.reason.startswith(PREFIX):
        return None
    text, _, note = decision.reason.partition(NOTE_SEPARATOR)
    for choice, template in REASONS.items():
        head, marker, tail = template.partition("{target}")
        if not marker:
            if text == template:
                return Choice(choice, "", note, decision)
        elif text.startswith(head) and text.endswith(tail) and len(text) > len(head + tail):
            return Choice(choice, text[len(head) : len(text) - len(tail)], note, decision)
    return None


def _choices(
    rows: list[MigrationRow], decisions: Mapping[str, Decision]
) -> dict[str, Choice | None]:
    return {r.holder.user_id: parse_choice(decisions.get(r.holder.user_id)) for r in rows}


@router.get("/rollemigrering")
def migration_page(
    request: Request,
    user: CurrentUser,
    koersel: int | None = None,
    gemt: str = "",
) -> Response:
    selected = select_run(request, koersel)
    rows = migration_rows(selected.detail.result.holders) if selected.detail else []
    files: list[str] = []
    if selected.detail is not None:
        fix_dir = selected.detail.folder / FIX_DIR
        files = [f for f in (XLSX_NAME, CSV_NAME) if (fix_dir / f).is_file()]
    choices = _choices(rows, selected.decisions)
    return render(
        request,
        "migration.html",
        run=selected.run,
        detail=selected.detail,
        rows=rows,
        choices=choices,
        decided=sum(1 for c in choices.values() if c is not None),
        files=files,
        matched_by=MATCHED_BY_DA,
        choice_labels=CHOICE_LABELS,
        sole=sum(1 for r in rows if r.holder.sole_roles),
        moves=sum(1 for r in rows if r.kind == "move"),
        is_latest=selected.is_latest,
        saved=gemt,
    )


@router.get("/rollemigrering.csv")
def migration_download(
    request: Request,
    user: CurrentUser,
    koersel: int | None = None,
) -> Response:
    selected = select_run(request, koersel)
    if selected.detail is None:
        raise HTTPException(404)
    data = migration_csv(migration_rows(selected.detail.result.holders))
    return Response(
        data,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{CSV_NAME}"'},
    )


@router.post("/rollemigrering/beslutning")
def decide_migration(
    request: Request,
    user: AdminUser,
    form: CheckedForm,
) -> Response:
    user_id = str(form.get("user_id", "")).strip()
    choice, _, target = str(form.get("choice", "")).partition(":")
    note = " ".join(str(form.get("note", "")).split())[:500]
    selected = select_run(request, None)
    if selected.detail is None:
        raise HTTPException(404)
    row = next(
        (r for r in migration_rows(selected.detail.result.holders) if r.holder.user_id == user_id),
        None,
    )
    if row is None:
        raise InputError(f"{user_id or 'Brugeren'} er ikke på listen over gamle KLIK-brugere.")
    if choice not in REASONS:
        raise InputError("Vælg flyt, opret eller fjern rollerne.")
    if choice == "move":
        twin = row.twin
        allowed = (twin.candidates or (twin.user_id,)) if twin is not None else ()
        if target not in allowed:
            raise InputError(
                f"Rollerne fra {user_id} kan kun flyttes til en fundet FK-ORG-bruger; vælg "
                "'Opret via FK Administration', hvis personen ikke har nogen."
            )
    else:
        target = ""
    state_of(request).store().decide(user_id, "fix", reason_for(choice, target, note), user.name)
    return RedirectResponse(
        f"/rollemigrering?gemt={quote(user_id)}#r-{quote(user_id)}", status_code=303
    )
