"""Read the OPUS (KMD payroll) employee XML.

The layout varies between municipalities and export versions, so the reader
is tolerant: an employee is any ``employee``/``medarbejder`` element, its
fields come from attributes or child elements (``employeeId``/``medarbejdernr``,
``userId``, ``workPhone``, ``mobilePhone``, ``email``, names), and OPUS
communication elements are read by their type code as OS2sofd's OpusService
reads them (OS2sofd/os2sofd, commit 88a368a6): 0020 is the employee's one work
number (OS2sofd writes its typePrime LANDLINE, else typePrime MOBILE, there),
0010 e-mail, 0001 user id. 9021 is *afdelingsnummer*, a department's number: it
is never a personal number and is not read as a phone. CPR numbers are never read.

Parsed with defusedxml: a file with a DTD, entities or external references is
refused, so a crafted file cannot read other files or exhaust memory. A declared
encoding Python cannot decode, and nesting deeper than :data:`MAX_DEPTH`, are
bad input too (the walk below recurses per level).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as StdET
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Final
from xml.etree.ElementTree import Element

import defusedxml
import defusedxml.ElementTree as SafeET

from telefonspor.errors import InputError
from telefonspor.model import PhoneEntry, SourceData, SourceRecord
from telefonspor.settings import SOURCE_KINDS, Settings
from telefonspor.sources.common import input_file, iso_date

__all__ = ["COMMUNICATION_CODES", "MAX_DEPTH", "read_opus", "records_from_xml"]

KIND: Final = "opus"
WORK: Final = "workPhone"
MOBILE: Final = "mobilePhone"
_EMPLOYEE_TAGS: Final = frozenset({"employee", "medarbejder", "ansat"})
DEPARTMENT: Final = "department_number"
#: OPUS communication type code -> our field (9021 is known so it is never taken for data).
COMMUNICATION_CODES: Final[Mapping[str, str]] = {
    "0020": WORK,
    "9021": DEPARTMENT,
    "0010": "email",
    "0001": "user_id",
}
_CODE_NAMES: Final = frozenset(
    {"type", "typecode", "code", "art", "kommunikationsart", "komart", "subty", "kode"}
)
_VALUE_NAMES: Final = frozenset(
    {"value", "val", "usrid", "usrid_long", "nummer", "number", "tekst", "text", "id"}
)
#: field -> accepted element/attribute names (compared in lower case, namespaces dropped).
_FIELD_NAMES: Final[Mapping[str, tuple[str, ...]]] = {
    "employee_id": ("employeeid", "medarbejdernr", "medarbejdernummer", "employeenumber", "id"),
    "user_id": ("userid", "brugerid", "brugernavn", "username", "adbrugernavn", "initialer"),
    WORK: ("workphone", "arbejdstelefon", "telefonarbejde"),
    MOBILE: ("mobilephone", "mobiltelefon", "mobil"),
    "email": ("email", "e-mail", "mail"),
    "first": ("firstname", "fornavn"),
    "last": ("lastname", "efternavn"),
    "name": ("name", "navn"),
    "leave": ("leavedate", "fratraedelsesdato", "slutdato"),
}
_NEVER_READ: Final = frozenset({"cpr", "cprnr", "cprnummer"})
#: An employee export is a handful of levels deep; far deeper is a broken or crafted file.
MAX_DEPTH: Final = 100
_DECLARED_ENCODING: Final = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']{1,40})""")


def read_opus(path: Path, *, options: Mapping[str, Any], settings: Settings) -> SourceData:
    """Read an OPUS employee XML file."""
    records = _stream_records(path, origin=path.name, today=date.today())
    if not records:
        raise InputError(
            "filen indeholder ingen medarbejdere (ingen employee- eller medarbejder-elementer). "
            "Er det OPUS' medarbejderudtræk?",
            path=str(path),
        )
    return SourceData(
        kind=KIND,
        position=SOURCE_KINDS[KIND],
        records=tuple(records),
        origin=str(path),
        files=(input_file(path, KIND, rows=len(records)),),
    )


