"""Read Active Directory accounts from a PowerShell CSV export or an LDIF file.

CSV: ``Get-ADUser -Filter * -Properties ... | Export-Csv`` (any column order,
optional ``#TYPE`` first line, ``;`` or ``,``). LDIF: ``ldapsearch`` output.
Both become attribute mappings that :func:`record_from_attributes` turns into
one :class:`SourceRecord` per account; the live LDAP connector uses the same
function, so a file and a live read give identical records.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

from telefonspor.model import PhoneEntry, SourceData, SourceRecord
from telefonspor.settings import SOURCE_KINDS, Key, Settings
from telefonspor.sources.common import (
    canonical_uuid,
    guid_from_bytes,
    input_file,
    truthy,
    without_gc,
)
from telefonspor.sources.ldif import looks_like_ldif, read_ldif
from telefonspor.sources.tabular import Table, open_table

__all__ = ["PHONE_ATTRIBUTES", "read_ad", "record_from_attributes"]

KIND: Final = "ad"

#: Canonical LDAP phone attributes, in the order their entries are listed.
PHONE_ATTRIBUTES: Final = (
    "telephoneNumber",
    "mobile",
    "ipPhone",
    "pager",
    "homePhone",
    "otherTelephone",
    "otherMobile",
    "otherIpPhone",
    "otherPager",
    "otherHomePhone",
)
#: PowerShell's friendly property names -> the LDAP attribute they show.
_ALIASES: Final = {
    "officephone": "telephoneNumber",
    "mobilephone": "mobile",
    "homephone": "homePhone",
}
#: What PowerShell writes for a multi-valued property exported without ``-join``.
_COLLECTION_TYPE: Final = "microsoft.activedirectory.management.adpropertyvaluecollection"
#: Multi-valued cells joined by ``-join ';'`` (or newlines, or '|').
_MULTI_SPLIT: Final = re.compile(r"[;|\r\n]+")
_UAC_DISABLED: Final = 0x2

#: CSV fields (PowerShell names first) -> accepted headers.
_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "sAMAccountName": ("SamAccountName", "sAMAccountName", "Brugernavn"),
    "uid": ("uid",),
    "objectGUID": ("ObjectGUID", "GUID"),
    "Enabled": ("Enabled", "Aktiv"),
    "userAccountControl": ("userAccountControl",),
    "mail": ("mail",),
    "EmailAddress": ("EmailAddress",),
    "userPrincipalName": ("UserPrincipalName", "UPN"),
    "displayName": ("DisplayName",),
    "name": ("Name",),
    "cn": ("cn", "CN"),
    "employeeID": ("EmployeeID",),
    "employeeNumber": ("EmployeeNumber",),
    "OfficePhone": ("OfficePhone",),
    "MobilePhone": ("MobilePhone",),
    "HomePhone": ("HomePhone",),
    **{name: (name,) for name in PHONE_ATTRIBUTES if name != "homePhone"},
}
_REQUIRED: Final = (("sAMAccountName", "uid", "userPrincipalName", "objectGUID"),)


@without_gc
def read_ad(path: Path, *, options: Mapping[str, Any], settings: Settings) -> SourceData:
    """Read an AD export (CSV/XLSX or LDIF, detected from the content)."""
    user_id_attribute = settings.get(Key.AD_USER_ID_ATTRIBUTE)
    if path.is_file() and looks_like_ldif(path):
        return _read_ldif(path, user_id_attribute)
    return _read_table(path, options, user_id_attribute)


def _read_table(path: Path, options: Mapping[str, Any], user_id_attribute: str) -> SourceData:
    fields = dict(_FIELDS)
    if user_id_attribute.casefold() not in {f.casefold() for f in fields}:
        fields[user_id_attribute] = (user_id_attribute,)
    table = open_table(
        path,
        fields,
        required=_REQUIRED,
        overrides=_overrides(options),
        sheet=str(options.get("sheet", "")),
        what="AD-eksporten",
    )
    collection_columns: set[str] = set()
    records = _table_records(table, user_id_attribute, collection_columns)
    notes = tuple(
        f"Kolonnen {name} i {path.name} indeholder PowerShells typenavn i stedet for numrene; "
        f"eksportér den med @{{n='{name}';e={{$_.{name} -join ';'}}}}."
        for name in sorted(collection_columns)
    )
    return SourceData(
        kind=KIND,
        position=SOURCE_KINDS[KIND],
        records=tuple(records),
        origin=str(path),
        notes=notes,
        files=(input_file(path, KIND, sheet=table.sheet, rows=len(records)),),
    )


#: The attributes a record reads (folded), in the order a row is unpacked by
#: :func:`_record_from_row`; the user id attribute goes first and the phone sources last.
_ROW_KEYS: Final = (
    "samaccountname",
    "uid",
    "objectguid",
    "entryuuid",
    "enabled",
    "useraccountcontrol",
    "employeeid",
    "employeenumber",
    "mail",
    "emailaddress",
    "userprincipalname",
    "displayname",
    "name",
    "cn",
)


def _table_records(
    table: Table, user_id_attribute: str, collection_columns: set[str]
) -> list[SourceRecord]:
    """Records by column position: the header is mapped once, each row is one tuple unpacked.

    Same records as :func:`record_from_attributes` (tests/perf_equivalence): every cell is a
    single text, so its name folding and value lists have nothing to do. The mapped fields'
    names fold to distinct keys (``_FIELDS`` does, and the user id attribute is only added
    when it is not there yet), so each key has one column.
    """
    by_key = {name.casefold(): name for name in table.columns}
    names = tuple(table.columns)
    phone_sources = tuple(source for source in _PHONE_SOURCES if source[0] in by_key)
    keys = (user_id_attribute.casefold(), *_ROW_KEYS, *(source[0] for source in phone_sources))
    read = [by_key.get(key, "") for key in keys]  # "" is no column: it reads as ""
    fields = read + [name for name in names if name not in read]  # every column is checked
    phones = tuple((canonical, multi) for _, canonical, multi in phone_sources)
    canonicals = [canonical for canonical, _ in phones]
    # No multi-valued column and no type twice (OfficePhone next to telephoneNumber): each
    # phone text is one entry as it stands, nothing to split or count once.
    plain = not any(multi for _, multi in phones) and len(set(canonicals)) == len(canonicals)
    file_name = table.path.name
    records: list[SourceRecord] = []
    for number, texts in table.field_texts(fields):
        if _COLLECTION_TYPE in "\n".join(texts).casefold():  # rare: one test for the row
            texts = _without_collections(texts, fields, table, collection_columns)
        records.append(_record_from_row(texts, f"{file_name} række {number}", phones, plain))
    return records


def _without_collections(
    texts: tuple[str, ...], fields: list[str], table: Table, collection_columns: set[str]
) -> tuple[str, ...]:
    """The row with PowerShell's type name blanked out, noting the columns that held it."""
    out = []
    for field, text in zip(fields, texts, strict=True):
        if text.casefold() == _COLLECTION_TYPE:
            collection_columns.add(table.header_of(field))
            text = ""
        out.append(text)
    return tuple(out)


