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

A file with a DTD, entities or external references is refused, so a crafted file
cannot read other files or exhaust memory: a DOCTYPE can only stand before the root
element, so expat reads that prolog first, and a file without one is parsed by
ElementTree's C parser (a prolog expat cannot read goes through defusedxml, which
names the damage). A declared encoding Python cannot decode, and nesting deeper
than :data:`MAX_DEPTH`, are bad input too (the walk below recurses per level).
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as StdET
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Final
from xml.etree.ElementTree import Element
from xml.parsers import expat

import defusedxml
import defusedxml.ElementTree as SafeET

from telefonspor.errors import InputError
from telefonspor.model import PhoneEntry, SourceData, SourceRecord
from telefonspor.settings import SOURCE_KINDS, Settings
from telefonspor.sources.common import input_file, iso_date, without_gc

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
_CHUNK: Final = 1 << 15  # small chunks: an employee's elements are still in cache when read
_PROLOG_CHUNK: Final = 1 << 14


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


@without_gc
def _stream_records(path: Path, *, origin: str, today: date) -> list[SourceRecord]:
    """The records of :func:`records_from_xml`, built while parsing: each employee's elements
    are dropped once its record is made, so the whole tree of a national export (millions of
    elements, gigabytes as objects) never sits in memory at once."""
    records: list[SourceRecord] = []
    with _xml_errors(path):
        try:
            batches = (
                _complete_employees(path) if _prolog_is_plain(path) else _evented_employees(path)
            )
            for batch in batches:
                for employee, depth in batch:
                    location = f"{origin} medarbejder {len(records) + 1}".strip()
                    records.append(_record(employee, location, today, MAX_DEPTH - depth))
        except _TooDeep:
            raise InputError(
                f"XML-filen er indlejret mere end {MAX_DEPTH} niveauer dybt og er "
                "ikke et medarbejderudtræk fra OPUS. Hent udtrækket igen.",
                path=str(path),
            ) from None
    return records


class _TooDeep(Exception):
    """An element lies deeper than :data:`MAX_DEPTH` (the reader turns it into an InputError)."""


#: Employee elements with their depths (the root is 1), in document order.
_Employees = list[tuple[Element, int]]


def _complete_employees(path: Path) -> Iterator[_Employees]:
    """Each outermost employee element with its depth, in document order, once it is
    complete (a batch per chunk); ElementTree's C parser builds the tree chunk by chunk.

    No event per element (1.7 M of them on large cost more than the records): only the
    root's start is asked for. After each chunk the tree is harvested (:func:`_harvest`):
    what lies before the last open element is complete, is read and is dropped. The file's
    prolog has no DOCTYPE (see :func:`_prolog_is_plain`), so nothing is left to refuse.
    """
    parser = StdET.XMLParser(target=StdET.TreeBuilder())  # noqa: S314 (no DOCTYPE: see above)
    started: list[tuple[str, Element]] = []
    parser._setevents(started, ("start",))  # type: ignore[attr-defined]
    root: Element | None = None
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            parser.feed(chunk)  # a parse error raises here, as it did with events
            if root is None:
                if not started:
                    continue
                root = started[0][1]  # the first element to start is the root
                parser._setevents(started, ())  # type: ignore[attr-defined]
                started.clear()
            yield _harvest(root, final=False)
    parser.close()
    if root is not None:
        yield _harvest(root, final=True)


def _harvest(root: Element, *, final: bool) -> _Employees:
    """The outermost employees that are complete in the tree built so far, each removed from
    its parent once taken (and so never taken twice).

    While parsing, the open elements are the root and each last child below it (the
    "spine"): every other element is complete. An employee on the spine waits for a later
    harvest (``final``: the file is read, everything is complete). The spine's depth is
    checked here; a complete subtree's depth where it is read (:func:`_employees_within`,
    :func:`_collect`), so a file deeper than :data:`MAX_DEPTH` anywhere is refused.
    """
    found: _Employees = []
    node, depth = root, 1
    while True:
        if _is_employee(node.tag):
            if final:
                found.append((node, depth))  # only the root itself: never another employee
                return found
            while len(node):  # open: its data is read once complete, the depth checked now
                node = node[-1]
                depth += 1
                if depth > MAX_DEPTH:
                    raise _TooDeep
            return found
        count = len(node)
        complete = count if final else count - 1
        if complete > 0:
            for child in node[:complete]:
                if depth < MAX_DEPTH and _is_employee(child.tag):  # most children
                    found.append((child, depth + 1))
                else:
                    _employees_within(child, depth + 1, MAX_DEPTH, found)
            del node[:complete]
        if final or not count:
            return found
        node = node[0]  # the last child, still open
        depth += 1
        if depth > MAX_DEPTH:
            raise _TooDeep


