"""``ad-rettelser.ldif``: the AD changes as LDIF modify records (RFC 2849) for ldapmodify.

A modify record needs the entry's DN, which a KLIK export and the result do
not carry: DNs come from an AD export (``fix --ad-export``). Accounts without a
known DN are listed as comments and skipped.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from typing import Final

from telefonspor.fixfiles.plan import AdChange, AdSkip
from telefonspor.localtime import danish_datetime

FILE_NAME: Final = "ad-rettelser.ldif"
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]")


def is_safe_string(value: str) -> bool:
    """RFC 2849 SAFE-STRING; we also encode a trailing space, which tools may strip."""
    if not value:
        return True
    if not value.isascii() or any(c in "\x00\r\n" for c in value):
        return False
    return value[0] not in " :<" and not value.endswith(" ")


def attr_line(name: str, value: str) -> str:
    if is_safe_string(value):
        return f"{name}: {value}"
    return f"{name}:: {base64.b64encode(value.encode('utf-8')).decode('ascii')}"


def comment(text: str) -> str:
    return "# " + _CONTROL.sub(" ", text).strip()


def ldif_file(
    changes: Sequence[AdChange],
    skipped: Sequence[AdSkip],
    *,
    attributes: Mapping[str, str],
    dns: Mapping[str, str],
    generated_at: str,
) -> bytes:
    """``dns`` maps the case-folded account name to its distinguished name."""
    lines = [
        "# ad-rettelser.ldif – rettelser af telefonnumre i AD, lavet af telefonspor.",
        comment(
            f"Bygger på kørslen fra {danish_datetime(generated_at)}."
            if generated_at
            else "Bygger på en kørsel."
        ),
        "# Indlæs efter gennemsyn, fx: ldapmodify -H ldaps://dc.kommune.dk -D ... -W -f ad-rettelser.ldif",
        "",
        "version: 1",
    ]
    grouped: dict[str, list[AdChange]] = {}
    for change in changes:
        grouped.setdefault(change.account, []).append(change)
    unknown: list[str] = []
    for account, items in grouped.items():  # changes are sorted by account already
        dn = dns.get(account.casefold(), "")
        if not dn:
            unknown.append(account)
            continue
        lines.append("")
        lines.extend(comment(f"{account}: {c.reason}") for c in items)
        lines.append(attr_line("dn", dn))
        lines.append("changetype: modify")
        for change in items:
            attribute = attributes[change.slot]
            lines.append(f"replace: {attribute}")
            lines.append(attr_line(attribute, change.number))
            lines.append("-")
    if unknown or skipped:
        lines.append("")
        lines.extend(comment(f"dn for {account} ukendt") for account in unknown)
        lines.extend(comment(f"{s.account}: {s.reason}") for s in skipped)
    return ("\n".join(lines) + "\n").encode("utf-8")
