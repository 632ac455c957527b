"""Read OS2mo employees saved from its GraphQL API.

Accepted shapes: the answer of an ``employees`` query
(``{"data": {"employees": {"objects": [...]}}}``, each object holding
``current``, ``validities`` or ``objects``), a list of such answers (pages),
or a plain list of employees. Each AD it-user of an employee becomes one
record; its phones are the employee's own phone addresses plus those sitting
on that it-user, with the owner recorded so the export rules can replay the
"addresses on the it-user" mode.

A phone's ``type`` is the address type's ``user_key`` (its UUID when there is
no user_key): the configured ``os2mo.*_scope_classes`` are matched against it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any, Final

from telefonspor.model import PhoneEntry, SourceData, SourceRecord
from telefonspor.settings import SOURCE_KINDS, Settings
from telefonspor.sources.common import canonical_uuid, input_file, iso_date
from telefonspor.sources.jsonfile import JsonAt, load_json
from telefonspor.sources.tabular import normalise_header

__all__ = ["read_os2mo", "records_from_employees"]

KIND: Final = "os2mo"
_AD_SYSTEMS: Final = frozenset({"ad", "activedirectory", "adguid", "msad", "aktivdirectory"})


def read_os2mo(path: Path, *, options: Mapping[str, Any], settings: Settings) -> SourceData:
    """Read a saved OS2mo GraphQL answer (see the module docstring for the shapes)."""
    root = JsonAt(load_json(path, what="OS2mo-filen"), str(path))
    today = date.today()
    records: list[SourceRecord] = []
    for employee in _employees(root, today):
        records.extend(_employee_records(employee, origin=path.name, today=today))
    return SourceData(
        kind=KIND,
        position=SOURCE_KINDS[KIND],
        records=tuple(records),
        origin=str(path),
        files=(input_file(path, KIND, rows=len(records)),),
    )


def records_from_employees(
    employees: Iterable[Mapping[str, object]], *, origin: str, today: date | None = None
) -> list[SourceRecord]:
    """Records of OS2mo employees (one validity each, raw GraphQL JSON)."""
    day = today or date.today()
    records: list[SourceRecord] = []
    for index, employee in enumerate(employees):
        node = JsonAt(employee, origin, f"employees[{index}]")
        records.extend(_employee_records(node, origin=origin, today=day))
    return records


# --- shapes -------------------------------------------------------------------------------


def _employees(root: JsonAt, today: date) -> Iterator[JsonAt]:
    if isinstance(root.value, list):
        for item in root.items():
            if isinstance(item.value, Mapping) and (item.has("data") or item.has("employees")):
                yield from _employees(item, today)
            else:
                yield from _unwrap(item, today)
        return
    node = root.get("data") if root.has("data") else root
    if node.is_null() or not node.has("employees"):
        errors = root.get("errors")
        detail = f" (GraphQL-fejl: {_first_error(errors)})" if not errors.is_null() else ""
        raise root.fail(
            'forventede et OS2mo-svar med "data.employees" eller en liste af medarbejdere' + detail
        )
    employees = node.get("employees")
    listed = employees if isinstance(employees.value, list) else employees.get("objects")
    for item in listed.items():
        yield from _unwrap(item, today)


def _unwrap(item: JsonAt, today: date) -> Iterator[JsonAt]:
    """One employee validity from ``{current}``, ``{validities}``, ``{objects}`` or itself."""
    item.mapping()
    if item.has("current"):
        current = item.get("current")
        if not current.is_null():  # no current validity: the employee is not current
            yield current
        return
    for name in ("validities", "objects"):
        if item.has(name):
            versions = list(item.get(name).items())
            if versions:
                yield _valid_today(versions, today)
            return
    yield item


def _valid_today(versions: list[JsonAt], today: date) -> JsonAt:
    for version in versions:
        validity = version.get("validity")
        if validity.is_null():
            continue
        start = iso_date(validity.text("from"))
        stop = iso_date(validity.text("to"))
        if (start is None or start <= today) and (stop is None or stop >= today):
            return version
    return versions[-1]


def _first_error(errors: JsonAt) -> str:
    for error in errors.items():
        if isinstance(error.value, Mapping):
            return error.text("message")[:200]
    return ""


# --- one employee -----------------------------------------------------------------------


def _employee_records(employee: JsonAt, *, origin: str, today: date) -> list[SourceRecord]:
    employee.mapping()
    name = employee.text("name") or " ".join(
        p for p in (employee.text("given_name", "givenname"), employee.text("surname")) if p
    )
    person_key = canonical_uuid(employee.text("uuid"))
    engagements = list(employee.get("engagements").items())
    current = [e for e in engagements if _current(e, today)]
    employee_id = next((e.text("user_key") for e in current if e.text("user_key")), "")
    flags = frozenset() if current else frozenset({"no_engagement"})
    addresses = list(employee.get("addresses").items())
    email = next((a.text("value") for a in addresses if _scope(a) == "EMAIL"), "")
    itusers = list(employee.get("itusers").items())
    ad_users = [u for u in itusers if _is_ad(u)] or itusers
    if not ad_users:
        phones = tuple(_phone(a, "person") for a in addresses if _owner(a) is None)
        return [
            SourceRecord(
                system=KIND,
                user_id="",
                person_key=person_key,
                employee_id=employee_id,
                email=email,
                name=name,
                phones=tuple(p for p in phones if p is not None),
                active=bool(current),
                flags=flags,
                location=f"{origin} {employee.at}".strip(),
            )
        ]
    records = []
    for user in ad_users:
        records.append(
            SourceRecord(
                system=KIND,
                user_id=user.text("user_key"),
                uuid=canonical_uuid(user.text("external_id")),
                person_key=person_key,
                employee_id=employee_id,
                email=email,
                name=name,
                phones=tuple(_user_phones(addresses, user)),
                active=bool(current),
                flags=flags,
                location=f"{origin} {user.at}".strip(),
            )
        )
    return records


def _current(engagement: JsonAt, today: date) -> bool:
    engagement.mapping()
    validity = engagement.get("validity")
    if validity.is_null():
        return True  # a `current` query returns only current engagements, without dates
    start = iso_date(validity.text("from"))
    stop = iso_date(validity.text("to"))
    return (start is None or start <= today) and (stop is None or stop >= today)


def _is_ad(user: JsonAt) -> bool:
    user.mapping()
    system = user.get("itsystem")
    if system.is_null():
        return False
    keys = (normalise_header(system.text("user_key")), normalise_header(system.text("name")))
    return any(k in _AD_SYSTEMS or "activedirectory" in k for k in keys if k)


def _scope(address: JsonAt) -> str:
    address.mapping()
    kind = address.get("address_type")
    return kind.text("scope").upper() if not kind.is_null() else ""


def _owner(address: JsonAt) -> JsonAt | None:
    """The it-user an address sits on (``ituser`` may be an object or a list), or None."""
    owner = address.get("ituser")
    if owner.is_null():
        return None
    if isinstance(owner.value, list):
        return next(iter(owner.items()), None)
    owner.mapping()
    return owner


def _same_user(owner: JsonAt, user: JsonAt) -> bool:
    owner_uuid, user_uuid = owner.text("uuid"), user.text("uuid")
    if owner_uuid and user_uuid:
        return canonical_uuid(owner_uuid) == canonical_uuid(user_uuid)
    return bool(owner.text("user_key")) and owner.text("user_key") == user.text("user_key")


def _user_phones(addresses: list[JsonAt], user: JsonAt) -> list[PhoneEntry]:
    """The person's phones and this it-user's; an address listed in both places counts once."""
    return list(dict.fromkeys(_all_user_phones(addresses, user)))


def _all_user_phones(addresses: list[JsonAt], user: JsonAt) -> Iterator[PhoneEntry]:
    for address in addresses:
        owner = _owner(address)
        if owner is None:
            phone = _phone(address, "person")
        elif _same_user(owner, user):
            phone = _phone(address, "it_user")
        else:
            continue  # sits on another of the employee's it-users
        if phone is not None:
            yield phone
    for address in user.get("addresses").items():
        phone = _phone(address, "it_user")
        if phone is not None:
            yield phone


def _phone(address: JsonAt, owner: str) -> PhoneEntry | None:
    if _scope(address) != "PHONE":
        return None
    raw = address.text("value", "name")
    if not raw:
        return None
    kind = address.get("address_type")
    visibility = address.get("visibility")
    return PhoneEntry(
        raw=raw,
        type=kind.text("user_key") or canonical_uuid(kind.text("uuid")),
        visibility=visibility.text("scope").upper() if not visibility.is_null() else "",
        owner=owner,
    )
