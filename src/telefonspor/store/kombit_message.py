"""The message for KOMBIT in the KLIK task's message field (the task text's step 3 and 5).

KOMBIT asks a municipality that decides not to act to say why; one that finishes says what was
done. The text is ready to paste: the decision and its reason, the coverage now and at the first
run, and what was done - counts only, never a name, user id or number. Pure: the store hands it
the facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telefonspor.localtime import danish_datetime
from telefonspor.model import Decision
from telefonspor.store.records import RunInfo
from telefonspor.texts import danish_number, plural


@dataclass(frozen=True, slots=True)
class TaskFacts:
    """What the message is made of (counts and dates only)."""

    runs: Sequence[RunInfo]
    task_decision: Decision | None
    fixed_since_first: int
    accepted: int
    open_cases: int
    municipality: str = ""
    completed_note: str = ""


def _pct(value: float) -> str:
    return f"{danish_number(value)} %"


def _coverage(run: RunInfo) -> str:
    return (
        f"{_pct(run.coverage_pct)} af rollerne har et telefonnummer "
        f"({danish_number(run.roles_covered, 0)} af {danish_number(run.roles, 0)} "
        f"{plural(run.roles, 'rolle', 'roller')})"
    )


def kombit_message(facts: TaskFacts) -> str:
    """Danish text for the KLIK task's message field."""
    who = facts.municipality or "Kommunen"
    lines = [f"Telefonnumre på roller i KLIK – {who}"]
    decision = facts.task_decision
    if decision is None:
        lines.append("Beslutning: ikke truffet for hele opgaven endnu.")
    elif decision.decision == "fix":
        lines.append("Beslutning: Vi sikrer telefonnumrene på rollerne.")
    else:
        lines.append("Beslutning: Vi iværksætter ikke aktiviteter for at sikre telefonnumrene.")
    if decision is not None and decision.reason:
        lines.append(f"Begrundelse: {decision.reason}")
    if facts.runs:
        first, latest = facts.runs[0], facts.runs[-1]
        lines.append(f"Nu ({danish_datetime(latest.started_at)}): {_coverage(latest)}.")
        if latest.id != first.id:
            lines.append(f"Ved start ({danish_datetime(first.started_at)}): {_coverage(first)}.")
        done = [
            f"{facts.fixed_since_first} {plural(facts.fixed_since_first, 'rolleindehaver', 'rolleindehavere')} "
            "har fået et brugbart nummer siden første kørsel"
        ]
        if facts.accepted:
            done.append(
                f"{facts.accepted} {plural(facts.accepted, 'sag', 'sager')} er besluttet "
                "ikke at blive rettet, hver med en begrundelse"
            )
        still = facts.open_cases
        done.append(
            f"{still} {plural(still, 'sag', 'sager')} er stadig {plural(still, 'åben', 'åbne')}"
        )
        lines.append("Gjort: " + "; ".join(done) + ".")
    if facts.completed_note:
        lines.append(f"Bemærkning: {facts.completed_note}")
    lines.append("Sporet med telefonspor.")
    return "\n".join(lines)
