"""Read KOMBIT's KLIK user export (xlsx, xls, ods or CSV) into :class:`KlikExport`.

The export's columns are not documented, so headers are matched from known
variants and the user can override with ``--map felt="Overskrift"``. Rows are
grouped into one :class:`KlikUser` per user: exports come both as one row per
user with a role list and as one row per user-role.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from telefonspor.model import Finding, InputFile, KlikExport, KlikUser
from telefonspor.sources.tabular import Table, open_table

__all__ = ["FIELD_LABELS", "HEADER_VARIANTS", "PROGRESS_EVERY", "read_klik"]

#: field -> accepted header texts (matched ignoring case, spaces and punctuation).
HEADER_VARIANTS: Final[Mapping[str, tuple[str, ...]]] = {
    "user": ("Brugernavn", "Bruger-id", "BrugerID", "Brugernavn (AD)", "Bruger", "Brugerkonto"),
    "name": ("Navn", "Fulde navn", "Fuldt navn"),
    "email": ("E-mail", "Email", "Mail", "E-mailadresse", "Emailadresse"),
    "direct": (
        "Direkte nummer",
        "Direkte telefon",
        "Fastnet telefon",
        "Fastnettelefon",
        "Telefon",
        "Direkte nr.",
        "Fastnetnummer",
    ),
    "mobile": ("Mobil nummer", "Mobilnummer", "Mobil", "Mobiltelefon", "Mobil nr."),
    "roles": ("Rolle", "Roller", "Tildelte roller", "Rollenavn", "Brugerroller"),
    "unit": ("Enhed", "Afdeling", "Organisation", "Organisationsenhed"),
    "municipality": ("Kommune", "Myndighed"),
}

#: Danish names of the fields, for messages and the README.
FIELD_LABELS: Final[Mapping[str, str]] = {
    "user": "brugernavn",
    "name": "navn",
    "email": "e-mail",
    "direct": "Direkte nummer",
    "mobile": "Mobil nummer",
    "roles": "roller",
    "unit": "enhed",
    "municipality": "kommune",
}

_REQUIRED: Final = (("user", "email", "name"), ("direct", "mobile"))
#: How often ``progress`` is told the number of rows read.
PROGRESS_EVERY: Final = 10_000
_ROLE_SPLIT: Final = re.compile(r"[;,\n\r]+")
_NON_DIGITS: Final = re.compile(r"\D+")


@dataclass
class _Builder:
    """A user while its rows are merged."""

    key: str
    user_name: str
    name: str
    email: str
    unit: str
    municipality: str
    direct: str
    mobile: str
    row: int
    roles: dict[str, None] = field(default_factory=dict)  # ordered set
    direct_rows: list[int] = field(default_factory=list)
    mobile_rows: list[int] = field(default_factory=list)

    def build(self) -> KlikUser:
        return KlikUser(
            user_id=self.key,
            name=self.name,
            email=self.email,
            unit=self.unit,
            municipality=self.municipality,
            roles=tuple(self.roles),
            direct_raw=self.direct,
            mobile_raw=self.mobile,
            row=self.row,
            user_name=self.user_name,
        )


def read_klik(
    path: Path,
    *,
    overrides: Mapping[str, str] = {},
    sheet: str = "",
    progress: Callable[[int], None] | None = None,
) -> KlikExport:
    """Read a KLIK user export; raises :class:`~telefonspor.errors.InputError` for unusable files."""
    path = Path(path)
    table = open_table(
        path,
        HEADER_VARIANTS,
        required=_REQUIRED,
        overrides=overrides,
        sheet=sheet,
        what="KLIK-eksporten",
    )
    has_roles = "roles" in table.columns
    users: dict[str, _Builder] = {}
    findings: list[Finding] = []
    read = 0
    for number, cells in table.rows():
        read += 1
        if progress is not None and read % PROGRESS_EVERY == 0:
            progress(read)
        _add_row(users, findings, table, number, cells, has_roles)
    if progress is not None:
        progress(read)
    built = tuple(b.build() for b in users.values())
    if not has_roles:
        built = tuple(_with_unnamed_role(u) for u in built)
    return KlikExport(
        users=built,
        file=InputFile(
            path=str(path), kind="klik", sha256=_sha256(path), sheet=table.sheet, rows=read
        ),
        has_roles_column=has_roles,
        columns={name: table.headers[index] for name, index in table.columns.items()},
        findings=tuple(findings),
    )


def _with_unnamed_role(user: KlikUser) -> KlikUser:
    return KlikUser(
        user_id=user.user_id,
        name=user.name,
        email=user.email,
        unit=user.unit,
        municipality=user.municipality,
        roles=("",),
        direct_raw=user.direct_raw,
        mobile_raw=user.mobile_raw,
        row=user.row,
        user_name=user.user_name,
    )


def _add_row(
    users: dict[str, _Builder],
    findings: list[Finding],
    table: Table,
    number: int,
    cells: tuple[str, ...],
    has_roles: bool,
) -> None:
    columns = table.columns

    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index].strip() if index is not None else ""

    user_name, email, name = cell("user"), cell("email"), cell("name")
    key = user_name or email or name
    if not key:
        return  # a row with phones or roles but nobody to hold them: nothing to audit
    direct_index, mobile_index = columns.get("direct"), columns.get("mobile")
    direct = cells[direct_index] if direct_index is not None else ""
    mobile = cells[mobile_index] if mobile_index is not None else ""
    folded = key.casefold()
    builder = users.get(folded)
    if builder is None:
        builder = _Builder(
            key=key,
            user_name=user_name,
            name=name,
            email=email,
            unit=cell("unit"),
            municipality=cell("municipality"),
            direct=direct,
            mobile=mobile,
            row=number,
        )
        users[folded] = builder
    else:
        builder.name = builder.name or name
        builder.email = builder.email or email
        builder.unit = builder.unit or cell("unit")
        builder.municipality = builder.municipality or cell("municipality")
        builder.direct = _merge_phone(findings, table, builder, "direct", direct, number)
        builder.mobile = _merge_phone(findings, table, builder, "mobile", mobile, number)
    if direct.strip():
        builder.direct_rows.append(number)
    if mobile.strip():
        builder.mobile_rows.append(number)
    if has_roles:
        for role in _ROLE_SPLIT.split(cell("roles")):
            role = role.strip()
            if role:
                builder.roles.setdefault(role, None)


def _merge_phone(
    findings: list[Finding],
    table: Table,
    builder: _Builder,
    slot: str,
    value: str,
    number: int,
) -> str:
    """The kept value of a slot when another row of the same user arrives: first non-empty wins."""
    kept = builder.direct if slot == "direct" else builder.mobile
    if not value.strip():
        return kept
    if not kept.strip():
        return value
    if _NON_DIGITS.sub("", value) != _NON_DIGITS.sub("", kept):  # "33663366" == "33 66 33 66"
        first_row = (builder.direct_rows if slot == "direct" else builder.mobile_rows)[0]
        findings.append(
            Finding(
                code="conflicting_rows",
                message=(
                    f"{builder.key} har forskellige værdier i {FIELD_LABELS[slot]} "
                    f"(kolonne {table.column_letter(slot)}): række {first_row} og række {number}. "
                    f"Værdien fra række {first_row} er brugt."
                ),
                field=slot,
                row=number,
                user_id=builder.key,
                system="klik",
            )
        )
    return kept


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
