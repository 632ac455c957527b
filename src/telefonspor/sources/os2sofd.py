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

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

from telefonspor.errors import ConfigError
from telefonspor.model import PhoneEntry, SourceData, SourceRecord
from telefonspor.settings import SOURCE_KINDS, Settings
from telefonspor.sources.common import canonical_uuid, input_file, iso_date, without_gc
from telefonspor.sources.jsonfile import JsonAt, load_json, looks_like_json
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


def _read_json(path: Path, today: date, excluded: frozenset[str]) -> SourceData:
    root = JsonAt(load_json(path, what="OS2sofd-filen"), str(path))
    context = _Context(path.name, today, excluded)
    records: list[SourceRecord] = []
    for person in _persons(root):
        fast = _fast_person_records(person, context)
        records.extend(fast if fast is not None else _person_records(person, context))
    return SourceData(
        kind=KIND,
        position=SOURCE_KINDS[KIND],
        records=tuple(records),
        origin=str(path),
        files=(input_file(path, KIND, rows=len(records)),),
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
    """Records of OS2sofd persons (raw API JSON); shared by the file reader and the live client."""
    context = _Context(origin, today, excluded_units)
    records: list[SourceRecord] = []
    for index, person in enumerate(persons):
        node = JsonAt(person, origin, f"persons[{index}]")
        fast = _fast_person_records(node, context)
        records.extend(fast if fast is not None else _person_records(node, context))
    return records


@dataclass(frozen=True, slots=True)
class _Context:
    origin: str
    today: date
    excluded_units: frozenset[str]  # org units marked doNotTransferToFkOrg


@dataclass(frozen=True, slots=True)
class _Affiliation:
    employee_id: str
    deleted: bool
    stop: date | None
    org_unit: str


def _person_flags(affiliations: Sequence[_Affiliation], context: _Context) -> set[str]:
    """``no_affiliation`` / ``do_not_transfer`` for the whole person (upstream deletes it)."""
    not_stopped = _not_stopped(affiliations, context)
    if not not_stopped:
        return {"no_affiliation"}
    if not _transferable(not_stopped, context):
        return {"do_not_transfer"}
    return set()


def _not_stopped(affiliations: Sequence[_Affiliation], context: _Context) -> list[_Affiliation]:
    # startDate is not checked: an affiliation starting in the future already counts.
    return [
        a for a in affiliations if not a.deleted and (a.stop is None or a.stop >= context.today)
    ]


def _transferable(affiliations: Sequence[_Affiliation], context: _Context) -> list[_Affiliation]:
    return [a for a in affiliations if a.org_unit not in context.excluded_units]


def _unmatched_accounts(
    account_employee_ids: Sequence[str], affiliations: Sequence[_Affiliation], context: _Context
) -> set[int]:
    """Indexes of AD accounts with no affiliation of their own: OS2sofd skips them."""
    active = _transferable(_not_stopped(affiliations, context), context)
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


class _NotPlain(Exception):
    """The fast path met something unusual: the tolerant path will read (or reject) it."""


#: Member names the fast path reads, exactly as OS2sofd's API spells them.
_KNOWN_KEYS: Final = frozenset(
    "uuid firstname surname chosenName email deleted phones users affiliations phoneNumber "
    "phoneType visibility prime typePrime userId userType employeeId disabled kombitUuid upn "
    "startDate stopDate orgUnitUuid".split()
)
_KNOWN_FOLDED: Final = frozenset(k.casefold() for k in _KNOWN_KEYS)


def _plain(value: object) -> Mapping[str, object]:
    """A dict whose members are spelled exactly as the API does (else the slow path decides)."""
    if not isinstance(value, dict):
        raise _NotPlain
    for key in value:
        if key not in _KNOWN_KEYS and str(key).casefold() in _KNOWN_FOLDED:
            raise _NotPlain
    return value


def _str(members: Mapping[str, object], name: str) -> str:
    value = members.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _NotPlain
    return value.strip()


def _bool(members: Mapping[str, object], name: str) -> bool:
    value = members.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _NotPlain
    return value


def _list(members: Mapping[str, object], name: str) -> list[object]:
    value = members.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _NotPlain
    return value


def _fast_person_records(node: JsonAt, context: _Context) -> list[SourceRecord] | None:
    """The records of a person shaped exactly like the API's, without per-member bookkeeping.

    Gives the same records as :func:`_person_records` (a test holds them equal) at a
    fraction of the cost; returns None for anything unusual, which the tolerant path
    then reads or rejects with a precise message.
    """
    try:
        return _fast(node, context)
    except _NotPlain:
        return None


def _fast(node: JsonAt, context: _Context) -> list[SourceRecord]:
    person = _plain(node.value)
    phones = []
    for item in _list(person, "phones"):
        phone = _plain(item)
        raw = _str(phone, "phoneNumber")
        if raw:
            phones.append(
                PhoneEntry(
                    raw=raw,
                    type=_str(phone, "phoneType").upper(),
                    visibility=_str(phone, "visibility").upper(),
                    prime=_bool(phone, "prime"),
                    type_prime=_bool(phone, "typePrime"),
                )
            )
    chosen = _str(person, "chosenName")
    name = chosen or " ".join(p for p in (_str(person, "firstname"), _str(person, "surname")) if p)
    affiliations: list[_Affiliation] = []
    fallback_employee = ""
    for item in _list(person, "affiliations"):
        affiliation = _plain(item)
        employee_id = _str(affiliation, "employeeId")
        fallback_employee = fallback_employee or employee_id
        start_text, stop_text = _str(affiliation, "startDate"), _str(affiliation, "stopDate")
        stop = iso_date(stop_text) if stop_text else None
        if (start_text and iso_date(start_text) is None) or (stop_text and stop is None):
            raise _NotPlain
        affiliations.append(
            _Affiliation(
                employee_id,
                _bool(affiliation, "deleted"),
                stop,
                canonical_uuid(_str(affiliation, "orgUnitUuid")),
            )
        )
    flags = _person_flags(affiliations, context)
    if _bool(person, "deleted"):
        flags.add("deleted")
    person_key = canonical_uuid(_str(person, "uuid"))
    email = _str(person, "email")
    accounts = []
    for index, item in enumerate(_list(person, "users")):
        user = _plain(item)
        if _str(user, "userType").upper() in _AD_USER_TYPES:
            accounts.append((index, user))
    common = {"system": KIND, "person_key": person_key, "name": name, "phones": tuple(phones)}
    if not accounts:
        return [
            SourceRecord(
                user_id="",
                employee_id=fallback_employee,
                email=email,
                active=not flags,
                flags=frozenset(flags),
                location=f"{context.origin} {node.at}".strip(),
                **common,  # type: ignore[arg-type]
            )
        ]
    unmatched = _unmatched_accounts(
        [_str(user, "employeeId") for _, user in accounts], affiliations, context
    )
    records = []
    for position, (index, user) in enumerate(accounts):
        user_flags = set(flags)
        if position in unmatched and not flags:
            user_flags.add("no_matching_affiliation")
        if _bool(user, "disabled"):
            user_flags.add("disabled")
        records.append(
            SourceRecord(
                user_id=_str(user, "userId"),
                uuid=canonical_uuid(_str(user, "kombitUuid")),
                employee_id=_str(user, "employeeId") or fallback_employee,
                email=_str(user, "upn") or email,
                active=not user_flags,
                flags=frozenset(user_flags),
                location=f"{context.origin} {node.at}.users[{index}]".strip(),
                **common,  # type: ignore[arg-type]
            )
        )
    return records


def _person_records(person: JsonAt, context: _Context) -> list[SourceRecord]:
    person.mapping()
    phones = tuple(_phones(person))
    chosen = person.text("chosenName")
    name = chosen or " ".join(p for p in (person.text("firstname"), person.text("surname")) if p)
    person_key = canonical_uuid(person.text("uuid"))
    affiliations = _affiliations(person)
    person_flags = _person_flags(affiliations, context)
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
    unmatched = _unmatched_accounts(
        [user.text("employeeId") for user in accounts], affiliations, context
    )
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