def _read_ldif(path: Path, user_id_attribute: str) -> SourceData:
    records = []
    for entry in read_ldif(path):
        attrs: dict[str, object] = {}
        for name, values in entry.attributes.items():
            attrs[name] = values[0] if len(values) == 1 else list(values)
        records.append(
            record_from_attributes(
                attrs,
                location=f"{path.name} linje {entry.line}",
                user_id_attribute=user_id_attribute,
            )
        )
    return SourceData(
        kind=KIND,
        position=SOURCE_KINDS[KIND],
        records=tuple(records),
        origin=str(path),
        files=(input_file(path, KIND, rows=len(records)),),
    )


def _overrides(options: Mapping[str, Any]) -> dict[str, str]:
    mapping = options.get("map", {})
    return {str(k): str(v) for k, v in mapping.items()} if isinstance(mapping, Mapping) else {}


# --- attributes -> record ------------------------------------------------------------


def record_from_attributes(
    attrs: Mapping[str, object], *, location: str, user_id_attribute: str
) -> SourceRecord:
    """One AD account from its attributes (names in any case; values text, bytes or lists).

    Phone entries keep the canonical LDAP attribute name as their type;
    PowerShell's ``OfficePhone``/``MobilePhone`` count as
    ``telephoneNumber``/``mobile``. Which attribute feeds which slot is the
    rules' business (``ad.direct_attribute``/``ad.mobile_attribute``).
    """
    values = _by_name(attrs)
    user_id = _first(values, user_id_attribute, "sAMAccountName", "uid")
    guid = _guid(values)
    disabled = _disabled(values)
    return SourceRecord(
        system=KIND,
        user_id=user_id,
        uuid=guid,
        employee_id=_first(values, "employeeID", "employeeNumber"),
        email=_first(values, "mail", "EmailAddress", "userPrincipalName"),
        name=_first(values, "displayName", "name", "cn"),
        phones=tuple(_phones(values)),
        active=not disabled,
        flags=frozenset({"disabled"}) if disabled else frozenset(),
        location=location,
    )


#: (source attribute folded, canonical type, multi-valued) in the order entries are listed.
_PHONE_SOURCES: Final = tuple(
    (name.casefold(), _ALIASES.get(name.casefold(), name), name.startswith("other"))
    for name in (*PHONE_ATTRIBUTES, "OfficePhone", "MobilePhone")
)


