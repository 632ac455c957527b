"""The KLIK task's five steps, derived from the stored runs, decisions and task events.

Pure: the store reads the rows, this module decides which steps are done and when.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from telefonspor.model import Decision, TaskStep
from telefonspor.texts import plural

TASK_TITLES: Final = (
    "Identificér roller uden telefonnummer",
    "Find årsagen",
    "Beslut om I vil sikre telefonnumre",
    "Gennemfør aktiviteter",
    "Markér opgaven som fuldført",
)


@dataclass(frozen=True, slots=True)
class RunFacts:
    """What the steps need to know about one stored run."""

    finished_at: str
    had_sources: bool


@dataclass(frozen=True, slots=True)
class Completion:
    done_at: str
    done_by: str
    note: str


@dataclass(frozen=True, slots=True)
class Reopened:
    """A later run found holders without a number that were not open when step 5 was marked."""

    run_id: int
    new_gaps: int


def reopened_by(
    completed_at: str,
    runs: Sequence[tuple[int, str, Sequence[str]]],
    decisions: Mapping[str, Decision],
    task_decision: Decision | None,
) -> Reopened | None:
    """The first run after ``completed_at`` with open cases that were not open before it.

    ``runs`` are (run id, finished_at, uncovered user ids), oldest first. Accepted cases are not
    gaps; a holder who was already open when the task was marked done is not a new gap either
    (the completion's reason covered it).
    """
    before = [r for r in runs if r[1] <= completed_at]
    known = set(open_cases(before[-1][2], decisions, task_decision)) if before else set()
    for run_id, finished_at, uncovered in runs:
        if finished_at <= completed_at:
            continue
        new = [u for u in open_cases(uncovered, decisions, task_decision) if u not in known]
        if new:
            return Reopened(run_id, len(new))
    return None


def cases(count: int, singular_adjective: str = "", plural_adjective: str = "") -> str:
    """'1 åben sag', '3 åbne sager' (Danish number agreement)."""
    if count == 1:
        return " ".join(p for p in ("1", singular_adjective, "sag") if p)
    return " ".join(p for p in (str(count), plural_adjective, "sager") if p)


def effective_decision(
    user_id: str, decisions: Mapping[str, Decision], task_decision: Decision | None
) -> Decision | None:
    """A holder's own latest decision, else the whole-task decision."""
    return decisions.get(user_id.casefold()) or task_decision


def open_cases(
    uncovered: Sequence[str], decisions: Mapping[str, Decision], task_decision: Decision | None
) -> list[str]:
    """Uncovered user ids whose case is not accepted (accepted cases are not open work).

    ``decisions`` is keyed by casefolded user id.
    """
    out = []
    for user_id in uncovered:
        decision = effective_decision(user_id, decisions, task_decision)
        if decision is None or decision.decision != "accept":
            out.append(user_id)
    return out


def steps(
    runs: Sequence[RunFacts],
    latest_uncovered: Sequence[str],
    decisions: Mapping[str, Decision],
    task_decision: Decision | None,
    completion: Completion | None,
    reopened: Reopened | None = None,
) -> tuple[TaskStep, ...]:
    """Steps 1-5 with the date each was done (None = not yet); a reopened step 5 is not done."""
    first = runs[0].finished_at if runs else None
    traced = next((r.finished_at for r in runs if r.had_sources), None)
    step3, note3 = _decided(runs, latest_uncovered, decisions, task_decision)
    step4, note4 = _carried_out(runs, latest_uncovered, decisions, task_decision)
    note1 = (
        f"{len(latest_uncovered)} {plural(len(latest_uncovered), 'rolleindehaver', 'rolleindehavere')} uden nummer i nyeste kørsel."
        if runs
        else ""
    )
    note2 = (
        "" if traced or not runs else "Kør med kilder fra kæden (--config) for at finde årsagen."
    )
    note5 = ""
    if completion is not None:
        note5 = f"Markeret af {completion.done_by}" + (
            f": {completion.note}" if completion.note else "."
        )
    done5 = completion.done_at if completion else None
    if completion is not None and reopened is not None:
        done5 = None
        note5 = (
            f"Genåbnet af kørsel nr. {reopened.run_id}: {reopened.new_gaps} "
            f"{plural(reopened.new_gaps, 'ny rolleindehaver', 'nye rolleindehavere')} uden "
            f"nummer efter markeringen ({note5.rstrip('.')})."
        )
    dates = (first, traced, step3, step4, done5)
    notes = (note1, note2, note3, note4, note5)
    return tuple(
        TaskStep(number, title, done_at, note)
        for number, (title, done_at, note) in enumerate(
            zip(TASK_TITLES, dates, notes, strict=True), start=1
        )
    )


def _decided(
    runs: Sequence[RunFacts],
    uncovered: Sequence[str],
    decisions: Mapping[str, Decision],
    task_decision: Decision | None,
) -> tuple[str | None, str]:
    if task_decision is not None:
        verb = (
            "sikre numrene" if task_decision.decision == "fix" else "ikke at iværksætte aktiviteter"
        )
        return (
            task_decision.decided_at,
            f"Beslutning for hele opgaven: {verb} ({task_decision.reason}).",
        )
    if not runs:
        return None, ""
    own = [decisions.get(u.casefold()) for u in uncovered]
    if any(d is None for d in own):
        missing = sum(d is None for d in own)
        return None, f"{cases(missing)} mangler en beslutning."
    dates = [d.decided_at for d in own if d is not None]
    if not dates:
        return runs[-1].finished_at, "Ingen sager kræver en beslutning."
    return max(dates), "Alle sager har en beslutning."


def _carried_out(
    runs: Sequence[RunFacts],
    uncovered: Sequence[str],
    decisions: Mapping[str, Decision],
    task_decision: Decision | None,
) -> tuple[str | None, str]:
    if not runs:
        return None, ""
    still_open = open_cases(uncovered, decisions, task_decision)
    if still_open:
        return None, f"{cases(len(still_open), 'åben', 'åbne')} i nyeste kørsel."
    accepted = [effective_decision(u, decisions, task_decision) for u in uncovered]
    dates = [d.decided_at for d in accepted if d is not None]
    accepted_note = f" ({len(uncovered)} accepteret uden nummer)" if uncovered else ""
    return max([runs[-1].finished_at, *dates]), f"Ingen åbne sager{accepted_note}."
