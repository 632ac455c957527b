"""Load a JSON export safely and walk it with errors that say where.

Every JSON reader (OS2sofd, OS2mo, FK-ORG) loads through :func:`load_json`
and reads values through :class:`JsonAt`, so a wrong shape becomes an
:class:`~telefonspor.errors.InputError` naming the file and the place inside
it (``persons[3].phones[0]``) instead of a ``KeyError`` deep in a reader.

:func:`parse_json` is the one ``json.loads`` for files a user gives (also used by
``fix`` and ``national``): besides syntax errors, ``json.loads`` raises a plain
``ValueError`` for an integer longer than Python converts (4,300 digits) and
``RecursionError`` for deep nesting; both are bad input, not crashes.
"""

from __future__ import annotations

import codecs
import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Final

from telefonspor.errors import InputError

__all__ = [
    "MAX_JSON_BYTES",
    "JsonAt",
    "decode_json",
    "load_json",
    "looks_like_json",
    "parse_json",
    "read_json_bytes",
    "strict_ready",
]

#: A saved API answer larger than this is not an export we can hold in memory.
MAX_JSON_BYTES: Final = 2 << 30


def looks_like_json(path: Path) -> bool:
    """True for a ``.json`` file, or when its first non-blank byte opens an object or array."""
    if path.suffix.lower() == ".json":
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def load_json(path: Path, *, what: str = "JSON-filen") -> object:
    """Parse ``path`` as UTF-8 JSON; every failure is a Danish :class:`InputError`."""
    return decode_json(read_json_bytes(path, what=what), where=str(path), what=what)


def read_json_bytes(path: Path, *, what: str = "JSON-filen") -> bytes:
    """The bytes of a JSON file a user gave: it exists, fits the size limit and holds no NUL."""
    where = str(path)
    if not path.exists():
        raise InputError("filen findes ikke. Tjek stien og filnavnet.", path=where)
    if path.is_dir():
        raise InputError("stien er en mappe, ikke en fil.", path=where)
    try:
        if path.stat().st_size > MAX_JSON_BYTES:
            raise InputError(f"{what} er større end 2 GB og kan ikke indlæses.", path=where)
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"filen kan ikke læses ({exc.strerror}).", path=where) from exc
    if b"\x00" in data:
        raise InputError(
            f"{what} indeholder NUL-tegn: den er binær, beskadiget eller gemt som UTF-16. "
            "Gem svaret igen som UTF-8.",
            path=where,
        )
    return data


def decode_json(data: bytes, *, where: str, what: str = "JSON-filen") -> object:
    """Parse the bytes :func:`read_json_bytes` gave as one tree; every failure is an InputError."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{what} er ikke UTF-8 (byte {exc.start}). Gem svaret igen som UTF-8.", path=where
        ) from exc
    if not text.strip():
        raise InputError(f"{what} er tom.", path=where)
    try:
        return parse_json(text, path=where, what=what)
    except json.JSONDecodeError as exc:
        # A string cut off mid-way is reported at its start, not at the end of the text.
        ending = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        why = (
            "slutter midt i et objekt (filen er afkortet; hent den igen)"
            if ending
            else f"er ikke gyldig JSON ({exc.msg})"
        )
        raise InputError(
            f"{what} {why}, linje {exc.lineno}, tegn {exc.colno}.", path=where
        ) from exc


def parse_json(text: str, *, path: str, what: str = "JSON-filen") -> object:
    """``json.loads(text)``; a too long number or too deep nesting is an :class:`InputError`.

    Syntax errors stay ``json.JSONDecodeError``, so each caller words them for its file.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError as exc:  # int() refuses more than sys.get_int_max_str_digits() digits
        limit = f"{sys.get_int_max_str_digits():,}".replace(",", ".")
        raise InputError(
            f"{what} indeholder et tal med mere end {limit} cifre og kan ikke læses. "
            "Den er beskadiget; hent eller gem den igen.",
            path=path,
        ) from exc
    except RecursionError as exc:
        raise InputError(
            f"{what} er indlejret for dybt til at være en eksport og kan ikke læses.", path=path
        ) from exc


#: UTF-8 is checked this many bytes at a time (a whole-file copy as text is not needed).
_UTF8_CHUNK: Final = 1 << 22


def strict_ready(data: bytes) -> bytes | None:
    """``data`` (without a BOM) when a typed decoder such as msgspec may read it in place of
    :func:`decode_json`; None when only the tree parser can give the right answer or message.

    A typed decoder skips the members it does not need without checking them the way
    ``json.loads`` does, so the two differences that matter are checked here: the whole
    file must be UTF-8 (even inside skipped strings), and no run of digits may reach the
    length ``json.loads`` refuses as an integer. Everything else a typed decoder rejects
    itself (bad syntax, NaN, deep nesting), and the caller then falls back to the tree.
    """
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if not body.isascii():
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for start in range(0, len(body), _UTF8_CHUNK):
                decoder.decode(body[start : start + _UTF8_CHUNK])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return None
    return None if _has_long_digit_run(body) else body