def _record_from_row(
    texts: tuple[str, ...],
    location: str,
    phones_plan: tuple[tuple[str, bool], ...],
    plain: bool = False,
) -> SourceRecord:
    """:func:`record_from_attributes` for one stripped text per :data:`_ROW_KEYS` position
    ("" when empty or absent), followed by one per phone source in ``phones_plan``;
    ``plain``: no source in the plan is multi-valued and no type comes twice."""
    (
        user_attribute,
        sam_account_name,
        uid,
        object_guid,
        entry_uuid,
        enabled,
        control,
        employee_id,
        employee_number,
        mail,
        email_address,
        principal_name,
        display_name,
        name,
        cn,
        *phone_texts,
    ) = texts
    if enabled:
        disabled = _DISABLED_BY_ENABLED.get(enabled)
        if disabled is None:
            disabled = not truthy(enabled)
            if len(_DISABLED_BY_ENABLED) < _CACHE_LIMIT:
                _DISABLED_BY_ENABLED[enabled] = disabled
    else:
        disabled = _is_flag_number(control) and bool(int(control) & _UAC_DISABLED)
    # not strict: columns no record reads may follow the phones (they are only checked)
    if plain:
        phones: list[PhoneEntry] = [
            PhoneEntry(text, canonical)
            for text, (canonical, _) in zip(phone_texts, phones_plan, strict=False)
            if text
        ]
    else:
        phones = _phone_entries(phone_texts, phones_plan)
    guid_text = object_guid or entry_uuid
    return SourceRecord(
        system=KIND,
        user_id=user_attribute or sam_account_name or uid,
        uuid=canonical_uuid(guid_text) if guid_text else "",
        employee_id=employee_id or employee_number,
        email=mail or email_address or principal_name,
        name=display_name or name or cn,
        phones=tuple(phones),
        active=not disabled,
        flags=_DISABLED_FLAGS if disabled else _NO_FLAGS,
        location=location,
    )


def _phone_entries(
    phone_texts: list[str], phones_plan: tuple[tuple[str, bool], ...]
) -> list[PhoneEntry]:
    phones: list[PhoneEntry] = []
    seen: set[tuple[str, str]] = set()
    for text, (canonical, multi) in zip(phone_texts, phones_plan, strict=False):
        if not text:
            continue
        for part in _MULTI_SPLIT.split(text) if multi else (text,):
            raw = part.strip()
            # PowerShell exports telephoneNumber and OfficePhone both: count it once.
            if raw and (canonical, raw) not in seen:
                seen.add((canonical, raw))
                phones.append(PhoneEntry(raw=raw, type=canonical))
    return phones


#: An Enabled cell's text -> disabled; exports hold a few spellings ("True", "False").
_DISABLED_BY_ENABLED: dict[str, bool] = {}
_CACHE_LIMIT: Final = 1_000  # bounded: a hostile file cannot grow it without end
_DISABLED_FLAGS: Final = frozenset({"disabled"})
_NO_FLAGS: Final[frozenset[str]] = frozenset()


def _by_name(attrs: Mapping[str, object]) -> dict[str, list[object]]:
    """Case-folded name -> list of values (a value may already be a list)."""
    out: dict[str, list[object]] = {}
    for name, value in attrs.items():
        items = list(value) if isinstance(value, list | tuple) else [value]
        out.setdefault(name.casefold(), []).extend(v for v in items if v is not None)
    return out


def _texts(values: Mapping[str, list[object]], name: str) -> list[str]:
    out = []
    for value in values.get(name.casefold(), []):
        text = value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value)
        if text.strip():
            out.append(text.strip())
    return out


def _first(values: Mapping[str, list[object]], *names: str) -> str:
    for name in names:
        texts = _texts(values, name)
        if texts:
            return texts[0]
    return ""


def _guid(values: Mapping[str, list[object]]) -> str:
    for name in ("objectGUID", "entryUUID"):
        for value in values.get(name.casefold(), []):
            if isinstance(value, bytes):
                return guid_from_bytes(value)
            text = str(value).strip()
            if text:
                return canonical_uuid(text)
    return ""


def _disabled(values: Mapping[str, list[object]]) -> bool:
    enabled = _first(values, "Enabled")
    if enabled:
        return not truthy(enabled)
    control = _first(values, "userAccountControl")
    if _is_flag_number(control):
        return bool(int(control) & _UAC_DISABLED)
    return False


def _is_flag_number(text: str) -> bool:
    """ASCII digits only: "²".isdigit() is True, but int() refuses it (found by make fuzz)."""
    return text.isascii() and text.isdigit() and len(text) <= 10


def _phones(values: Mapping[str, list[object]]) -> Iterable[PhoneEntry]:
    seen: set[tuple[str, str]] = set()
    for source in (*PHONE_ATTRIBUTES, "OfficePhone", "MobilePhone"):
        canonical = _ALIASES.get(source.casefold(), source)
        for text in _texts(values, source):
            parts = _MULTI_SPLIT.split(text) if source.startswith("other") else [text]
            for part in parts:
                raw = part.strip()
                # PowerShell exports telephoneNumber and OfficePhone both: count it once.
                if raw and (canonical, raw) not in seen:
                    seen.add((canonical, raw))
                    yield PhoneEntry(raw=raw, type=canonical)
