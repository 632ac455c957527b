"""The OPUS reader's fast paths (issue 15) give exactly what the reader gave before.

Before: defusedxml's pure-Python parser and a record built from a dict of every element's
communication code. Now: ElementTree's C parser after a prolog check, and one walk per
employee. The reference below is the earlier code, kept here as the specification.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path
from unittest import mock
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape, quoteattr

import defusedxml.ElementTree as SafeET
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from telefonspor.errors import InputError
from telefonspor.model import PhoneEntry, SourceRecord
from telefonspor.settings import defaults
from telefonspor.sources import opus
from telefonspor.sources.common import iso_date
from telefonspor.sources.opus import COMMUNICATION_CODES, MOBILE, WORK

# --- the reference: the reader as it was before issue 15 ------------------------------------

# The names the reader accepts did not change; the reference shares them.
_EMPLOYEE_TAGS = opus._EMPLOYEE_TAGS
_CODE_NAMES = opus._CODE_NAMES
_VALUE_NAMES = opus._VALUE_NAMES
_NEVER_READ = opus._NEVER_READ
_FIELD_NAMES = opus._FIELD_NAMES


def _local(tag: object) -> str:
    return (tag if isinstance(tag, str) else "").rsplit("}", 1)[-1].lower()


def reference_records(path: Path, today: date) -> list[SourceRecord]:
    """Whole tree through defusedxml, then the earlier per-employee record."""
    root = SafeET.parse(str(path), forbid_dtd=True).getroot()
    return [
        _reference_record(element, f"{path.name} medarbejder {number}", today)
        for number, element in enumerate(_employees(root), start=1)
    ]


def _employees(element: Element) -> Iterator[Element]:
    if _local(element.tag) in _EMPLOYEE_TAGS:
        yield element
        return
    for child in element:
        yield from _employees(child)


def _reference_record(employee: Element, location: str, today: date) -> SourceRecord:
    codes = {element: _code_of(element) for element in employee.iter()}
    values = _values(employee, codes)
    communication = _communication(codes)

    def first(field: str) -> str:
        for name in _FIELD_NAMES[field]:
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
    left = employee.attrib.get("action", "").strip().lower() == "leave"
    ended = iso_date(first("leave")) if first("leave") else None
    left = left or (ended is not None and ended < today)
    return SourceRecord(
        system="opus",
        user_id=first("user_id"),
        employee_id=first("employee_id"),
        email=first("email"),
        name=name,
        phones=tuple(phones),
        active=not left,
        location=location,
    )


def _values(employee: Element, codes: Mapping[Element, str]) -> dict[str, str]:
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


# --- generated OPUS-like documents -------------------------------------------------------------

_TAGS = (
    "employee",
    "Medarbejder",
    "{urn:kmd:opus}ansat",
    "kommunikation",
    "communication",
    "art",
    "type",
    "Kode",
    "id",
    "value",
    "workPhone",
    "mobilePhone",
    "mobil",
    "cpr",
    "firstName",
    "lastName",
    "navn",
    "email",
    "userId",
    "leaveDate",
    "orgUnit",
)
_ATTRIBUTES = ("id", "type", "art", "value", "action", "cpr", "userId", "email", "{urn:x}id")
_TEXTS = (
    "",
    "  ",
    "0020",
    " 0010 ",
    "9021",
    "0001",
    "9999",
    "33 12 34 56",
    "+45 21 21 21 21",
    "2020-01-01",
    "2999-12-31T00:00:00",
    "leave",
    " Leave ",
    "Søren Ærø",
    "a@k.dk",
)


def _element(children: st.SearchStrategy[list[str]]) -> st.SearchStrategy[str]:
    return st.builds(
        _xml,
        st.sampled_from(_TAGS),
        st.dictionaries(st.sampled_from(_ATTRIBUTES), st.sampled_from(_TEXTS), max_size=3),
        st.sampled_from(_TEXTS),
        children,
        st.sampled_from(_TEXTS),
    )


def _xml(tag: str, attributes: dict[str, str], text: str, children: list[str], tail: str) -> str:
    name = _qualified(tag)
    spaces = ' xmlns:o="urn:kmd:opus" xmlns:x="urn:x"'
    pairs = "".join(f" {_qualified(k)}={quoteattr(v)}" for k, v in attributes.items())
    inner = escape(text) + "".join(children)
    return f"<{name}{spaces}{pairs}>{inner}</{name}>{escape(tail)}"


def _qualified(name: str) -> str:
    if name.startswith("{urn:kmd:opus}"):
        return "o:" + name.split("}")[1]
    if name.startswith("{urn:x}"):
        return "x:" + name.split("}")[1]
    return name


_DOCUMENTS = st.recursive(
    _element(st.just([])),
    lambda inner: _element(st.lists(inner, max_size=4)),
    max_leaves=25,
)

#: The shapes real exports have, drawn often: plain leaves and communication elements whose
#: children are plain leaves (code and value children, maybe several, maybe own text).
_PLAIN_LEAF = st.builds(
    lambda tag, text: _xml(tag, {}, text, [], ""), st.sampled_from(_TAGS), st.sampled_from(_TEXTS)
)
_COMMUNICATION = st.builds(
    _xml,
    st.sampled_from(("kommunikation", "communication", "{urn:kmd:opus}Kommunikation")),
    st.one_of(st.just({}), st.dictionaries(st.sampled_from(_ATTRIBUTES), st.sampled_from(_TEXTS))),
    st.sampled_from(_TEXTS),
    st.lists(
        st.builds(
            lambda tag, text: _xml(tag, {}, text, [], ""),
            st.sampled_from(("art", "type", "kode", "id", "value", "tekst", "navn")),
            st.sampled_from(_TEXTS),
        ),
        max_size=4,
    ),
    st.just(""),
)
_EMPLOYEES = st.builds(
    _xml,
    st.sampled_from(("employee", "Medarbejder", "{urn:kmd:opus}ansat")),
    st.dictionaries(st.sampled_from(_ATTRIBUTES), st.sampled_from(_TEXTS), max_size=3),
    st.sampled_from(_TEXTS),
    st.lists(st.one_of(_PLAIN_LEAF, _COMMUNICATION, _DOCUMENTS), max_size=8),
    st.just("\n"),
)


def _read(path: Path) -> list[SourceRecord] | str:
    try:
        return list(opus.read_opus(path, options={}, settings=defaults()).records)
    except InputError as exc:
        return str(exc)


def _reference(path: Path) -> list[SourceRecord] | str:
    records = reference_records(path, date.today())
    if not records:
        return str(
            InputError(
                "filen indeholder ingen medarbejdere (ingen employee- eller medarbejder-"
                "elementer). Er det OPUS' medarbejderudtræk?",
                path=str(path),
            )
        )
    return records


@settings(max_examples=300)  # cheap (a small file each), and the shapes are many
@given(body=st.lists(st.one_of(_EMPLOYEES, _DOCUMENTS), max_size=5))
def test_reader_equals_reference_on_generated_documents(body: list[str]) -> None:
    document = '<?xml version="1.0" encoding="UTF-8"?>\n<kmd>' + "\n".join(body) + "</kmd>"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "opus.xml"
        path.write_text(document, encoding="utf-8")
        assert _read(path) == _reference(path)


@pytest.mark.parametrize(
    "body",
    [
        # communication inside communication: both count, the outer one first
        "<employee><communication type='0020'><value>1</value><kommunikation><art>0020</art>"
        "<id>2</id></kommunikation></communication></employee>",
        # a code on the employee itself; data under a CPR element is never read
        "<employee type='0001' id='7' value='u1'><cpr><navn>x</navn></cpr><navn>y</navn></employee>",
        # an unknown code first, a known one later; the value's own text equal to its code
        "<employee><k><art>9999</art><type>0010</type><value> </value>0010</k></employee>",
        # two value children: the first counts; own text equal to the code is no value
        "<employee><kommunikation><art>0020</art><id>1</id><value>2</value></kommunikation>"
        "<kommunikation>0010<art>0010</art></kommunikation></employee>",
        # an employee inside an employee is data; attributes on leaves
        "<ansat><workPhone kind='x'> 1 </workPhone><employee><mobil>2</mobil></employee></ansat>",
        # employees at several depths; one deep inside another's data, one after it at the
        # depth the first started (the reader tracks the outermost employee by its depth)
        "<a><b><employee><x><y><medarbejder><mobil>3</mobil></medarbejder></y></x>"
        "<mobil>4</mobil></employee><employee><mobil>5</mobil></employee></b>"
        "<employee><x/></employee></a><c><d><e><ansat id='6'/></e></d></c>",
    ],
)
def test_reader_equals_reference_on_fixed_documents(tmp_path: Path, body: str) -> None:
    path = tmp_path / "opus.xml"
    path.write_text(f"<kmd>{body}</kmd>", encoding="utf-8")
    assert _read(path) == _reference(path)


@pytest.mark.parametrize(
    "prolog",
    [
        "",
        '<?xml version="1.0" encoding="ISO-8859-1"?>',
        "<?xml version='1.0'?><!-- <!DOCTYPE kmd> in a comment --><?pi x?>\n",
        "\n\n  ",
    ],
)
def test_prologs_without_doctype_take_the_fast_parser(tmp_path: Path, prolog: str) -> None:
    path = tmp_path / "opus.xml"
    body = "<kmd><employee id='1'><navn>Søren</navn><workPhone>33 12 34 56</workPhone></employee>"
    encoding = "latin-1" if "8859" in prolog else "utf-8"
    path.write_bytes((prolog + body + "</kmd>").encode(encoding))
    assert opus._prolog_is_plain(path)
    assert _read(path) == _reference(path)


@pytest.mark.parametrize(
    "prolog",
    [
        '<!DOCTYPE kmd SYSTEM "kmd.dtd">',
        "<?xml version='1.0'?>\n<!-- c --><!DOCTYPE kmd [<!ENTITY a 'b'>]>",
        "<?xml version='1.0' encoding='UTF-16'?><!DOCTYPE kmd>",
    ],
)
def test_a_doctype_is_refused_by_the_prolog_check(tmp_path: Path, prolog: str) -> None:
    path = tmp_path / "opus.xml"
    encoding = "utf-16" if "UTF-16" in prolog else "utf-8"
    path.write_bytes((prolog + "<kmd><employee id='1'/></kmd>").encode(encoding))
    with pytest.raises(InputError, match="DTD, entiteter") as caught:
        opus.read_opus(path, options={}, settings=defaults())
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "<kmd>\n<employee id='1'>\n<workPhone>3312",
        "<kmd><employee id='1'><workPhone>&xxe;</workPhone></employee></kmd>",
        "<kmd><employee id='1'></employe></kmd>",
        "<?xml version='1.0'?><kmd/><!DOCTYPE kmd>",
        "<kmd><employee id='1'/></kmd><extra/>",
        "<!-- open comment <kmd/>",
        "junk",
        "",
    ],
)
def test_broken_files_name_the_line_and_column_they_named(tmp_path: Path, text: str) -> None:
    """Damage before the root goes through defusedxml as before; damage after it is found
    by the C parser at the same line and column."""
    path = tmp_path / "opus.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SafeET.ParseError) as reference:
        reference_records(path, date.today())
    line, column = reference.value.position
    with pytest.raises(InputError, match=rf"ikke gyldig XML \(linje {line}, tegn {column}\)"):
        opus.read_opus(path, options={}, settings=defaults())


# --- the harvest: no event per element (round 3) ---------------------------------------------


def _evented(path: Path) -> list[SourceRecord] | str:
    """The reader through the event path (one start/end event per element, depth counted per
    event): what the C parser's path did before the harvest, kept for defusedxml's prologs."""
    with mock.patch.object(opus, "_prolog_is_plain", return_value=False):
        return _read(path)


@settings(max_examples=150)
@given(
    body=st.lists(st.one_of(_EMPLOYEES, _DOCUMENTS), max_size=5),
    chunk=st.sampled_from([1, 7, 64, 1 << 15]),
)
def test_harvest_in_any_chunks_equals_the_event_path(body: list[str], chunk: int) -> None:
    """Records are harvested from the tree between chunks (an element on the open spine
    waits); the chunk size must never change what is read."""
    document = '<?xml version="1.0" encoding="UTF-8"?>\n<kmd>' + "\n".join(body) + "</kmd>"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "opus.xml"
        path.write_text(document, encoding="utf-8")
        with mock.patch.object(opus, "_CHUNK", chunk):
            harvested = _read(path)
        assert harvested == _evented(path) == _reference(path)


def _nested(levels: int, inner: str) -> str:
    return "<a>" * levels + inner + "</a>" * levels


@pytest.mark.parametrize("chunk", [5, 1 << 15])
@pytest.mark.parametrize(
    "make",
    [
        # depth of the deepest element: kmd (1) + levels + what the inner text adds
        lambda n: f"<kmd>{_nested(n - 2, '<x/>')}<employee id='1'/></kmd>",
        lambda n: f"<kmd><employee id='1'>{_nested(n - 3, '<navn>x</navn>')}</employee></kmd>",
        lambda n: (
            f"<kmd><employee>{_nested(n - 4, '<k><art>0020</art><id>1</id></k>')}</employee></kmd>"
        ),
        lambda n: (
            f"<kmd><employee><k><art>0020</art><id>1</id></k></employee>{_nested(n - 1, '')}</kmd>"
        ),
        lambda n: "<employee>" + _nested(n - 2, "<mobil>2</mobil>") + "</employee>",
        lambda n: "<kmd>" + _nested(n - 3, "<ansat><mobil>2</mobil></ansat>") + "</kmd>",
    ],
)
@pytest.mark.parametrize("depth", [opus.MAX_DEPTH - 1, opus.MAX_DEPTH, opus.MAX_DEPTH + 1])
def test_depth_limit_is_where_the_event_path_put_it(
    tmp_path: Path, make: Callable[[int], str], depth: int, chunk: int
) -> None:
    path = tmp_path / "opus.xml"
    path.write_text(make(depth), encoding="utf-8")
    with mock.patch.object(opus, "_CHUNK", chunk):
        harvested = _read(path)
    evented = _evented(path)
    assert harvested == evented
    assert ("niveauer dybt" in str(evented)) == (depth > opus.MAX_DEPTH)