def _employees_within(element: Element, depth: int, limit: int, found: _Employees) -> None:
    """Add the outermost employees at or below ``element`` (at ``depth``) to ``found``, with
    their depths; an element deeper than ``limit`` is :class:`_TooDeep`."""
    if depth > limit:
        raise _TooDeep
    if _is_employee(element.tag):
        found.append((element, depth))
        return  # an employee's children are its data, not more employees
    for child in element:
        _employees_within(child, depth + 1, limit, found)


def _evented_employees(path: Path) -> Iterator[_Employees]:
    """:func:`_complete_employees` through defusedxml's parser, for a prolog expat cannot
    read (it names the damage, or refuses a DTD, exactly as it always did)."""
    depth = 0  # elements open around the parser's position
    # The depth of the open outermost employee element (0: none open). Inside an employee
    # (nearly every event) no tag is looked at: its descendants are its data, and it ends
    # when the depth comes back to where it started.
    employee_depth = 0
    for event, element in SafeET.iterparse(str(path), events=("start", "end"), forbid_dtd=True):
        if event == "start":
            depth += 1
            if depth > MAX_DEPTH:
                raise _TooDeep
            if not employee_depth and _is_employee(element.tag):
                employee_depth = depth
            continue
        if depth == employee_depth:  # an outermost employee: what it holds is its data
            employee_depth = 0
            yield [(element, depth)]
            element.clear()
        depth -= 1


def _is_employee(tag: object) -> bool:
    """Whether a tag (as the parser gives it) names an employee element (one look-up)."""
    employee = _EMPLOYEE_TAG_BY_RAW.get(tag)
    if employee is None:
        employee = _local(tag) in _EMPLOYEE_TAGS
        if len(_EMPLOYEE_TAG_BY_RAW) < _CACHE_LIMIT:
            _EMPLOYEE_TAG_BY_RAW[tag] = employee
    return employee


class _RootReached(Exception):
    """The prolog check's stop signal: the root element starts, so no DOCTYPE can follow."""


def _prolog_is_plain(path: Path) -> bool:
    """True when expat reads up to the root element without meeting a DOCTYPE.

    Raises defusedxml's DTDForbidden for a DOCTYPE (refused as defusedxml refuses it);
    False when expat cannot read the prolog (encoding, syntax: the careful parser reports it).
    """

    def doctype(name: str, sysid: str | None, pubid: str | None, internal: bool) -> None:
        raise defusedxml.DTDForbidden(name, sysid, pubid)

    def root(name: str, attributes: object) -> None:
        raise _RootReached

    checker = expat.ParserCreate()
    checker.StartDoctypeDeclHandler = doctype
    checker.StartElementHandler = root
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_PROLOG_CHUNK):
                checker.Parse(chunk, False)
            checker.Parse(b"", True)
    except _RootReached:
        return True
    except defusedxml.DefusedXmlException:
        raise  # a ValueError too: refused, not a prolog expat cannot read
    except (expat.ExpatError, LookupError, ValueError):
        return False
    return False  # no root element: the careful parser says so in its own words


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


#: Local lower-case names by tag: a file has few distinct tags and millions of elements.
_LOCAL_NAMES: dict[object, str] = {}
#: Whether a tag (as the parser gives it) names an employee element, by the same reasoning.
_EMPLOYEE_TAG_BY_RAW: dict[object, bool] = {}
_CACHE_LIMIT: Final = 10_000  # bounded: a hostile file cannot grow the caches without end


def _local(tag: object) -> str:
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        text = tag if isinstance(tag, str) else ""
        name = text.rsplit("}", 1)[-1].lower()
        if len(_LOCAL_NAMES) < _CACHE_LIMIT:
            _LOCAL_NAMES[tag] = name
    return name


#: The text fields, in the order a plan names them (phones are read apart).
_TEXT_FIELDS: Final = ("employee_id", "user_id", "email", "first", "last", "name", "leave")
_PHONE_KINDS: Final = (WORK, MOBILE)
#: Every name some field reads: an employee's other elements need no value kept.
_READ_NAMES: Final = frozenset(name for names in _FIELD_NAMES.values() for name in names)

