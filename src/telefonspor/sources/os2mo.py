"""Read OS2mo employees saved from its GraphQL API.

Accepted shapes: the answer of an ``employees`` (GraphQL v22-v25) or ``persons``
(v26 and later) query (``{"data": {"employees"|"persons": {"objects": [...]}}}``,
each object holding ``current``, ``validities`` or ``objects``), a list of such
answers (pages), or a plain list of employees. Related objects may come as the
old lists (``addresses``, ``itusers``, ``engagements``, ``address_type``, ...) or
as the paged ``*_response`` fields that replace them from v25.

Each AD it-user of an employee (it-system user_key or name in
``os2mo.it_system_user_keys``, upstream default "Active Directory") becomes one
record; its phones are the employee's own phone addresses plus those sitting on
that it-user, with the owner recorded so the export rules can replay both modes.
The record's FK-ORG UUID is the ``external_id`` of the employee's "FK-ORG-UUID"
it-user whose ``user_key`` is the AD it-user's ``external_id`` (what the export's
new mode writes back), else the AD it-user's ``external_id`` (objectGUID).

A phone's ``type`` is the address type's ``user_key`` (its UUID when there is
no user_key) and ``type_uuid`` the class UUID: ``os2mo.*_scope_classes`` are
matched on the UUID, as upstream does, or on the user_key.

Flags: ``no_engagement`` when the person has no current engagement (the old
mode skips them); ``no_it_user_engagement`` when the AD it-user has no current
or future engagement (the new mode skips it). When the it-user carries no
engagement field at all, the person's engagements stand in for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any, Final

from telefonspor.model import PhoneEntry, SourceData, SourceRecord
from telefonspor.settings import SOURCE_KINDS, Key, Settings, defaults
from telefonspor.sources.common import canonical_uuid, input_file, iso_date
from telefonspor.sources.jsonfile import JsonAt, load_json

__all__ = ["read_os2mo", "records_from_employees"]

KIND: Final = "os2mo"
#: The it-system the export's new mode keeps FK-ORG user UUIDs in (upstream queries.graphql).
FK_ORG_SYSTEMS: Final = frozenset({"fk-org-uuid", "fk-org uuid"})
_TOP_LEVEL: Final = ("employees", "persons")


def read_os2mo(path: Path, *, options: Mapping[str, Any], settings: Settings) -> SourceData:
    """Read a saved OS2mo GraphQL answer (see the module docstring for the shapes)."""
    root = JsonAt(load_json(path, what="OS2mo-filen"), str(path))
    today = date.today()
    systems = _it_systems(settings)
    records: list[SourceRecord] = []
    for employee in _employees(root, today):
        records.extend(_employee_records(employee, origin=path.name, today=today, systems=systems))
    return SourceData(
        kind=KIND,
        position=SOURCE_KINDS[KIND],
        records=tuple(records),
        origin=str(path),
        files=(input_file(path, KIND, rows=len(records)),),
    )


def records_from_employees(
    employees: Iterable[Mapping[str, object]],
    *,
    origin: str,
    today: date | None = None,
    settings: Settings | None = None,
) -> list[SourceRecord]:
    """Records of OS2mo employees (one validity each, raw GraphQL JSON)."""
    day = today or date.today()
    systems = _it_systems(settings or defaults())
    records: list[SourceRecord] = []
    for index, employee in enumerate(employees):
        node = JsonAt(employee, origin, f"employees[{index}]")
        records.extend(_employee_records(node, origin=origin, today=day, systems=systems))
    return records


def _it_systems(settings: Settings) -> frozenset[str]:
    return frozenset(k.strip().casefold() for k in settings.get(Key.OS2MO_IT_SYSTEM_USER_KEYS))


# --- shapes -------------------------------------------------------------------------------


def _employees(root: JsonAt, today: date) -> Iterator[JsonAt]:
    if isinstance(root.value, list):
        for item in root.items():
            if isinstance(item.value, Mapping) and (
                item.has("data") or any(item.has(n) for n in _TOP_LEVEL)
            ):
                yield from _employees(item, today)
            else:
                yield from _unwrap(item, today)
        return
    node = root.get("data") if root.has("data") else root
    name = next((n for n in _TOP_LEVEL if not node.is_null() and node.has(n)), "")
    if not name:
        errors = root.get("errors")
        detail = f" (GraphQL-fejl: {_first_error(errors)})" if not errors.is_null() else ""
        raise root.fail(
            'forventede et OS2mo-svar med "data.employees" eller "data.persons" '
            "eller en liste af medarbejdere" + detail
        )
    employees = node.get(name)
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


def _related(node: JsonAt, old: str, paged: str) -> list[JsonAt]:
    """Related objects from the old list field (``addresses``) or its paged ``*_response``.

    Paged responses give each object's ``current``, or all its ``validities`` (a
    query asking for current and future engagements reads validities).
    """
    node.mapping()
    if node.has(paged) and not node.get(paged).is_null():
        found: list[JsonAt] = []
        for item in node.get(paged).get("objects").items():
            found.extend(_versions(item))
        return found
    value = node.get(old)
    found = []
    for item in value.items():
        # v25's ITUser.engagements lists EngagementResponse objects, not engagements.
        is_response = isinstance(item.value, Mapping) and (
            item.has("current") or item.has("validities")
        )
        found.extend(_versions(item) if is_response else [item])
    return found


def _versions(item: JsonAt) -> list[JsonAt]:
    item.mapping()
    if item.has("validities") or item.has("objects"):
        name = "validities" if item.has("validities") else "objects"
        return list(item.get(name).items())
    current = item.get("current")
    return [] if current.is_null() else [current]


def _one(node: JsonAt, old: str, paged: str) -> JsonAt:
    """A related object from the old field (``address_type``) or its ``*_response.current``."""
    node.mapping()
    if node.has(paged) and not node.get(paged).is_null():
        response = node.get(paged)
        response.mapping()
        return response.get("current")
    return node.get(old)


# --- one employee -----------------------------------------------------------------------


def _employee_records(
    employee: JsonAt, *, origin: str, today: date, systems: frozenset[str]
) -> list[SourceRecord]:
    employee.mapping()
    name = employee.text("name") or " ".join(
        p for p in (employee.text("given_name", "givenname"), employee.text("surname")) if p
    )
    person_key = canonical_uuid(employee.text("uuid"))
    engagements = _related(employee, "engagements", "engagements_response")
    current = [e for e in engagements if _current(e, today)]
    ahead = any(_current_or_future(e, today) for e in engagements)
    employee_id = next((e.text("user_key") for e in current if e.text("user_key")), "")
    flags = frozenset() if current else frozenset({"no_engagement"})
    addresses = _related(employee, "addresses", "addresses_response")
    email = next((a.text("value") for a in addresses if _scope(a) == "EMAIL"), "")
    itusers = _related(employee, "itusers", "itusers_response")
    ad_users = [u for u in itusers if _system(u) & systems]
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
                flags=flags | ({"no_it_user_engagement"} if not ahead else set()),
                location=f"{origin} {employee.at}".strip(),
            )
        ]
    fk_org = _fk_org_uuids(itusers)
    records = []
    for user in ad_users:
        guid = canonical_uuid(user.text("external_id"))
        records.append(
            SourceRecord(
                system=KIND,
                user_id=user.text("user_key"),
                uuid=fk_org.get(guid, guid),
                person_key=person_key,
                employee_id=employee_id,
                email=email,
                name=name,
                phones=tuple(_user_phones(addresses, user)),
                active=bool(current),
                flags=flags | _it_user_flags(user, ahead, today),
                location=f"{origin} {user.at}".strip(),
            )
        )
    return records


def _it_user_flags(user: JsonAt, person_ahead: bool, today: date) -> frozenset[str]:
    """``no_it_user_engagement`` unless the it-user has a current or future engagement."""
    carries = any(user.has(n) for n in ("engagement", "engagements", "engagements_responses"))
    if carries:
        engagements = _related(user, "engagement", "engagements_responses")
        if not engagements:
            engagements = _related(user, "engagements", "engagements_responses")
        ahead = any(_current_or_future(e, today) for e in engagements)
    else:
        ahead = person_ahead  # no engagement field on the it-user: the person's stand in
    return frozenset() if ahead else frozenset({"no_it_user_engagement"})


def _fk_org_uuids(itusers: list[JsonAt]) -> dict[str, str]:
    """AD objectGUID -> FK-ORG user UUID, from the "FK-ORG-UUID" it-users."""
    found: dict[str, str] = {}
    for user in itusers:
        if _system(user) & FK_ORG_SYSTEMS:
            key, value = canonical_uuid(user.text("user_key")), user.text("external_id")
            if key and value:
                found.setdefault(key, canonical_uuid(value))
    return found


def _validity(engagement: JsonAt) -> tuple[date | None, date | None] | None:
    engagement.mapping()
    validity = engagement.get("validity")
    if validity.is_null():
        return None
    return iso_date(validity.text("from")), iso_date(validity.text("to"))


def _current(engagement: JsonAt, today: date) -> bool:
    dates = _validity(engagement)
    if dates is None:
        return True  # a `current` query returns only current engagements, without dates
    start, stop = dates
    return (start is None or start <= today) and (stop is None or stop >= today)


def _current_or_future(engagement: JsonAt, today: date) -> bool:
    dates = _validity(engagement)
    return dates is None or dates[1] is None or dates[1] >= today


def _system(user: JsonAt) -> set[str]:
    """The it-user's it-system user_key and name, case-folded."""
    user.mapping()
    system = _one(user, "itsystem", "itsystem_response")
    if system.is_null():
        return set()
    return {k.casefold() for k in (system.text("user_key"), system.text("name")) if k}


def _scope(address: JsonAt) -> str:
    address.mapping()
    kind = _one(address, "address_type", "address_type_response")
    return kind.text("scope").upper() if not kind.is_null() else ""


def _owner(address: JsonAt) -> JsonAt | None:
    """The it-user an address sits on (``ituser`` may be an object or a list), or None."""
    owner = _one(address, "ituser", "ituser_response")
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
    for address in _related(user, "addresses", "addresses_response"):
        phone = _phone(address, "it_user")
        if phone is not None:
            yield phone


def _phone(address: JsonAt, owner: str) -> PhoneEntry | None:
    if _scope(address) != "PHONE":
        return None
    raw = address.text("value", "name")
    if not raw:
        return None
    kind = _one(address, "address_type", "address_type_response")
    visibility = _one(address, "visibility", "visibility_response")
    type_uuid = canonical_uuid(kind.text("uuid"))
    return PhoneEntry(
        raw=raw,
        type=kind.text("user_key") or type_uuid,
        visibility=visibility.text("scope").upper() if not visibility.is_null() else "",
        owner=owner,
        type_uuid=type_uuid,
    )
