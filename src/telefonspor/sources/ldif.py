"""Parse LDIF content records as ``ldapsearch`` (or ``ldifde``) writes them.

Handles comments, the ``version:`` line, folded lines (continuations start
with one space), base64 values (``attr:: ...``, returned as bytes so binary
attributes such as ``objectGUID`` survive) and attribute options
(``objectGUID;binary``). ``ldapsearch``'s trailer (``search: 2`` /
``result: 0 Success``) has no ``dn`` and is skipped. URL values
(``attr:< file:///...``) are refused: reading them would let a file name
other files.
"""

from __future__ import annotations

import base64
import binascii
import codecs
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from telefonspor.errors import InputError

__all__ = ["LdifEntry", "looks_like_ldif", "parse_ldif", "read_ldif"]

_FIRST_KEYS: Final = ("dn:", "version:")
_SUFFIXES: Final = (".ldif", ".ldf")

LdifValue = str | bytes


@dataclass
class LdifEntry:
    """One entry: its DN, the line it starts on and its attributes (names as written)."""

    dn: str
    line: int
    attributes: dict[str, list[LdifValue]] = field(default_factory=dict)

    def add(self, name: str, value: LdifValue) -> None:
        for known, values in self.attributes.items():
            if known.casefold() == name.casefold():
                values.append(value)
                return
        self.attributes[name] = [value]


def looks_like_ldif(path: Path) -> bool:
    """True for a ``.ldif``/``.ldf`` file, or when the first line that is not a comment
    starts with ``dn:`` or ``version:``."""
    if path.suffix.lower() in _SUFFIXES:
        return True
    try:
        with path.open("rb") as handle:
            raw = handle.read(8192)
    except OSError:
        return False
    utf16 = raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    head = raw.decode("utf-16" if utf16 else "utf-8", errors="replace")
    for line in _physical_lines(head.lstrip("\ufeff")):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        return stripped.lower().startswith(_FIRST_KEYS)
    return False


def read_ldif(path: Path) -> list[LdifEntry]:
    """Read and parse an LDIF file; unreadable or broken content is an :class:`InputError`."""
    where = str(path)
    if not path.exists():
        raise InputError("filen findes ikke. Tjek stien og filnavnet.", path=where)
    if path.is_dir():
        raise InputError("stien er en mappe, ikke en fil.", path=where)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"filen kan ikke læses ({exc.strerror}).", path=where) from exc
    if b"\x00" in data:
        raise InputError(
            "LDIF-filen indeholder NUL-tegn: den er binær, beskadiget eller gemt som UTF-16. "
            "Gem den igen som UTF-8 (ldapsearch ... > ad.ldif).",
            path=where,
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # ldifde on Windows may write plain values in the ANSI code page.
        text = data.decode("cp1252", errors="replace")
    return parse_ldif(text, where=where)


def parse_ldif(text: str, *, where: str = "") -> list[LdifEntry]:
    """Entries of LDIF ``text``; ``where`` names the file in error messages."""
    entries: list[LdifEntry] = []
    current: LdifEntry | None = None
    seen_any = False
    for number, line in _unfolded(text):
        if not line.strip():
            if current is not None:
                entries.append(current)
            current = None
            continue
        name, value = _attribute(line, number, where)
        seen_any = True
        if current is None:
            if name.casefold() == "version" and not entries:
                continue
            dn = value.decode("utf-8", errors="replace") if isinstance(value, bytes) else value
            # Records without a dn (ldapsearch's "search:"/"result:" trailer) are kept
            # only to be dropped below.
            current = LdifEntry(dn=dn if name.casefold() == "dn" else "", line=number)
            if name.casefold() == "dn":
                continue
        current.add(name, value)
    if current is not None:
        entries.append(current)
    if not seen_any:
        raise InputError("LDIF-filen er tom.", path=where)
    return [e for e in entries if e.dn]


def _unfolded(text: str) -> Iterator[tuple[int, str]]:
    """Logical lines with the number of their first physical line; comments dropped."""
    pending: str | None = None
    start = 0
    in_comment = False
    for number, raw in enumerate(_physical_lines(text), start=1):
        if raw.startswith(" ") and (pending is not None or in_comment):
            if pending is not None:
                pending += raw[1:]
            continue
        if pending is not None:
            yield start, pending
            pending = None
        in_comment = raw.startswith("#")
        if in_comment:
            continue
        if not raw.strip():
            yield number, ""
            continue
        pending, start = raw, number
    if pending is not None:
        yield start, pending


def _physical_lines(text: str) -> Iterator[str]:
    """Lines split on LF or CRLF only (RFC 2849 SEP).

    ``str.splitlines`` also splits on U+2028, U+0085, form feed ..., which may sit
    inside a value and would then start a bogus attribute line.
    """
    for line in text.split("\n"):
        yield line[:-1] if line.endswith("\r") else line


def _attribute(line: str, number: int, where: str) -> tuple[str, LdifValue]:
    description, sep, rest = line.partition(":")
    if not sep or not description.strip():
        raise InputError(
            f'linje {number} er ikke "attribut: værdi" (fandt "{line[:40]}"). '
            "Er filen en LDIF-fil fra ldapsearch?",
            path=where,
        )
    name = description.split(";", 1)[0].strip()
    if rest.startswith(":"):
        encoded = rest[1:].strip()
        try:
            return name, base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InputError(
                f"linje {number}: værdien af {name} er ikke gyldig base64. "
                "Filen er beskadiget eller afkortet; hent den igen.",
                path=where,
            ) from exc
    if rest.startswith("<"):
        raise InputError(
            f"linje {number}: {name} henviser til en anden fil ({rest[1:].strip()[:60]}). "
            "Eksportér værdierne direkte i filen (ldapsearch uden -t).",
            path=where,
        )
    return name, rest.strip()