def _has_long_digit_run(data: bytes) -> bool:
    """True when ``data`` holds more digits in a row than ``json.loads`` turns into an int.

    Such a run covers at least one whole block of half that length at a multiple of the
    block size, so only those blocks are tested (a few thousand C calls, not a regex).
    """
    limit = sys.get_int_max_str_digits()
    if not limit:
        return False
    longest = limit + 1
    block = longest // 2
    view = memoryview(data)
    for start in range(0, len(data) - block + 1, block):
        if view[start : start + block].tobytes().isdigit():
            left, right = start, start + block
            while left > 0 and 48 <= data[left - 1] <= 57:
                left -= 1
            while right < len(data) and 48 <= data[right] <= 57:
                right += 1
            if right - left >= longest:
                return True
    return False


class JsonAt:
    """A JSON value and where it sits: ``JsonAt(value, "fil.json", "persons[3]")``.

    The path text is built only when asked for (an error or a location): readers walk
    hundreds of thousands of nodes, and almost none of them fail.
    """

    __slots__ = ("_at", "_folded", "_parent", "_step", "file", "value")

    def __init__(
        self,
        value: object,
        file: str,
        at: str = "",
        *,
        parent: JsonAt | None = None,
        step: str = "",
    ) -> None:
        self.value = value
        self.file = file
        self._at: str | None = at if parent is None else None
        self._parent = parent
        self._step = step
        self._folded: dict[str, str] | None = None

    @property
    def at(self) -> str:
        if self._at is None:
            parent = self._parent.at if self._parent is not None else ""
            if self._step.startswith("["):
                self._at = f"{parent}{self._step}"
            else:
                self._at = f"{parent}.{self._step}" if parent else self._step
        return self._at

    def _child(self, value: object, step: str) -> JsonAt:
        return JsonAt(value, self.file, parent=self, step=step)

    def fail(self, message: str) -> InputError:
        place = f" ved {self.at}" if self.at else ""
        return InputError(f"{message}{place}.", path=self.file)

    def is_null(self) -> bool:
        return self.value is None

    def mapping(self) -> Mapping[str, object]:
        if not isinstance(self.value, Mapping):
            raise self.fail(f"forventede et JSON-objekt, men fandt {_kind(self.value)}")
        return self.value

    def items(self) -> Iterator[JsonAt]:
        """Elements of a list (null counts as empty)."""
        if self.value is None:
            return
        if not isinstance(self.value, list):
            raise self.fail(f"forventede en JSON-liste, men fandt {_kind(self.value)}")
        for index, item in enumerate(self.value):
            yield self._child(item, f"[{index}]")

    def get(self, *names: str) -> JsonAt:
        """The first present, non-null member of ``names``; matched exactly, then ignoring case.

        Missing members give a null :class:`JsonAt` (absent and null mean the same here).
        """
        members = self.mapping()
        for name in names:
            if members.get(name) is not None:
                return self._child(members[name], name)
        if self._folded is None:
            self._folded = {str(k).casefold(): str(k) for k in members}
        folded = self._folded
        for name in names:
            key = folded.get(name.casefold())
            if key is not None and members[key] is not None:
                return self._child(members[key], str(key))
        return self._child(None, names[0])

    def has(self, name: str) -> bool:
        members = self.value if isinstance(self.value, Mapping) else {}
        return any(str(k).casefold() == name.casefold() for k in members)

    def text(self, *names: str) -> str:
        """A member as trimmed text ("" when absent); objects and lists are a shape error."""
        node = self.get(*names) if names else self
        value = node.value
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, int | float):
            return (
                str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
            )
        raise node.fail(f"forventede en tekst, men fandt {_kind(value)}")

    def flag(self, *names: str) -> bool:
        """A member as a boolean; absent is False, "true"/"1"/"ja" are True."""
        node = self.get(*names)
        value = node.value
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return value != 0
        if isinstance(value, str):
            return value.strip().casefold() in {"true", "1", "ja", "yes", "sand", "t"}
        raise node.fail(f"forventede true eller false, men fandt {_kind(value)}")


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "en sandhedsværdi"
    if isinstance(value, str):
        return "en tekst"
    if isinstance(value, int | float):
        return "et tal"
    if isinstance(value, list):
        return "en liste"
    if isinstance(value, Mapping):
        return "et objekt"
    return type(value).__name__
