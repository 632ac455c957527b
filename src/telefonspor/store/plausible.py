"""Is a new run plausible next to the previous one? A KLIK export from the wrong municipality,
a filtered sheet or half a file shows as a sudden drop in role holders; saved as it is, it would
become "the newest run" and every page would show it. Pure: the caller decides what to do."""

from __future__ import annotations

from typing import Final

from telefonspor.store.records import RunInfo

#: A run with fewer than this share of the previous run's role holders is held back.
DROP_SHARE: Final = 0.5


def likely_wrong_file(previous: RunInfo | None, role_holders: int) -> str | None:
    """A Danish warning when ``role_holders`` dropped by more than half since ``previous``."""
    if previous is None or previous.role_holders == 0:
        return None
    if role_holders >= previous.role_holders * DROP_SHARE:
        return None
    return (
        f"Kørslen har {role_holders} rolleindehavere mod {previous.role_holders} i forrige "
        f"gemte kørsel (nr. {previous.id}): mere end halvdelen er væk. Det ligner en forkert "
        "eller ufuldstændig KLIK-eksport (anden kommune, filtreret ark, halv fil)."
    )
