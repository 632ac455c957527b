"""The analyst's script: what a municipality writes instead of telefonspor (issue 15's yardstick).

pandas ``read_excel`` with openpyxl, ``phonenumbers`` on every cell, one row at a time, and
``to_excel`` of the holders without a usable number. ``make bench`` times it side by side with
telefonspor's KLIK-only audit on the same file; it is never imported by the package.

Run: ``python bench/baseline.py klik.xlsx out.xlsx``
"""

from __future__ import annotations

import sys

import pandas as pd
import phonenumbers


def usable(value: object) -> bool:
    """A number phonenumbers accepts as valid, read as Danish unless it says otherwise."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return False
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if not text.strip():
        return False
    try:
        number = phonenumbers.parse(text, "DK")
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(number))


def main(klik: str, out: str) -> int:
    # KLIK's export has a title, a subtitle and a blank row above the header.
    frame = pd.read_excel(klik, engine="openpyxl", header=3, dtype=object)
    keep = []
    for _, row in frame.iterrows():
        if pd.isna(row.get("Roller")):
            continue
        direct = usable(row.get("Direkte nummer"))
        mobile = usable(row.get("Mobil nummer"))
        keep.append(not (direct or mobile))
    holders = frame[frame["Roller"].notna()]
    holders[keep].to_excel(out, index=False, engine="openpyxl")
    print(f"{sum(keep)} af {len(keep)} rolleindehavere uden brugbart nummer")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
