"""A few pending self-service submissions in the demo database (`telefonspor demo`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from telefonspor.model import AuditResult
from telefonspor.selfservice.links import source_numbers

if TYPE_CHECKING:
    from telefonspor.store import Store

#: (Direkte nummer, Mobil nummer, reason): two numbers and one "no work number".
DEMO_ANSWERS: Final = (
    ("33664101", "", ""),
    ("", "20414102", ""),
    ("", "", "Jeg arbejder på plejecentrets nattevagt og har ingen fast telefon."),
)


def add_demo_submissions(store: Store, result: AuditResult, run_id: int) -> int:
    """Links and pending submissions for the first holders whose number is missing in the source."""
    service = store.selfservice()
    candidates = [h for h in result.holders if h.cause == "missing_in_source"]
    for holder, (direct, mobile, reason) in zip(candidates, DEMO_ANSWERS, strict=False):
        token = service.issue(
            user_id=holder.user_id,
            run_id=run_id,
            name=holder.name,
            roles=holder.roles,
            before=source_numbers(holder),
            days=14,
        )
        link = service.link(token)
        if link is not None:
            service.submit(link, direct=direct, mobile=mobile, reason=reason)
    return min(len(candidates), len(DEMO_ANSWERS))