#: Per text field (in :data:`_TEXT_FIELDS` order) the name it reads ("": none, so its
#: communication code), and per phone kind the names it reads, in rank order.
_Plan = tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]
#: The plan by the names an employee has values for (which is all that decides it): an
#: export's employees share a handful of such shapes.
_PLANS: dict[tuple[str, ...], _Plan] = {}
_SHAPE_LIMIT: Final = 32  # names; a bigger shape is planned every time (bounded memory)


def _plan(shape: tuple[str, ...]) -> _Plan:
    """Which of ``shape``'s names each field reads: its first accepted name that is there."""
    present = set(shape)
    plan = (
        tuple(next((n for n in _FIELD_NAMES[f] if n in present), "") for f in _TEXT_FIELDS),
        tuple(tuple(n for n in _FIELD_NAMES[kind] if n in present) for kind in _PHONE_KINDS),
    )
    if len(shape) <= _SHAPE_LIMIT and len(_PLANS) < _CACHE_LIMIT:
        _PLANS[shape] = plan
    return plan


#: A tag's (or attribute's) local name when some field reads it, else "": one look-up per
#: element instead of a name look-up and two set tests.
_READ_NAME_BY_RAW: dict[object, str] = {}
#: A tag's role in a communication element: 1 a code's name, 2 a value's name, 0 neither.
_ROLE_BY_RAW: dict[object, int] = {}


def _read_name(tag: object) -> str:
    name = _local(tag)
    read = name if name in _READ_NAMES else ""
    if len(_READ_NAME_BY_RAW) < _CACHE_LIMIT:
        _READ_NAME_BY_RAW[tag] = read
    return read


def _role(tag: object) -> int:
    name = _local(tag)
    role = 1 if name in _CODE_NAMES else 2 if name in _VALUE_NAMES else 0
    if len(_ROLE_BY_RAW) < _CACHE_LIMIT:
        _ROLE_BY_RAW[tag] = role
    return role


def _first(found: list[str] | None) -> str:
    return found[0] if found else ""


def _record(employee: Element, location: str, today: date, room: int) -> SourceRecord:
    """One employee's record from its element and everything below it (``room``: how many
    levels may lie below it, see :func:`_collect`).

    Values come from the employee's attributes, then its data elements in document order
    (the first non-empty text per lower-case name wins); communication elements (those that
    carry a type code, anywhere below or at the employee) give values by their code.
    """
    values: dict[str, str] = {}  # never holds "": a value is set only when it has text
    read_names = _READ_NAME_BY_RAW
    for attribute, raw in employee.items():
        key = read_names.get(attribute)
        if key is None:
            key = _read_name(attribute)
        if key and key not in values:
            value = raw.strip()
            if value:
                values[key] = value
    communication: dict[str, list[str]] = {}
    code = _code_of(employee)
    if code:
        _add_communication(employee, code, communication)
    _collect(employee, True, values, communication, room)

    shape = tuple(values)
    text_plan, (work_names, mobile_names) = _PLANS.get(shape) or _plan(shape)
    # Unrolled: only user_id and email (and the work phone) have a communication code.
    employee_n, user_n, email_n, first_n, last_n, name_n, leave_n = text_plan
    phones: list[PhoneEntry] = []
    for kind, names in ((WORK, work_names), (MOBILE, mobile_names)):
        numbers = [values[n] for n in names]
        found = communication.get(kind)
        if found:
            numbers += found
        if numbers:
            for raw in dict.fromkeys(numbers) if len(numbers) > 1 else numbers:
                phones.append(PhoneEntry(raw, kind))
    first = values[first_n] if first_n else ""
    last = values[last_n] if last_n else ""
    name = values[name_n] if name_n else ""
    return SourceRecord(
        system=KIND,
        user_id=values[user_n] if user_n else _first(communication.get("user_id")),
        employee_id=values[employee_n] if employee_n else "",
        email=values[email_n] if email_n else _first(communication.get("email")),
        name=name or (f"{first} {last}" if first and last else first or last),
        phones=tuple(phones),
        active=not _has_left(employee, values[leave_n] if leave_n else "", today),
        location=location,
    )


