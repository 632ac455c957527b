"""Distinguished names per AD account, read from an AD export (for the LDIF file)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from telefonspor.sources.tabular import open_table

DN_FIELDS: Final = {
    "account": ("SamAccountName", "sAMAccountName", "brugernavn", "uid"),
    "dn": ("DistinguishedName", "dn", "distinguished name"),
}


def read_dns(path: Path) -> dict[str, str]:
    """Case-folded account name -> DN, from e.g. ``Get-ADUser ... | Export-Csv``."""
    table = open_table(Path(path), DN_FIELDS, required=(("account",), ("dn",)), what="AD-eksporten")
    out: dict[str, str] = {}
    for _, cells in table.rows():
        account = cells[table.columns["account"]].strip()
        dn = cells[table.columns["dn"]].strip()
        if account and dn:
            out.setdefault(account.casefold(), dn)
    return out
