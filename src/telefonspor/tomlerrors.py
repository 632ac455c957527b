"""Danish words for what is wrong in a configuration file, with file, line and column.

tomllib reports in English ("Illegal character '\\t' (at line 3, column 5)"); a KLIK
administrator gets the same facts in Danish, and a "did you mean" for a misspelt name.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Final

_AT: Final = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")

#: tomllib's messages (Python 3.11-3.13) -> Danish; {0} is the detail tomllib names.
_MESSAGES: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (re.compile(pattern), danish)
    for pattern, danish in (
        (r"^Illegal character '\\n'$", "en tekst mangler sit afsluttende anførselstegn"),
        (r"^Illegal character (.+)$", "ulovligt tegn {0} (fx et tabulatortegn eller styretegn)"),
        (r"^Found invalid character (.+)$", "ugyldigt tegn {0}"),
        (r"^Invalid statement$", "linjen er hverken navn = værdi eller en [tabel]"),
        (r"^Invalid value$", 'ugyldig værdi (tekst skal stå i anførselstegn, fx "os2sofd")'),
        (r"^Invalid initial character for a key part$", "et navn må ikke begynde med dette tegn"),
        (r"^Expected '=' after a key in a key/value pair$", "der mangler '=' efter navnet"),
        (
            r"^Expected newline or end of document after a statement$",
            "der står mere efter værdien på samme linje",
        ),
        (
            r"^Expected '\]' at the end of a table declaration$",
            "der mangler ']' efter tabellens navn",
        ),
        (
            r"^Expected '\]\]' at the end of an array declaration$",
            "der mangler ']]' efter tabellens navn",
        ),
        (r"^Cannot declare (.+) twice$", "tabellen {0} står to gange"),
        (r"^Cannot overwrite a value$", "navnet har allerede fået en værdi"),
        (r"^Cannot mutate immutable namespace (.+)$", "{0} er allerede givet og kan ikke udvides"),
        (r"^Cannot redefine namespace (.+)$", "{0} er allerede defineret"),
        (r"^Duplicate inline table key (.+)$", "navnet {0} står to gange"),
        (r"^Unclosed array$", "en liste [ ... ] er ikke lukket"),
        (r"^Unclosed inline table$", "en tabel { ... } er ikke lukket"),
        (r"^Unterminated string$", "en tekst mangler sit afsluttende anførselstegn"),
        (
            r"^Unescaped '\\\\' in a string$",
            "en \\ i en tekst skal skrives \\\\ (eller brug 'enkelte anførselstegn')",
        ),
        (r"^Invalid date or datetime$", "ugyldig dato eller tidspunkt"),
        (r"^Invalid hex value$", "ugyldig \\u-kode i en tekst"),
        (r"^Escaped character is not a Unicode scalar value$", "ugyldig \\u-kode i en tekst"),
        (r"^Expected (.+)$", "forventede {0}"),
    )
)


def danish_toml_error(path: Path, exc: tomllib.TOMLDecodeError) -> str:
    """'kaede.toml, linje 3, kolonne 5: ulovligt tegn ...' from tomllib's English message."""
    text = str(exc)
    where = f"{path}"
    match = _AT.search(text)
    if match:
        text = text[: match.start()]
        where += (
            f", linje {match.group(1)}, kolonne {match.group(2)}"
            if match.group(1)
            else ", ved filens slutning"
        )
    for pattern, danish in _MESSAGES:
        found = pattern.match(text)
        if found:
            return f"{where}: ugyldig TOML – {danish.format(*found.groups())}."
    return f"{where}: ugyldig TOML ({text})."


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' Mente du »x«?' for the closest choice, or '' when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" Mente du »{close[0]}«?" if close else ""


def line_of(text: str, section: str, name: str | None = None) -> int | None:
    """The line (1-based) of ``[section]`` / ``[[section]]``, or of ``name =`` inside it."""
    header = re.compile(rf"^\s*\[\[?\s*{re.escape(section)}\s*\]\]?\s*(#.*)?$")
    key = re.compile(rf"^\s*{re.escape(name)}\s*=") if name else None
    inside = False
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if header.match(line):
            if key is None:
                return number
            inside = True
            continue
        if stripped.startswith("["):
            inside = False
        elif inside and key is not None and key.match(line):
            return number
    return None
