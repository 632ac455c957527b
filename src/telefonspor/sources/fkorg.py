"""Read FK Organisation users: a CSV/XLSX list, saved GraphQL ``brugerListe`` JSON,
or a JSON list of OS2sync users.

Every variant gives phone entries typed by FK-ORG address role:
``FastnetTelefon`` (Direkte nummer) and ``Telefon`` (Mobil nummer). In the
GraphQL answer an address is mapped by its ``klassifikation.rolle`` UUID; the
title (``adresseRolleTitel``) is used only when the role is missing, because
FK-ORG leaves the title empty when its classification lookup fails.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from telefonspor.model import PhoneEntry, SourceData, SourceRecord
from telefonspor.settings import SOURCE_KINDS, Settings
from telefonspor.sources.common import canonical_uuid, input_file, without_gc
from telefonspor.sources.jsonfile import JsonAt, load_json, looks_like_json
from telefonspor.sources.tabular import normalise_header, open_table

__all__ = [
    "DIRECT",
    "MOBILE",
    "ROLE_UUIDS",
    "read_fkorg",
    "records_from_graphql_nodes",
    "records_from_os2sync_users",
]

KIND: Final = "fkorg"
DIRECT: Final = "FastnetTelefon"
MOBILE: Final = "Telefon"
_EMAIL: Final = "Email"
#: FK-ORG user address roles (OS2sync's constants), see DOMAIN.md.
ROLE_UUIDS: Final[Mapping[str, str]] = {
    "47c05422-5379-4c27-9ddf-e02b52b3d961": DIRECT,
    "5ef6be2d-59f4-4652-a680-585929924ba9": MOBILE,
    "5d13e891-162a-456b-abf2-fd9b864df96d": _EMAIL,
    "ad04ac80-e24a-45a5-9dd9-8537a916ac74": "Lokation",
}
_TITLES: Final = {normalise_header(t): t for t in (DIRECT, MOBILE, _EMAIL)} | {
    "email": _EMAIL,
    "epost": _EMAIL,
}

_TABLE_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "user": ("brugernavn", "UserId", "Bruger", "user_id", "SamAccountName"),
    "uuid": ("uuid", "Bruger-UUID", "BrugerUuid", "ObjectGUID"),
    "direct": ("FastnetTelefon", "Direkte nummer", "Landline", "Fastnet"),
    "mobile": ("Telefon", "Mobil nummer", "PhoneNumber", "Mobil", "Mobilnummer"),
    "name": ("navn", "Name", "Personnavn", "Fulde navn"),
    "email": ("email", "e-mail", "mail", "E-mailadresse"),
    "status": ("status", "tilstand"),
}
#: The table fields in the order each row is unpacked.
_TABLE_ORDER: Final = ("user", "uuid", "direct", "mobile", "name", "email", "status")
_INACTIVE_STATES: Final = frozenset({"INAKTIV", "INACTIVE"})


@without_gc
def read_fkorg(path: Path, *, options: Mapping[str, Any], settings: Settings) -> SourceData:
    """Read an FK-ORG export; JSON (GraphQL or OS2sync) when the file starts with ``{``/``[``."""
    if path.is_file() and looks_like_json(path):
        return _read_json(path)
    return _read_table(path, options)


# --- JSON ---------------------------------------------------------------------------------------


def _read_json(path: Path) -> SourceData:
    root = JsonAt(load_json(path, what="FK-ORG-filen"), str(path))
    records: list[SourceRecord] = []
    notes: list[str] = []
    warnings = 0
    for node in _items(root):
        if node.has("brugernavn") or node.has("adresser") or node.has("tilstand"):
            records.append(_node_record(node, origin=path.name))
        elif node.has("UserId") or node.has("PhoneNumber") or node.has("Landline"):
            records.append(_os2sync_record(node, origin=path.name))
        else:
            raise node.fail(
                "forventede en FK-ORG-bruger (brugernavn, adresser) eller en OS2sync-bruger "
                "(UserId, PhoneNumber, Landline)"
            )
    warnings += _error_count(root)
    if warnings:
        notes.append(
            f"{path.name} indeholder {warnings} GraphQL-fejl eller -advarsler; "
            "data kan være ufuldstændige (fx navne uden SeNavn-rettighed)."
        )
    return SourceData(
        kind=KIND,
        position=SOURCE_KINDS[KIND],
        records=tuple(records),
        origin=str(path),
        notes=tuple(notes),
        files=(input_file(path, KIND, rows=len(records)),),
    )


def _items(root: JsonAt) -> Iterator[JsonAt]:
    """Users in any accepted shape: answer, list of answers (pages), list of nodes/users."""
    if isinstance(root.value, Mapping):
        if root.has("data") or root.has("errors"):
            yield from _answer_nodes(root)
            return
        if root.has("edges") or root.has("brugerListe"):
            yield from _answer_nodes(JsonAt({"data": root.value}, root.file, root.at))
            return
        yield root
        return
    for item in root.items():
        item.mapping()
        if item.has("data") or item.has("errors"):
            yield from _answer_nodes(item)
        else:
            yield item


def _answer_nodes(answer: JsonAt) -> Iterator[JsonAt]:
    data = answer.get("data")
    if data.is_null():
        # FK-ORG refused the query (e.g. ValidationError) or failed: no users, not zero users.
        raise answer.fail(f'GraphQL-svaret har ingen "data" (fejl{_first_error(answer)})')
    listing = data.get("brugerListe", "brugere") if not data.has("edges") else data
    if listing.is_null():
        raise data.fail('forventede "brugerListe" i GraphQL-svaret')
    if listing.has("edges"):
        for edge in listing.get("edges").items():
            edge.mapping()
            yield edge.get("node")
    else:
        yield from listing.get("nodes").items()


def _first_error(answer: JsonAt) -> str:
    for error in answer.get("errors").items():
        if not isinstance(error.value, Mapping):
            continue
        message = error.text("message")[:200]
        extensions = error.get("extensions")
        kind = extensions.text("classification") if isinstance(extensions.value, Mapping) else ""
        detail = f"{message} ({kind})" if kind and message else message or kind
        return f": {detail}" if detail else ""
    return ""


def _error_count(root: JsonAt) -> int:
    answers = [root] if isinstance(root.value, Mapping) else list(root.items())
    return sum(
        len(list(a.get("errors").items()))
        for a in answers
        if isinstance(a.value, Mapping) and a.has("data") and a.has("errors")
    )


def records_from_graphql_nodes(
    nodes: Iterable[Mapping[str, object]], *, origin: str
) -> list[SourceRecord]:
    """Records of GraphQL ``brugerListe`` nodes; shared by the file reader and the live client."""
    return [
        _node_record(JsonAt(node, origin, f"brugerListe[{index}]"), origin=origin)
        for index, node in enumerate(nodes)
    ]


def _node_record(node: JsonAt, *, origin: str) -> SourceRecord:
    node.mapping()
    phones: list[PhoneEntry] = []
    email = ""
    for address in node.get("adresser", "addresses").items():
        role = _address_role(address)
        text = address.text("adresseTekst")
        if not text:
            continue
        if role in (DIRECT, MOBILE):
            phones.append(PhoneEntry(raw=text, type=role))
        elif role == _EMAIL and not email:
            email = text
    status = node.get("tilstand")
    state = status.text("status") if isinstance(status.value, Mapping) else status.text()
    return SourceRecord(
        system=KIND,
        user_id=node.text("brugernavn") or node.text("brugervendtNoegle"),
        uuid=canonical_uuid(node.text("uuid")),
        email=email,
        name=_person_name(node.get("person", "personer")),
        phones=tuple(phones),
        active=state.upper() != "INAKTIV",
        location=f"{origin} {node.at}".strip(),
    )


def _address_role(address: JsonAt) -> str:
    """The address's FK-ORG role: by classification UUID, by title only when it has none."""
    address.mapping()
    classification = address.get("klassifikation")
    rolle = "" if classification.is_null() else _role_uuid(classification.get("rolle"))
    if rolle:
        return ROLE_UUIDS.get(canonical_uuid(rolle), "")
    return _TITLES.get(normalise_header(address.text("adresseRolleTitel")), "")


def _role_uuid(rolle: JsonAt) -> str:
    # KOMBIT's schema has rolle: UUID!; rolle { uuid } is tolerated in hand-made files.
    if isinstance(rolle.value, Mapping):
        return rolle.text("uuid")
    return rolle.text()


def _person_name(person: JsonAt) -> str:
    if isinstance(person.value, list):
        first = next(iter(person.items()), None)
        return _person_name(first) if first is not None else ""
    if person.is_null():
        return ""
    return person.text("navn", "name")


# --- OS2sync users -----------------------------------------------------------------------------


#: OS2sync's ``Status`` enum (OS2sync/OS2sync BusinessLayer/Source/dto/read/Status.cs) is
#: serialised as an integer: 0 UNKNOWN, 1 ACTIVE, 2 INACTIVE. Names seen in older saved
#: files are still accepted. UNKNOWN (no validity state in FK-ORG) is not called inactive.
_OS2SYNC_STATUS: Final[Mapping[str, str]] = {
    "0": "UNKNOWN",
    "1": "ACTIVE",
    "2": "INACTIVE",
    "UNKNOWN": "UNKNOWN",
    "ACTIVE": "ACTIVE",
    "INACTIVE": "INACTIVE",
    "INAKTIV": "INACTIVE",
    "PASSIVE": "INACTIVE",
    "DELETED": "INACTIVE",
}


def records_from_os2sync_users(
    users: Iterable[Mapping[str, object]], *, origin: str
) -> list[SourceRecord]:
    """Records of OS2sync user JSON (``/api/user/{uuid}`` or ``/api/hierarchy`` users)."""
    return [
        _os2sync_record(JsonAt(user, origin, f"[{index}]"), origin=origin)
        for index, user in enumerate(users)
    ]


def _os2sync_record(user: JsonAt, *, origin: str) -> SourceRecord:
    user.mapping()
    phones = []
    landline = user.text("Landline")
    if landline:
        phones.append(PhoneEntry(raw=landline, type=DIRECT))
    mobile = user.text("PhoneNumber", "Telephone")
    if mobile:
        phones.append(PhoneEntry(raw=mobile, type=MOBILE))
    person = user.get("Person")
    name = person.text("Name") if isinstance(person.value, Mapping) else ""
    status = _OS2SYNC_STATUS.get(user.text("Status").upper(), "")
    return SourceRecord(
        system=KIND,
        user_id=user.text("UserId"),
        uuid=canonical_uuid(user.text("Uuid")),
        email=user.text("Email"),
        name=name or user.text("Name"),
        phones=tuple(phones),
        active=status != "INACTIVE",
        location=f"{origin} {user.at}".strip(),
    )


# --- CSV / XLSX --------------------------------------------------------------------------------


def _read_table(path: Path, options: Mapping[str, Any]) -> SourceData:
    mapping = options.get("map", {})
    table = open_table(
        path,
        _TABLE_FIELDS,
        required=(("user", "uuid"), ("direct", "mobile")),
        overrides={str(k): str(v) for k, v in mapping.items()}
        if isinstance(mapping, Mapping)
        else {},
        sheet=str(options.get("sheet", "")),
        what="FK-ORG-filen",
    )
    records = []
    name_of_file = path.name
    for number, (user, uuid, direct, mobile, name, email, status) in table.field_texts(
        _TABLE_ORDER
    ):
        phones = []
        if direct:
            phones.append(PhoneEntry(raw=direct, type=DIRECT))
        if mobile:
            phones.append(PhoneEntry(raw=mobile, type=MOBILE))
        records.append(
            SourceRecord(
                system=KIND,
                user_id=user,
                uuid=canonical_uuid(uuid),
                email=email,
                name=name,
                phones=tuple(phones),
                active=status.upper() not in _INACTIVE_STATES,
                location=f"{name_of_file} række {number}",
            )
        )
    return SourceData(
        kind=KIND,
        position=SOURCE_KINDS[KIND],
        records=tuple(records),
        origin=str(path),
        files=(input_file(path, KIND, sheet=table.sheet, rows=len(records)),),
    )