def _collect(
    parent: Element,
    data: bool,
    values: dict[str, str],
    communication: dict[str, list[str]],
    room: int,
) -> None:
    """Walk ``parent``'s descendants in document order, filling ``values`` and ``communication``.

    ``data`` says whether ``parent``'s children are data: not below a communication element
    or a CPR element. A communication element's own value is read by its code; its subtree
    is walked only for communication elements nested in it. ``room``: how many levels may
    lie below ``parent`` (:data:`MAX_DEPTH` less its depth); more is :class:`_TooDeep`.
    """
    if room < 2:  # rare (a file this deep is refused): the exact test
        _check_room(parent, room)
    read_names = _READ_NAME_BY_RAW
    for child in parent:
        # items(), not attrib: reading attrib gives a leaf without attributes a new dict.
        attributes = child.items()
        if not attributes and not len(child):
            # A plain leaf (most elements): no code can sit on it, only its text counts.
            if data:
                text = child.text
                if text:
                    key = read_names.get(child.tag)
                    if key is None:
                        key = _read_name(child.tag)
                    if key and key not in values:
                        value = text.strip()
                        if value:
                            values[key] = value
            continue
        if not attributes:
            found = _leaf_communication(child)
            if found is not None:  # <kommunikation><art>0020</art><id>..</id></kommunikation>
                code, value = found
                if value:
                    communication.setdefault(COMMUNICATION_CODES[code], []).append(value)
                continue  # its children are plain leaves below a code: nothing more to read
        code = _code_of(child)
        if code:
            _add_communication(child, code, communication)
        key = _local(child.tag)
        child_data = data and not code and key not in _NEVER_READ
        if child_data and key in _READ_NAMES and key not in values:
            value = (child.text or "").strip()
            if value:
                values[key] = value
        if len(child):
            _collect(child, child_data, values, communication, room - 1)


def _check_room(parent: Element, room: int) -> None:
    """:class:`_TooDeep` when ``parent`` has children and no room for them, or grandchildren
    and room for one level only (a communication element's children are read directly)."""
    for child in parent:
        if room < 1 or len(child):
            raise _TooDeep


def _leaf_communication(element: Element) -> tuple[str, str] | None:
    """(code, value) of a communication element without attributes whose children are all
    plain leaves, read in one pass: :func:`_code_of` and :func:`_communication_value` for
    the commonest shape. None for any other element (the general path reads it)."""
    roles = _ROLE_BY_RAW
    code = value = ""
    for child in element:
        if len(child) or child.keys():  # keys(): see _collect
            return None
        role = roles.get(child.tag)
        if role is None:
            role = _role(child.tag)
        if role == 1:
            if not code:
                text = child.text
                if text:
                    text = text.strip()
                    if text in COMMUNICATION_CODES:
                        code = text
        elif role == 2 and not value:
            text = child.text
            if text:
                value = text.strip()
    if not code:
        return None
    if not value:
        own = (element.text or "").strip()
        value = own if own != code else ""
    return code, value


def records_from_xml(root: Element, *, origin: str, today: date) -> list[SourceRecord]:
    """One record per employee element below (or at) ``root`` (a parsed tree: no depth limit
    beyond what parsing it allowed)."""
    limit = sys.maxsize
    found: _Employees = []
    _employees_within(root, 1, limit, found)
    return [
        _record(element, f"{origin} medarbejder {number}".strip(), today, limit - depth)
        for number, (element, depth) in enumerate(found, start=1)
    ]


def _code_of(element: Element) -> str:
    """The communication type code an element carries (attribute or child), or ''."""
    local_names = _LOCAL_NAMES
    for name, value in element.items():
        key = local_names.get(name) or _local(name)
        if key in _CODE_NAMES and value.strip() in COMMUNICATION_CODES:
            return value.strip()
    for child in element:
        if (local_names.get(child.tag) or _local(child.tag)) in _CODE_NAMES:
            code = (child.text or "").strip()
            if code in COMMUNICATION_CODES:
                return code
    return ""


def _add_communication(element: Element, code: str, communication: dict[str, list[str]]) -> None:
    value = _communication_value(element, code)
    if value:
        communication.setdefault(COMMUNICATION_CODES[code], []).append(value)


def _communication_value(element: Element, code: str) -> str:
    for name, value in element.items():
        if _local(name) in _VALUE_NAMES and value.strip():
            return value.strip()
    local_names = _LOCAL_NAMES
    for child in element:
        text = (child.text or "").strip()
        if text and (local_names.get(child.tag) or _local(child.tag)) in _VALUE_NAMES:
            return text
    own = (element.text or "").strip()
    return own if own != code else ""


def _has_left(employee: Element, leave: str, today: date) -> bool:
    if employee.get("action", "").strip().lower() == "leave":
        return True
    ended = iso_date(leave) if leave else None
    return ended is not None and ended < today
