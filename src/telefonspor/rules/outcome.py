"""What one system holds per slot and what its sync rules pass on (pure data)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from telefonspor.model import PhoneEntry

#: Record flags the rules read (set by the readers in ``sources/``).
DISABLED: Final = "disabled"
DELETED: Final = "deleted"
NO_AFFILIATION: Final = "no_affiliation"
DO_NOT_TRANSFER: Final = "do_not_transfer"
NO_ENGAGEMENT: Final = "no_engagement"
FAILURE: Final = "failure"
SKIPPED: Final = "skipped"


@dataclass(frozen=True, slots=True)
class SlotOutcome:
    """One slot (direct or mobile) of one record after the system's rules."""

    held: tuple[str, ...]  # raw numbers the system holds that belong to this slot
    sent: str  # raw number passed on to the next hop ("" none)
    other: tuple[str, ...] = ()  # numbers held under a type that is never sent
    rule: str = ""  # rule code when a held number is not sent (the first one blocked)
    blocked: tuple[tuple[str, str], ...] = ()  # (raw, rule) for every held number not sent


@dataclass(frozen=True, slots=True)
class Passage:
    direct: SlotOutcome
    mobile: SlotOutcome

    def slot(self, name: str) -> SlotOutcome:
        return self.direct if name == "direct" else self.mobile


EMPTY_SLOT: Final = SlotOutcome((), "")
NOTHING: Final = Passage(EMPTY_SLOT, EMPTY_SLOT)


def non_blank(entries: tuple[PhoneEntry, ...]) -> tuple[PhoneEntry, ...]:
    """Entries with a value; an empty cell is not a held number."""
    return tuple(p for p in entries if p.raw.strip())


def outcome(
    held: tuple[PhoneEntry, ...],
    sent: PhoneEntry | None,
    reasons: dict[int, str],
    other: tuple[str, ...] = (),
) -> SlotOutcome:
    """A slot outcome; ``reasons`` maps the index in ``held`` of each blocked entry to its rule."""
    blocked = tuple((held[i].raw, rule) for i, rule in sorted(reasons.items()))
    return SlotOutcome(
        held=tuple(p.raw for p in held),
        sent=sent.raw if sent is not None else "",
        other=other,
        rule=blocked[0][1] if blocked else "",
        blocked=blocked,
    )


def pass_through(held: tuple[PhoneEntry, ...]) -> SlotOutcome:
    """A system without filters: it sends the first number it holds."""
    return outcome(held, held[0] if held else None, {})
