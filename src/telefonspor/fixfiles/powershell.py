"""``ad-rettelser.ps1``: Set-ADUser lines that run with -WhatIf unless started with -Udfoer.

UTF-8 with BOM: Windows PowerShell 5 reads a file without BOM as ANSI and
would garble æøå. Every value is a single-quoted literal (no expansion of
``$`` or backticks); the quote characters PowerShell accepts inside such a
literal (' and the typographic ‘ ’ ‚ ‛) are doubled.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final

from telefonspor.errors import ConfigError
from telefonspor.fixfiles.plan import AdChange, AdSkip
from telefonspor.localtime import danish_datetime

FILE_NAME: Final = "ad-rettelser.ps1"
BOM: Final = b"\xef\xbb\xbf"
#: Set-ADUser parameters for the standard attributes; others go through -Replace.
AD_PARAMETERS: Final = {"telephonenumber": "OfficePhone", "mobile": "MobilePhone"}
_QUOTES: Final = "'\u2018\u2019\u201a\u201b"
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]")
_ATTRIBUTE: Final = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")


def ps_quote(value: str) -> str:
    """A PowerShell single-quoted literal of ``value`` (control characters removed)."""
    clean = _CONTROL.sub(" ", value)
    return "'" + "".join(c + c if c in _QUOTES else c for c in clean) + "'"


def comment(text: str) -> str:
    """One comment line; line breaks in data cannot end the comment early."""
    return "# " + _CONTROL.sub(" ", text).strip()


def set_line(change: AdChange, attributes: Mapping[str, str]) -> str:
    attribute = attributes[change.slot]
    parameter = AD_PARAMETERS.get(attribute.casefold())
    identity = ps_quote(change.account)
    if parameter is not None:
        setting = f"-{parameter} {ps_quote(change.number)}"
    else:
        if not _ATTRIBUTE.match(attribute):
            raise ConfigError(
                f"'{attribute}' er ikke et gyldigt AD-attributnavn (indstillingerne "
                "ad.direct_attribute og ad.mobile_attribute)."
            )
        setting = f"-Replace @{{{ps_quote(attribute)}={ps_quote(change.number)}}}"
    return f"Set-ADUser -Identity {identity} {setting} -WhatIf:(-not $Udfoer)"


def powershell_script(
    changes: Sequence[AdChange],
    skipped: Sequence[AdSkip],
    *,
    attributes: Mapping[str, str],
    generated_at: str,
) -> bytes:
    lines = [
        "# ad-rettelser.ps1 – rettelser af telefonnumre i AD, lavet af telefonspor.",
        comment(
            f"Bygger på kørslen fra {danish_datetime(generated_at)}."
            if generated_at
            else "Bygger på en kørsel."
        ),
        "#",
        "# Scriptet sætter Direkte nummer og Mobil nummer på de AD-brugere, hvor et andet system",
        "# i kæden (eller en rettelse i hånden) kender nummeret, men AD mangler det eller har en",
        "# ubrugelig værdi. Telefonspor ændrer aldrig noget selv: læs linjerne igennem først.",
        "#",
        "# Som standard kører scriptet med -WhatIf og viser kun, hvad det ville ændre:",
        "#     .\\ad-rettelser.ps1",
        "# Ændr for alvor (kræver modulet ActiveDirectory og ret til at ændre brugerne):",
        "#     .\\ad-rettelser.ps1 -Udfoer",
        f"# Ændringer: {len(changes)}. Sprunget over: {len(skipped)}.",
        "",
        "param([switch]$Udfoer)",
        "",
        "Import-Module ActiveDirectory",
        "",
    ]
    for change in changes:
        lines.append(comment(f"{change.account}: {change.reason}"))
        lines.append(set_line(change, attributes))
    if skipped:
        lines.append("")
        lines.append("# Sprunget over (kan ikke skrives sikkert):")
        lines.extend(comment(f"{s.account}: {s.reason}") for s in skipped)
    return BOM + ("\r\n".join(lines) + "\r\n").encode("utf-8")
