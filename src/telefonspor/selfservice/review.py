"""The administrator's step: approve or reject what an employee sent (web page and CLI)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telefonspor.errors import InputError
from telefonspor.store.selfservice import Submission

if TYPE_CHECKING:
    from telefonspor.store import Store


def approve(store: Store, submission_id: int, by: str) -> Submission:
    """A number: approved, to be written by ``apply``. No number: the proposed accept decision."""
    service = store.selfservice()
    submission = service.submission(submission_id)
    if submission.status != "pending":
        raise InputError(
            f"Indsendelse nr. {submission_id} venter ikke på godkendelse ({submission.status})."
        )
    approved = service.decide(submission_id, "approved", by)
    if submission.kind == "no_number":
        store.decide(submission.user_id, "accept", f"Selvbetjening: {submission.reason}", by)
        approved = service.decide(submission_id, "applied", by, note="Accept registreret.")
    return approved


def reject(store: Store, submission_id: int, by: str, reason: str = "") -> Submission:
    """Rejected: the encrypted number is deleted at once."""
    return store.selfservice().decide(submission_id, "rejected", by, note=reason.strip())
