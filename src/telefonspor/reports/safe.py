"""Spreadsheet formula injection: keep user-supplied text from becoming a formula.

Decision (documented in docs/readme/rapporter.md):

* In ``rapport.xlsx`` every user-supplied value is written with
  ``write_string`` and a cell format with ``quote_prefix`` (Excel's own
  "apostrophe" marker). The cell is text and is never evaluated, and the value
  is kept exactly as it was in the source, so ``+45 33 66 33 66`` is not
  changed into ``'+45 33 66 33 66``.
* For CSV (where no cell type exists) :func:`csv_safe` adds a leading ``'``
  to a value that a spreadsheet would read as a formula.
"""

from __future__ import annotations

from typing import Final

#: First characters that make Excel, LibreOffice or Google Sheets start a formula.
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: str) -> bool:
    """True when a spreadsheet could interpret ``value`` as a formula."""
    return value.startswith(FORMULA_STARTS)


def csv_safe(value: str) -> str:
    """Return ``value`` with a leading apostrophe when it could start a formula."""
    return "'" + value if is_formula_like(value) else value