def _stream_records(path: Path, *, origin: str, today: date) -> list[SourceRecord]:
    """The records of :func:`records_from_xml`, built while parsing: each employee's elements
    are dropped once its record is made, so the whole tree of a national export (millions of
    elements, gigabytes as objects) never sits in memory at once."""
    records: list[SourceRecord] = []
    open_employees = 0  # employee elements open around the parser's position
    depth = 0  # elements open around the parser's position
    with _xml_errors(path):
        events = SafeET.iterparse(str(path), events=("start", "end"), forbid_dtd=True)
        for event, element in events:
            depth += 1 if event == "start" else -1
            if depth > MAX_DEPTH:
                raise InputError(
                    f"XML-filen er indlejret mere end {MAX_DEPTH} niveauer dybt og er ikke et "
                    "medarbejderudtræk fra OPUS. Hent udtrækket igen.",
                    path=str(path),
                )
            if _local(element.tag) not in _EMPLOYEE_TAGS:
                continue
            if event == "start":
                open_employees += 1
                continue
            open_employees -= 1
            if open_employees == 0:  # an outermost employee: what it holds is its data
                location = f"{origin} medarbejder {len(records) + 1}".strip()
                records.append(_record(element, location, today))
                element.clear()
    return records


@contextmanager
def _xml_errors(path: Path) -> Iterator[None]:
    """Every way reading the XML file fails, as one Danish InputError naming the file."""
    where = str(path)
    if not path.exists():
        raise InputError("filen findes ikke. Tjek stien og filnavnet.", path=where)
    if path.is_dir():
        raise InputError("stien er en mappe, ikke en fil.", path=where)
    try:
        yield
    except defusedxml.DefusedXmlException as exc:
        raise InputError(
            "XML-filen indeholder en DTD, entiteter eller eksterne henvisninger og afvises af "
            "sikkerhedshensyn. Eksportér medarbejderudtrækket fra OPUS igen uden DTD.",
            path=where,
        ) from exc
    except StdET.ParseError as exc:
        line, column = exc.position
        raise InputError(
            f"filen er ikke gyldig XML (linje {line}, tegn {column}); "
            "den er beskadiget eller afkortet. Hent den igen.",
            path=where,
        ) from exc
    except (LookupError, ValueError) as exc:
        # expat asks Python for a declared encoding it does not know itself: an unknown
        # name is a LookupError, a multi-byte or broken codec a ValueError/UnicodeError.
        declared = _declared_encoding(path)
        raise InputError(
            f'XML-filen angiver tegnkodningen "{declared}", som ikke kan bruges. '
            'Eksportér medarbejderudtrækket igen som UTF-8 (encoding="UTF-8").'
            if declared
            else "filen er ikke gyldig XML og kan ikke læses. Hent den igen.",
            path=where,
        ) from exc
    except OSError as exc:
        raise InputError(f"filen kan ikke læses ({exc.strerror}).", path=where) from exc


def _declared_encoding(path: Path) -> str:
    """The encoding named in the XML declaration ("UUF-8"); '' when there is none."""
    try:
        with path.open("rb") as handle:
            head = handle.read(200)
    except OSError:
        return ""
    found = _DECLARED_ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
    if found is None:
        return ""
    name = found.group(1).decode("ascii", "replace")
    return name if name.isprintable() else ""


def records_from_xml(root: Element, *, origin: str, today: date) -> list[SourceRecord]:
    """One record per employee element below (or at) ``root``."""
    return [
        _record(element, f"{origin} medarbejder {number}".strip(), today)
        for number, element in enumerate(_employees(root), start=1)
    ]


#: Local lower-case names by tag: a file has few distinct tags and millions of elements.
_LOCAL_NAMES: dict[object, str] = {}


