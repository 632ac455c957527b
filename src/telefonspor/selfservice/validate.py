"""Server-side check of a number an employee submits, with the reason in plain Danish.

The same phone engine as the audit decides: a Danish number by the numbering
plan, not a placeholder (built-in or ``audit.placeholders``, where the town
hall's main number belongs), not a service number, and not a number the run
found on many holders (a shared line).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from telefonspor.phones import PhoneEngine

MAX_LENGTH: Final = 40


@dataclass(frozen=True, slots=True)
class Checked:
    """A checked field: the number as it will be written ('' when empty) or the reason not."""

    number: str = ""
    error: str = ""


def check_number(
    raw: str,
    engine: PhoneEngine,
    *,
    is_shared: Callable[[str], bool] = lambda _e164: False,
) -> Checked:
    """One field of the form. Empty is allowed here (the form needs at least one number)."""
    text = raw.strip()
    if not text:
        return Checked()
    if len(text) > MAX_LENGTH:
        return Checked(error="Nummeret er for langt. Skriv 8 cifre, fx 33 66 33 66.")
    value = engine.parse(text)
    findings = set(value.findings)
    if value.e164 is None or "invalid" in findings or "extension_only" in findings:
        return Checked(error="Det er ikke et gyldigt telefonnummer. Skriv 8 cifre, fx 33 66 33 66.")
    if not value.e164.startswith("+45"):
        return Checked(error="Kun danske numre (+45) kan registreres her.")
    if "placeholder" in findings:
        return Checked(
            error="Nummeret er et hoved- eller pladsholdernummer, ikke dit eget. "
            "Skriv det nummer, der ringer hos dig."
        )
    if "service_number" in findings:
        return Checked(
            error="70-, 80- og 90-numre er servicenumre og ikke en personlig linje. "
            "Skriv dit direkte nummer eller dit mobilnummer."
        )
    if is_shared(value.e164):
        return Checked(
            error="Nummeret bruges af mange medarbejdere (fx rådhusets hovednummer). "
            "Skriv det nummer, der ringer hos dig."
        )
    national = value.e164.removeprefix("+45")
    return Checked(number=national)
