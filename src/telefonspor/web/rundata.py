"""A stored run's full detail (read from resultat.json in its report folder) and the holder list
queries behind "Roller uden telefon": filter, search, sort and server-side paging."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Protocol

from telefonspor.model import CAUSE_CODES, Decision, HolderResult, LoadedRun
from telefonspor.runs import RESULT_FILE, load_run

PER_PAGE: Final = 50
_CACHED_RUNS: Final = 4
_CAUSE_RANK: Final = {code: i for i, code in enumerate(CAUSE_CODES)}


class RunLike(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def report_dir(self) -> str: ...


@dataclass(frozen=True, slots=True)
class RunDetail:
    run_id: int
    folder: Path
    result: LoadedRun
    by_user: Mapping[str, HolderResult]


class DetailCache:
    """The last few runs' details, re-read when resultat.json changes."""

    def __init__(self) -> None:
        self._items: OrderedDict[tuple[str, float], RunDetail] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, run: RunLike) -> RunDetail | None:
        """The run's detail, or None when its report folder is not recorded or is gone.

        ``report_dir`` comes only from the history (recorded by ``runs.make_run`` for the
        web's own runs and for ``audit --save``), never from a request: the web app reads a
        stored run's resultat.json wherever that run's reports were written, and nothing else.
        """
        if not run.report_dir:
            return None
        folder = Path(run.report_dir)
        path = folder / RESULT_FILE
        try:
            key = (str(path), path.stat().st_mtime)
        except OSError:
            return None
        with self._lock:
            cached = self._items.get(key)
            if cached is not None:
                self._items.move_to_end(key)
                return cached
        result = load_run(folder)
        detail = RunDetail(run.id, folder, result, {h.user_id: h for h in result.holders})
        with self._lock:
            self._items[key] = detail
            while len(self._items) > _CACHED_RUNS:
                self._items.popitem(last=False)
        return detail


SORTS: Final = {
    "aarsag": "Årsag",
    "navn": "Navn",
    "bruger": "Brugernavn",
    "ansvarlig": "Ansvarlig",
    "enhed": "Enhed",
    "roller": "Antal roller",
}


@dataclass(frozen=True, slots=True)
class HolderQuery:
    cause: str = ""
    party: str = ""
    role: str = ""
    unit: str = ""
    q: str = ""
    status: str = "open"  # open | accepted | all
    sort: str = "aarsag"
    desc: bool = False
    page: int = 1


@dataclass(frozen=True, slots=True)
class HolderPage:
    rows: tuple[HolderResult, ...]
    total: int
    page: int
    pages: int


def query_holders(
    holders: Sequence[HolderResult], query: HolderQuery, decided: Mapping[str, Decision]
) -> HolderPage:
    """Uncovered holders matching the query, one page of them."""
    needle = query.q.strip().casefold()
    rows = [
        h
        for h in holders
        if not h.covered
        and (not query.cause or h.cause == query.cause)
        and (not query.party or h.responsible == query.party)
        and (not query.role or query.role in h.roles)
        and (not query.unit or h.unit == query.unit)
        and _status_matches(h, query.status, decided)
        and (not needle or _matches(h, needle))
    ]
    rows.sort(key=_sort_key(query.sort), reverse=query.desc)
    pages = max(1, math.ceil(len(rows) / PER_PAGE))
    page = min(max(1, query.page), pages)
    start = (page - 1) * PER_PAGE
    return HolderPage(tuple(rows[start : start + PER_PAGE]), len(rows), page, pages)


def _status_matches(h: HolderResult, status: str, decided: Mapping[str, Decision]) -> bool:
    decision = decided.get(h.user_id)
    accepted = decision is not None and decision.decision == "accept"
    if status == "open":
        return not accepted
    if status == "accepted":
        return accepted
    return True


def _matches(h: HolderResult, needle: str) -> bool:
    return any(
        needle in text.casefold() for text in (h.user_id, h.name, h.email, h.unit, *h.roles) if text
    )


def _sort_key(sort: str) -> Callable[[HolderResult], Any]:
    if sort == "navn":
        return lambda h: (h.name.casefold(), h.user_id)
    if sort == "bruger":
        return lambda h: h.user_id.casefold()
    if sort == "ansvarlig":
        return lambda h: (h.responsible, h.user_id)
    if sort == "enhed":
        return lambda h: (h.unit.casefold(), h.user_id)
    if sort == "roller":
        return lambda h: (len(h.roles), h.user_id)
    return lambda h: (_CAUSE_RANK.get(h.cause or "", len(CAUSE_CODES)), h.user_id)


def choices(holders: Sequence[HolderResult]) -> tuple[list[str], list[str]]:
    """The roles and units that occur among uncovered holders, sorted (for the filters)."""
    roles: set[str] = set()
    units: set[str] = set()
    for h in holders:
        if not h.covered:
            roles.update(h.roles)
            if h.unit:
                units.add(h.unit)
    return sorted(roles, key=str.casefold), sorted(units, key=str.casefold)