def _local(tag: object) -> str:
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        text = tag if isinstance(tag, str) else ""
        name = text.rsplit("}", 1)[-1].lower()
        if len(_LOCAL_NAMES) < 10_000:  # bounded: a hostile file cannot grow it without end
            _LOCAL_NAMES[tag] = name
    return name


def _employees(element: Element) -> Iterator[Element]:
    if _local(element.tag) in _EMPLOYEE_TAGS:
        yield element
        return  # an employee's children are its data, not more employees
    for child in element:
        yield from _employees(child)


def _record(employee: Element, location: str, today: date) -> SourceRecord:
    # Each element's communication code, worked out once (both readers below ask for it).
    codes = {element: _code_of(element) for element in employee.iter()}
    values = _values(employee, codes)
    communication = _communication(codes)

    def first(field: str) -> str:
        for name in _FIELD_NAMES[
            field
        ]:  # a plain loop: seven fields an employee, 600,000 employees
            value = values.get(name)
            if value:
                return value
        found = communication.get(field)
        return found[0] if found else ""

    phones: list[PhoneEntry] = []
    for kind in (WORK, MOBILE):
        numbers = [values[n] for n in _FIELD_NAMES[kind] if values.get(n)]
        numbers += communication.get(kind, [])
        for raw in dict.fromkeys(numbers):
            phones.append(PhoneEntry(raw=raw, type=kind))
    name = first("name") or " ".join(p for p in (first("first"), first("last")) if p)
    return SourceRecord(
        system=KIND,
        user_id=first("user_id"),
        employee_id=first("employee_id"),
        email=first("email"),
        name=name,
        phones=tuple(phones),
        active=not _has_left(employee, first("leave"), today),
        location=location,
    )


def _values(employee: Element, codes: Mapping[Element, str]) -> dict[str, str]:
    """First text per lower-case name, from the employee's attributes and descendants.

    Communication elements (and what they hold) are read by :func:`_communication`.
    """
    out: dict[str, str] = {}
    for name, value in employee.attrib.items():
        key = _local(name)
        if key not in _NEVER_READ and value.strip():
            out.setdefault(key, value.strip())
    for element in _data_elements(employee, codes):
        key = _local(element.tag)
        text = (element.text or "").strip()
        if key not in _NEVER_READ and text:
            out.setdefault(key, text)
    return out


def _data_elements(parent: Element, codes: Mapping[Element, str]) -> Iterator[Element]:
    for child in parent:
        if codes[child] or _local(child.tag) in _NEVER_READ:
            continue
        yield child
        yield from _data_elements(child, codes)


def _code_of(element: Element) -> str:
    """The communication type code an element carries (attribute or child), or ''."""
    for name, value in element.attrib.items():
        if _local(name) in _CODE_NAMES and value.strip() in COMMUNICATION_CODES:
            return value.strip()
    for child in element:
        if _local(child.tag) in _CODE_NAMES:
            code = (child.text or "").strip()
            if code in COMMUNICATION_CODES:
                return code
    return ""


def _communication(codes: Mapping[Element, str]) -> dict[str, list[str]]:
    """Values by field, in document order (``codes`` holds the employee's elements in order)."""
    out: dict[str, list[str]] = {}
    for element, code in codes.items():
        if not code:
            continue
        value = _communication_value(element, code)
        if value:
            out.setdefault(COMMUNICATION_CODES[code], []).append(value)
    return out


def _communication_value(element: Element, code: str) -> str:
    for name, value in element.attrib.items():
        if _local(name) in _VALUE_NAMES and value.strip():
            return value.strip()
    for child in element:
        text = (child.text or "").strip()
        if _local(child.tag) in _VALUE_NAMES and text:
            return text
    own = (element.text or "").strip()
    return own if own != code else ""


def _has_left(employee: Element, leave: str, today: date) -> bool:
    if employee.attrib.get("action", "").strip().lower() == "leave":
        return True
    ended = iso_date(leave) if leave else None
    return ended is not None and ended < today
