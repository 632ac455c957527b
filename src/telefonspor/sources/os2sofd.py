"""Read OS2sofd persons: saved ``GET /api/v2/persons`` JSON or the ``SOFD_yyyymmdd.csv`` file.

JSON may be one page (``{persons, page, nextOffset}``), a list of pages, a
plain list of persons or an OData answer (``{"value": [...]}``). Each person
yields one record per AD account, all sharing the person's phones as OS2sofd
holds them; the OS2sofd rules decide later what is sent to FK-ORG.

Affiliations are judged as OS2sofd's OS2sync integration judges them
(OS2sofd/os2sofd ``OS2SyncService.updatePerson``, commit 88a368a6): one counts
unless deleted or stopped before today, so a future ``startDate`` still counts.
``doNotTransferToFkOrg`` is not in the API's affiliation record; it lives on org
units (inherited by their sub-units), so the source option
``do_not_transfer_org_units`` lists the marked units' UUIDs. An AD account with an
``employeeId`` matches the affiliations with that employee id, one without matches
the affiliations no other AD account claims; with none it is skipped upstream.

The CSV variant carries a CPR column: it is never mapped, stored or logged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from sys import intern
from typing import Any, Final, NamedTuple, cast

import msgspec
from msgspec import UNSET, UnsetType

from telefonspor.errors import ConfigError
from telefonspor.model import PhoneEntry, SourceData, SourceRecord
from telefonspor.settings import SOURCE_KINDS, Settings
from telefonspor.sources.common import canonical_uuid, input_file, iso_date, without_gc
from telefonspor.sources.jsonfile import (
    JsonAt,
    decode_json,
    looks_like_json,
    parse_json,
    read_json_bytes,
    strict_ready,
)
from telefonspor.sources.tabular import open_table

__all__ = [
    "DO_NOT_TRANSFER_OPTION",
    "do_not_transfer_units",
    "read_os2sofd",
    "records_from_persons",
]

KIND: Final = "os2sofd"
#: Source option: UUIDs of org units marked "do not transfer to FK Organisation".
DO_NOT_TRANSFER_OPTION: Final = "do_not_transfer_org_units"
#: OS2sofd user types that are AD accounts ("" = not given).
_AD_USER_TYPES: Final = frozenset({"ACTIVE_DIRECTORY", ""})

#: SOFD_yyyymmdd.csv columns. The cpr column is deliberately absent.
_CSV_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "user": ("ad-kontonavn", "AD-konto", "brugernavn"),
    "mobile": ("mobilnummer", "mobil"),
    "phone": ("telefonnummer", "telefon"),
    "nickname": ("kaldenavn",),
    "employee_id": ("medarbejderid", "medarbejdernummer"),
    "firstname": ("fornavn",),
    "surname": ("efternavn",),
}


@without_gc
def read_os2sofd(path: Path, *, options: Mapping[str, Any], settings: Settings) -> SourceData:
    """Read an OS2sofd export: JSON when the file starts with ``{``/``[``, else the CSV file."""
    today = date.today()
    if path.is_file() and looks_like_json(path):
        return _read_json(path, today, do_not_transfer_units(options, where=str(path)))
    return _read_csv(path, options)


def do_not_transfer_units(options: Mapping[str, Any], *, where: str) -> frozenset[str]:
    """The ``do_not_transfer_org_units`` option: a list of org unit UUIDs (canonical form)."""
    value = options.get(DO_NOT_TRANSFER_OPTION, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(
            f"{where}: {DO_NOT_TRANSFER_OPTION} skal være en liste af enheds-UUID'er "
            '(fx ["6f0c...-..."]) fra OS2sofd.'
        )
    return frozenset(canonical_uuid(v) for v in value if v.strip())


# --- JSON ------------------------------------------------------------------------------

_WHAT: Final = "OS2sofd-filen"


def _read_json(path: Path, today: date, excluded: frozenset[str]) -> SourceData:
    where = str(path)
    data = read_json_bytes(path, what=_WHAT)
    context = _Context(path.name, today, excluded, where)
    records = _typed_records(data, context)
    if records is None:  # an unusual file: the tolerant tree reads it or names the fault
        root = JsonAt(decode_json(data, where=where, what=_WHAT), where)
        records = []
        for person in _persons(root):
            records.extend(_person_records(person, context))
    return SourceData(
        kind=KIND,
        position=SOURCE_KINDS[KIND],
        records=tuple(records),
        origin=where,
        files=(input_file(path, KIND, rows=len(records), data=data),),
    )


def _persons(root: JsonAt) -> Iterator[JsonAt]:
    """The persons of every accepted file shape."""
    if isinstance(root.value, Mapping):
        if root.has("persons"):
            yield from root.get("persons").items()
            return
        if root.has("value"):  # OData
            yield from root.get("value").items()
            return
        raise root.fail(
            'forventede OS2sofd-personer: et objekt med "persons" (én side), '
            "en liste af sider eller en liste af personer"
        )
    for item in root.items():
        if isinstance(item.value, Mapping) and item.has("persons"):
            yield from item.get("persons").items()
        else:
            yield item


def records_from_persons(
    persons: Iterable[Mapping[str, object]],
    *,
    origin: str,
    today: date,
    excluded_units: frozenset[str] = frozenset(),
) -> list[SourceRecord]:
    """Records of OS2sofd persons as the live client fetched them (API JSON as dicts)."""
    context = _Context(origin, today, excluded_units, origin)
    types = _Types(object)
    records: list[SourceRecord] = []
    for index, person in enumerate(persons):
        records.extend(_dict_person_records(person, f"persons[{index}]", context, types))
    return records


@dataclass(frozen=True, slots=True)
class _Context:
    origin: str  # file name (or URL) in each record's location
    today: date
    excluded_units: frozenset[str]  # org units marked doNotTransferToFkOrg
    where: str = ""  # the path in error messages


class _Affiliation(NamedTuple):  # a tuple: built once per affiliation, read a few times
    employee_id: str
    deleted: bool
    stop: date | None
    org_unit: str


def _person_flags(
    affiliations: Sequence[_Affiliation], context: _Context
) -> tuple[set[str], list[_Affiliation]]:
    """``no_affiliation`` / ``do_not_transfer`` for the whole person (upstream deletes it),
    and the affiliations that count (not stopped, transferable)."""
    today, excluded = context.today, context.excluded_units
    if len(affiliations) == 1:  # most persons: the same answer without two comprehensions
        only = affiliations[0]
        if only.deleted or (only.stop is not None and only.stop < today):
            return {"no_affiliation"}, []
        if excluded and only.org_unit in excluded:
            return {"do_not_transfer"}, []
        return set(), [only]
    # startDate is not checked: an affiliation starting in the future already counts.
    not_stopped = [a for a in affiliations if not a.deleted and (a.stop is None or a.stop >= today)]
    if not not_stopped:
        return {"no_affiliation"}, []
    active = [a for a in not_stopped if a.org_unit not in excluded] if excluded else not_stopped
    if not active:
        return {"do_not_transfer"}, []
    return set(), active


def _unmatched_accounts(
    account_employee_ids: Sequence[str], active: Sequence[_Affiliation]
) -> set[int]:
    """Indexes of AD accounts with no affiliation of their own among the ``active`` ones
    (see :func:`_person_flags`): OS2sofd skips them."""
    if len(account_employee_ids) == 1:  # most persons: one AD account, nothing to share
        employee_id = account_employee_ids[0]
        if employee_id:
            for affiliation in active:  # a loop, not any(generator): see _struct_records
                if affiliation.employee_id == employee_id:
                    return set()
            return {0}
        return set() if active else {0}
    claimed = {e for e in account_employee_ids if e}
    unlinked = [a for a in active if a.employee_id not in claimed]
    unmatched = set()
    for index, employee_id in enumerate(account_employee_ids):
        if employee_id:
            if not any(a.employee_id == employee_id for a in active):
                unmatched.add(index)
        elif not unlinked:
            unmatched.add(index)
    return unmatched


# --- the typed fast path ------------------------------------------------------------------
#
# msgspec decodes each person straight into Structs: the members the reader needs are typed,
# every other member is kept as an unparsed msgspec.Raw, and a member of another type (a
# number where text belongs, an object where a list belongs) is a ValidationError, after
# which the tolerant JsonAt path reads that person (or names the fault). Absent and null
# are both None there, as in JsonAt.
#
# JsonAt also finds a member spelled in another case ("PhoneNumber"); a Struct does not.
# So the Structs refuse unknown members, and _Types learns each file's extra members
# ("master", "positionName", ...) from the first person that has them. A member that
# folds to a known name is never learned: that person goes the tolerant way.


class _Phone(msgspec.Struct, gc=False):
    phoneNumber: str | None = None
    phoneType: str | None = None
    visibility: str | None = None
    prime: bool | None = None
    typePrime: bool | None = None


class _User(msgspec.Struct, gc=False):
    userId: str | None = None
    userType: str | None = None
    employeeId: str | None = None
    disabled: bool | None = None
    kombitUuid: str | None = None
    upn: str | None = None


class _AffiliationMembers(msgspec.Struct, gc=False):
    employeeId: str | None = None
    deleted: bool | None = None
    startDate: str | None = None
    stopDate: str | None = None
    orgUnitUuid: str | None = None


class _Person(msgspec.Struct, gc=False):
    uuid: str | None = None
    firstname: str | None = None
    surname: str | None = None
    chosenName: str | None = None
    email: str | None = None
    deleted: bool | None = None
    phones: list[_Phone] | None = None
    users: list[_User] | None = None
    affiliations: list[_AffiliationMembers] | None = None


class _Page(msgspec.Struct, gc=False):
    """A page, or (``persons`` unset) a person in a plain list of persons."""

    persons: list[msgspec.Raw] | UnsetType | None = UNSET


_PAGE: Final = msgspec.json.Decoder(_Page)
_ITEMS: Final = msgspec.json.Decoder(list[msgspec.Raw])
#: Each kind of object a person holds: its Struct and the person member holding a list of them.
_LEVELS: Final[Mapping[str, tuple[type[msgspec.Struct], str]]] = {
    "phone": (_Phone, "phones"),
    "user": (_User, "users"),
    "affiliation": (_AffiliationMembers, "affiliations"),
    "person": (_Person, ""),
}
_FOLDED: Final = {
    level: frozenset(name.casefold() for name in struct.__struct_fields__)
    for level, (struct, _) in _LEVELS.items()
}
_UNPARSED: Final = msgspec.Raw(b"null")
#: Extra members one kind of object may have before its persons go the tolerant way: an
#: export has a fixed set, so more means something else (and rebuilding would cost).
_MAX_EXTRAS: Final = 100
#: The flags of most records: one shared empty set, not 216 bytes per record.
_NO_FLAGS: Final[frozenset[str]] = frozenset()
#: What canonical_uuid gives back unchanged (see _uuid).
_CANONICAL_UUID: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class _Types:
    """The Structs of one read: the known members plus the extra ones learned so far.

    ``extra`` is the type of an extra member: ``msgspec.Raw`` (skipped, unparsed) when
    decoding JSON, ``object`` when converting the live client's dicts.
    """

    def __init__(self, extra: Any) -> None:
        self._extra = extra
        self._extras: dict[str, list[str]] = {level: [] for level in _LEVELS}
        self._build()

    def _build(self) -> None:
        built: dict[str, type[msgspec.Struct]] = {}
        for level, (base, member) in _LEVELS.items():
            extras = self._extras[level]
            fields: list[tuple[str, Any, Any]] = [
                (f"extra_{index}", self._extra, _UNPARSED if self._extra is msgspec.Raw else None)
                for index in range(len(extras))
            ]
            if level == "person":
                fields += [
                    (member, list[built[lvl]] | None, None)  # type: ignore[valid-type]
                    for lvl, (_, member) in _LEVELS.items()
                    if member
                ]
            rename = {name: name for name in base.__struct_fields__}
            rename.update({f"extra_{index}": name for index, name in enumerate(extras)})
            built[level] = msgspec.defstruct(
                f"{base.__name__}Members",
                fields,
                bases=(base,),
                rename=rename,
                forbid_unknown_fields=True,
                gc=False,
            )
        self.person = cast("type[_Person]", built["person"])  # a subclass with the extras
        self.decoder = msgspec.json.Decoder(self.person)

    def learn(self, person: object) -> bool:
        """Take the unknown members of ``person`` (a dict tree) as extras; True when new.

        False when there is nothing new to learn, when an unknown member spells a known
        one in another case, or when a kind of object has had too many different members
        to be an export: then the person is for the tolerant path.
        """
        if not isinstance(person, dict):
            return False
        new: dict[str, list[str]] = {}
        for level, (struct, member) in _LEVELS.items():
            objects = person.get(member) if member else [person]
            keys: set[object] = set()
            for item in objects if isinstance(objects, list) else ():
                if isinstance(item, dict):
                    keys.update(item)
            unknown = []
            for key in keys - set(struct.__struct_fields__) - set(self._extras[level]):
                if not isinstance(key, str) or key.casefold() in _FOLDED[level]:
                    return False
                unknown.append(key)
            if len(self._extras[level]) + len(unknown) > _MAX_EXTRAS:
                return False
            new[level] = sorted(unknown)
        if not any(new.values()):
            return False
        for level, names in new.items():
            self._extras[level] += names
        self._build()
        return True


class _NeedsTree(Exception):
    """The file is not in one of the API's shapes: the tolerant tree reads it."""


def _typed_records(data: bytes, context: _Context) -> list[SourceRecord] | None:
    """Every record of a file in one of the API's shapes, through the typed path.

    None when the file needs the tree: not JSON msgspec accepts, an OData answer, a page
    whose ``persons`` is null, a list item that may spell ``persons`` otherwise.
    """
    body = strict_ready(data)
    if body is None:
        return None
    types = _Types(msgspec.Raw)
    records: list[SourceRecord] = []
    try:
        for raw, at in _located_persons(body):
            # _raw_person_records' first try, inline (a call less for nearly every person);
            # a person it does not take is read there from the start.
            try:
                fast = _struct_records(types.decoder.decode(raw), at, context)
            except (msgspec.ValidationError, RecursionError):
                fast = None
            records.extend(
                fast if fast is not None else _raw_person_records(raw, at, context, types)
            )
    except (_NeedsTree, msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return None
    return records


def _located_persons(body: bytes) -> Iterator[tuple[msgspec.Raw, str]]:
    """Each person, unparsed, with its place (``[0].persons[3]``), one page at a time.

    The top level is decoded (and so checked) whole before the first person; a page is
    only split into persons when its turn comes, so no list of every person is held.
    """
    if body.lstrip()[:1] == b"{":
        page = _PAGE.decode(body)
        if not isinstance(page.persons, list):
            raise _NeedsTree
        for index, raw in enumerate(page.persons):
            yield raw, f"persons[{index}]"
        return
    for number, item in enumerate(_ITEMS.decode(body)):
        page = _PAGE.decode(item)
        if isinstance(page.persons, list):
            for index, raw in enumerate(page.persons):
                yield raw, f"[{number}].persons[{index}]"
        elif page.persons is None or b'"persons"' in bytes(item).lower():
            raise _NeedsTree  # JsonAt.has("persons") may call it a page
        else:
            yield item, f"[{number}]"


def _raw_person_records(
    raw: msgspec.Raw, at: str, context: _Context, types: _Types
) -> list[SourceRecord]:
    """One person's records: typed when it is plain, else through the tolerant tree."""
    tree: object = None
    while True:
        try:
            fast = _struct_records(types.decoder.decode(raw), at, context)
        except (msgspec.ValidationError, RecursionError):
            if tree is None:
                tree = parse_json(bytes(raw).decode("utf-8"), path=context.where, what=_WHAT)
            if types.learn(tree):
                continue
            fast = None
        if fast is not None:
            return fast
        if tree is None:
            tree = parse_json(bytes(raw).decode("utf-8"), path=context.where, what=_WHAT)
        return _person_records(JsonAt(tree, context.where, at), context)


def _dict_person_records(
    person: Mapping[str, object], at: str, context: _Context, types: _Types
) -> list[SourceRecord]:
    """A live API person (a dict): typed when it is plain, else through the tolerant path."""
    while True:
        try:
            fast = _struct_records(msgspec.convert(person, types.person), at, context)
        except msgspec.ValidationError:
            if types.learn(person):
                continue
            fast = None
        if fast is not None:
            return fast
        return _person_records(JsonAt(person, context.where, at), context)


def _uuid(text: str | None) -> str:
    # Most UUIDs in an export are already canonical: skip canonical_uuid's strips and lower().
    if text is not None and _CANONICAL_UUID.fullmatch(text):
        return text
    return canonical_uuid(text or "")


def _struct_records(person: _Person, at: str, context: _Context) -> list[SourceRecord] | None:
    """The records of a typed person; the same as :func:`_person_records` (tests hold them
    equal). None for a date that is not one: the tolerant path names it."""
    phones = []
    codes = _CODES
    for phone in person.phones or ():
        raw = (phone.phoneNumber or "").strip()
        if raw:
            # A few codes for every phone: each text is stripped and upper-cased once.
            kind = codes.get(phone.phoneType) or _code(phone.phoneType)
            visibility = codes.get(phone.visibility) or _code(phone.visibility)
            phones.append(
                PhoneEntry(raw, kind, visibility, bool(phone.prime), bool(phone.typePrime))
            )
    # Plain expressions and loops, not generators: a generator costs ~0.4 µs to make, and
    # this runs once per person (600,000 at national size).
    name = (person.chosenName or "").strip()
    if not name:
        first, surname = (person.firstname or "").strip(), (person.surname or "").strip()
        name = f"{first} {surname}" if first and surname else first or surname
    affiliations = _typed_affiliations(person.affiliations or ())
    if affiliations is None:
        return None
    fallback_employee = ""
    for affiliation in affiliations:
        if affiliation.employee_id:
            fallback_employee = affiliation.employee_id
            break
    flags, active = _person_flags(affiliations, context)
    if person.deleted:
        flags.add("deleted")
    person_key = _uuid(person.uuid)
    email = (person.email or "").strip()
    location = f"{context.origin} {at}".strip()
    phone_tuple = tuple(phones)
    users = person.users or ()
    if len(users) == 1 and (users[0].userType or "").strip().upper() in _AD_USER_TYPES:
        # Most persons: one AD account, so no list of accounts and no account rule to run.
        person_fields = (person_key, fallback_employee, email, name, phone_tuple, location)
        return [_only_account_record(users[0], person_fields, flags, active)]
    accounts = [
        (index, user)
        for index, user in enumerate(users)
        if (user.userType or "").strip().upper() in _AD_USER_TYPES
    ]
    if not accounts:
        return [
            SourceRecord(
                system=KIND,
                user_id="",
                person_key=person_key,
                employee_id=fallback_employee,
                email=email,
                name=name,
                phones=phone_tuple,
                active=not flags,
                flags=frozenset(flags) if flags else _NO_FLAGS,
                location=location,
            )
        ]
    employee_ids = [(user.employeeId or "").strip() for _, user in accounts]
    unmatched = _unmatched_accounts(employee_ids, active)
    records = []
    for position, (index, user) in enumerate(accounts):
        user_flags = set(flags)
        if position in unmatched and not flags:
            user_flags.add("no_matching_affiliation")
        if user.disabled:
            user_flags.add("disabled")
        records.append(
            SourceRecord(
                system=KIND,
                user_id=(user.userId or "").strip(),
                uuid=_uuid(user.kombitUuid),
                person_key=person_key,
                employee_id=employee_ids[position] or fallback_employee,
                email=(user.upn or "").strip() or email,
                name=name,
                phones=phone_tuple,
                active=not user_flags,
                flags=frozenset(user_flags) if user_flags else _NO_FLAGS,
                location=f"{location}.users[{index}]",
            )
        )
    return records


def _only_account_record(
    user: _User,
    person_fields: tuple[str, str, str, str, tuple[PhoneEntry, ...], str],
    flags: set[str],
    active: list[_Affiliation],
) -> SourceRecord:
    """The record of a person's only account (an AD one): :func:`_struct_records`' loop for
    one account, with :func:`_unmatched_accounts`' one-account answer worked out in place.

    ``person_fields``: the person's key, fallback employee id, e-mail, name, phones and
    location."""
    person_key, fallback_employee, email, name, phones, location = person_fields
    employee_id = (user.employeeId or "").strip()
    user_flags: frozenset[str]
    if flags:
        user_flags = frozenset({*flags, "disabled"} if user.disabled else flags)
    else:
        matched = bool(active)  # an account without an employee id takes any that counts
        if employee_id:
            matched = False
            for affiliation in active:  # a loop, not any(generator): see above
                if affiliation.employee_id == employee_id:
                    matched = True
                    break
        if matched:
            user_flags = _DISABLED if user.disabled else _NO_FLAGS
        else:
            user_flags = _UNMATCHED_DISABLED if user.disabled else _UNMATCHED
    return SourceRecord(
        system=KIND,
        user_id=(user.userId or "").strip(),
        uuid=_uuid(user.kombitUuid),
        person_key=person_key,
        employee_id=employee_id or fallback_employee,
        email=(user.upn or "").strip() or email,
        name=name,
        phones=phones,
        active=not user_flags,
        flags=user_flags,
        location=f"{location}.users[0]",
    )


#: Shared flag sets of one-account records (a record never changes its flags).
_DISABLED: Final = frozenset({"disabled"})
_UNMATCHED: Final = frozenset({"no_matching_affiliation"})
_UNMATCHED_DISABLED: Final = frozenset({"no_matching_affiliation", "disabled"})
_CACHE_LIMIT: Final = 20_000  # bounded: a hostile file cannot grow a cache without end
#: A phone's type or visibility as a record holds it (stripped, upper case, interned), by
#: the text the file gives: an export uses a few codes for all its phones.
_CODES: dict[str | None, str] = {}
#: A date member's meaning by its text: False none given (absent, null, blank), None not a
#: date, else the date. An export holds a few thousand distinct dates among its persons.
_DATES: dict[str | None, date | bool | None] = {}
#: An org unit's canonical UUID by its text: an export has few units and many affiliations.
_UNITS: dict[str | None, str] = {}
_UNSEEN: Final = object()  # a text not in _DATES yet


def _code(text: str | None) -> str:
    code = intern((text or "").strip().upper())
    if len(_CODES) < _CACHE_LIMIT:
        _CODES[text] = code
    return code


def _date_of(text: str | None) -> date | bool | None:
    stripped = (text or "").strip()
    found = iso_date(stripped) if stripped else False
    if len(_DATES) < _CACHE_LIMIT:
        _DATES[text] = found
    return found


def _unit(text: str | None) -> str:
    unit = _uuid(text)
    if len(_UNITS) < _CACHE_LIMIT:
        _UNITS[text] = unit
    return unit


def _typed_affiliations(members: Iterable[_AffiliationMembers]) -> list[_Affiliation] | None:
    """The affiliations of a typed person; None when a date is not one."""
    affiliations = []
    dates, units = _DATES, _UNITS
    for member in members:
        start = dates.get(member.startDate, _UNSEEN)
        if start is _UNSEEN:
            start = _date_of(member.startDate)
        stop = dates.get(member.stopDate, _UNSEEN)
        if stop is _UNSEEN:
            stop = _date_of(member.stopDate)
        if start is None or stop is None:  # a start date is checked for its shape only
            return None
        unit = units.get(member.orgUnitUuid)
        if unit is None:
            unit = _unit(member.orgUnitUuid)
        affiliations.append(
            _Affiliation(
                (member.employeeId or "").strip(),
                bool(member.deleted),
                stop if isinstance(stop, date) else None,
                unit,
            )
        )
    return affiliations


# --- the tolerant path ------------------------------------------------------------------------


def _person_records(person: JsonAt, context: _Context) -> list[SourceRecord]:
    person.mapping()
    phones = tuple(_phones(person))
    chosen = person.text("chosenName")
    name = chosen or " ".join(p for p in (person.text("firstname"), person.text("surname")) if p)
    person_key = canonical_uuid(person.text("uuid"))
    affiliations = _affiliations(person)
    person_flags, active = _person_flags(affiliations, context)
    if person.flag("deleted"):
        person_flags.add("deleted")
    fallback_employee = _first_employee_id(person)
    location = f"{context.origin} {person.at}".strip()
    accounts = [u for u in person.get("users").items() if _is_ad_account(u)]
    if not accounts:
        return [
            SourceRecord(
                system=KIND,
                user_id="",
                person_key=person_key,
                employee_id=fallback_employee,
                email=person.text("email"),
                name=name,
                phones=phones,
                active=not person_flags,
                flags=frozenset(person_flags),
                location=location,
            )
        ]
    unmatched = _unmatched_accounts([user.text("employeeId") for user in accounts], active)
    records = []
    for position, user in enumerate(accounts):
        flags = set(person_flags)
        if position in unmatched and not person_flags:
            flags.add("no_matching_affiliation")
        if user.flag("disabled"):
            flags.add("disabled")
        records.append(
            SourceRecord(
                system=KIND,
                user_id=user.text("userId"),
                uuid=canonical_uuid(user.text("kombitUuid")),
                person_key=person_key,
                employee_id=user.text("employeeId") or fallback_employee,
                email=user.text("upn") or person.text("email"),
                name=name,
                phones=phones,
                active=not flags,
                flags=frozenset(flags),
                location=f"{context.origin} {user.at}".strip(),
            )
        )
    return records


def _is_ad_account(user: JsonAt) -> bool:
    user.mapping()
    return user.text("userType").upper() in _AD_USER_TYPES


def _phones(person: JsonAt) -> Iterator[PhoneEntry]:
    for phone in person.get("phones").items():
        phone.mapping()
        raw = phone.text("phoneNumber")
        if not raw:
            continue
        yield PhoneEntry(
            raw=raw,
            type=phone.text("phoneType").upper(),
            visibility=phone.text("visibility").upper(),
            prime=phone.flag("prime"),
            type_prime=phone.flag("typePrime"),
        )


def _affiliations(person: JsonAt) -> list[_Affiliation]:
    out = []
    for affiliation in person.get("affiliations").items():
        affiliation.mapping()
        _date(affiliation, "startDate")  # checked for shape only: a future start still counts
        out.append(
            _Affiliation(
                affiliation.text("employeeId"),
                affiliation.flag("deleted"),
                _date(affiliation, "stopDate"),
                canonical_uuid(affiliation.text("orgUnitUuid")),
            )
        )
    return out


def _date(node: JsonAt, name: str) -> date | None:
    text = node.text(name)
    if not text:
        return None
    parsed = iso_date(text)
    if parsed is None:
        raise node.get(name).fail(f'forventede en dato (ÅÅÅÅ-MM-DD), men fandt "{text[:30]}"')
    return parsed


def _first_employee_id(person: JsonAt) -> str:
    for affiliation in person.get("affiliations").items():
        affiliation.mapping()
        employee_id = affiliation.text("employeeId")
        if employee_id:
            return employee_id
    return ""


# --- SOFD_yyyymmdd.csv -----------------------------------------------------------------


def _read_csv(path: Path, options: Mapping[str, Any]) -> SourceData:
    table = open_table(
        path,
        _CSV_FIELDS,
        required=(("user", "employee_id"), ("mobile", "phone")),
        sheet=str(options.get("sheet", "")),
        what="OS2sofd-filen",
    )
    records = []
    for number, cells in table.rows():

        def cell(field: str, cells: tuple[str, ...] = cells) -> str:
            index = table.columns.get(field)
            return cells[index].strip() if index is not None else ""

        phones = []
        if cell("mobile"):
            phones.append(
                PhoneEntry(raw=cell("mobile"), type="MOBILE", visibility="VISIBLE", type_prime=True)
            )
        if cell("phone"):
            phones.append(PhoneEntry(raw=cell("phone"), type="LANDLINE", type_prime=True))
        full_name = " ".join(p for p in (cell("firstname"), cell("surname")) if p)
        records.append(
            SourceRecord(
                system=KIND,
                user_id=cell("user"),
                employee_id=cell("employee_id"),
                name=cell("nickname") or full_name,
                phones=tuple(phones),
                location=f"{path.name} række {number}",
            )
        )
    return SourceData(
        kind=KIND,
        position=SOURCE_KINDS[KIND],
        records=tuple(records),
        origin=str(path),
        files=(input_file(path, KIND, sheet=table.sheet, rows=len(records)),),
    )
