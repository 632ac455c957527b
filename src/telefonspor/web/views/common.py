"""Helpers the pages share: which run to show and its detail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request

from telefonspor.model import Decision
from telefonspor.web.rundata import RunDetail
from telefonspor.web.state import state_of

if TYPE_CHECKING:
    from telefonspor.store import RunInfo


@dataclass(frozen=True, slots=True)
class Selected:
    """The run a page shows (latest unless ?koersel=N), its detail and the decisions."""

    run: RunInfo | None
    detail: RunDetail | None
    decisions: dict[str, Decision]
    latest_id: int | None

    @property
    def is_latest(self) -> bool:
        return self.run is not None and self.run.id == self.latest_id


def select_run(request: Request, run_id: int | None, *, with_detail: bool = True) -> Selected:
    state = state_of(request)
    store = state.store()
    runs = store.runs()
    if not runs:
        return Selected(None, None, {}, None)
    run = store.run(run_id) if run_id is not None else runs[-1]
    detail = state.details.get(run) if with_detail else None
    return Selected(run, detail, dict(store.decisions()), runs[-1].id)
