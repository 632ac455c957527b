"""Read KOMBIT's KLIK user export (xlsx, xls, ods or CSV) into :class:`KlikExport`.

The export's columns are not documented, so headers are matched from known
variants and the user can override with ``--map felt="Overskrift"``. Rows are
grouped into one :class:`KlikUser` per user: exports come both as one row per
user with a role list and as one row per user-role.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import islice
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


class _Builder:
    """A user while its rows are merged."""

    __slots__ = (
        "direct",
        "direct_rows",
        "email",
        "key",
        "mobile",
        "mobile_rows",
        "municipality",
        "name",
        "roles",
        "row",
        "unit",
        "user_name",
    )

    def __init__(
        self,
        key: str,
        user_name: str,
        name: str,
        email: str,
        unit: str,
        municipality: str,
        direct: str,
        mobile: str,
        row: int,
    ) -> None:
        self.key = key
        self.user_name = user_name
        self.name = name
        self.email = email
        self.unit = unit
        self.municipality = municipality
        self.direct = direct
        self.mobile = mobile
        self.row = row
        self.roles: dict[str, None] = {}  # ordered set
        self.direct_rows: list[int] = []
        self.mobile_rows: list[int] = []

    def build(self, roles: tuple[str, ...] | None = None) -> KlikUser:
        return KlikUser(
            self.key,
            self.name,
            self.email,
            self.unit,
            self.municipality,
            tuple(self.roles) if roles is None else roles,
            self.direct,
            self.mobile,
            self.row,
            self.user_name,
        )


#: A user's first row: (key, user name, name, e-mail, unit, municipality, direct, mobile,
#: roles, row number); the cells as written, names stripped.
_FirstRow = tuple[str, str, str, str, str, str, str, str, str, int]


#: The fields a row is read for, in the order :func:`_add_row` takes them.
_ROW_FIELDS: Final = ("user", "email", "name", "direct", "mobile", "unit", "municipality", "roles")


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
    numbers, columns = _field_columns(table, progress)
    unnamed = None if has_roles else ("",)  # no roles column: one role without a name
    findings: list[Finding] = []
    users = _distinct_users(numbers, columns, unnamed)
    if users is None:  # some user has several rows (or a row has nobody): merge row by row
        rows = zip(numbers, zip(*columns, strict=True), strict=True)
        users = _merged_users(rows, table, findings, unnamed)
    return KlikExport(
        users=tuple(users),
        file=InputFile(
            path=str(path), kind="klik", sha256=_sha256(path), sheet=table.sheet, rows=len(numbers)
        ),
        has_roles_column=has_roles,
        columns={name: table.headers[index] for name, index in table.columns.items()},
        findings=tuple(findings),
    )


def _field_columns(
    table: Table, progress: Callable[[int], None] | None
) -> tuple[list[int], list[Sequence[str]]]:
    """(the data rows' numbers, the cells of each of :data:`_ROW_FIELDS` as a column).

    The rows are taken ``PROGRESS_EVERY`` at a time (``progress`` hears of each full batch
    and of the end, as it heard of every ``PROGRESS_EVERY``-th row) and turned into columns
    in C. A field the file has no column for reads "" in every row.
    """
    numbers: list[int] = []
    rows: list[tuple[str, ...]] = []
    source = table.rows()
    while batch := list(islice(source, PROGRESS_EVERY)):
        batch_numbers, batch_rows = zip(*batch, strict=True)
        numbers += batch_numbers
        rows += batch_rows
        if progress is not None and len(batch) == PROGRESS_EVERY:
            progress(len(numbers))
    if progress is not None:
        progress(len(numbers))
    # Every row holds at least one cell per header (rows() pads it), so no mapped column is cut.
    cells = list(zip(*rows, strict=False))
    blank = [""] * len(rows)
    indexes = [table.columns.get(name) for name in _ROW_FIELDS]
    return numbers, [blank if index is None or not rows else cells[index] for index in indexes]


def _distinct_users(
    numbers: Sequence[int], columns: Sequence[Sequence[str]], roles: tuple[str, ...] | None
) -> list[KlikUser] | None:
    """The users when every row holds its own user (the common export), built a column at a
    time; None when a row has no key or two rows share one (then ``_merged_users``).

    Gives exactly what :func:`_merged_users` gives for such rows: each row's KlikUser, in
    row order (tests/perf_equivalence/test_reader_fast_paths.py).
    """
    user_cells, email_cells, name_cells, direct, mobile, unit, municipality, role_cells = columns
    strip = str.strip
    user_names = list(map(strip, user_cells))
    emails = list(map(strip, email_cells))
    names = list(map(strip, name_cells))
    keys = [u or e or n for u, e, n in zip(user_names, emails, names, strict=True)]
    joined = "\n".join(keys)
    # ASCII without capitals is its own casefold (the usual user names): no casefold per key.
    folded = keys if joined.isascii() and joined == joined.lower() else map(str.casefold, keys)
    if "" in keys or len(set(folded)) != len(keys):
        return None
    if roles is None:
        # Few distinct role cells: each is split once, and its users share the tuple.
        split = {cell: _roles(cell) for cell in set(role_cells)}
        role_tuples: Sequence[tuple[str, ...]] = list(map(split.__getitem__, role_cells))
    else:
        role_tuples = [roles] * len(keys)
    return list(
        map(
            KlikUser,
            keys,
            names,
            emails,
            map(strip, unit),
            map(strip, municipality),
            role_tuples,
            direct,
            mobile,
            numbers,
            user_names,
        )
    )


def _merged_users(
    rows: Iterable[tuple[int, tuple[str, ...]]],
    table: Table,
    findings: list[Finding],
    roles: tuple[str, ...] | None,
) -> list[KlikUser]:
    """The users of ``rows`` (row number, :data:`_ROW_FIELDS` as written), a row at a time:
    the rows of one user merged, a conflicting phone value reported in ``findings``."""
    # Most users have one row: it waits as a tuple and becomes a KlikUser directly; a
    # second row of the same user makes a _Builder that merges them (as every row once did).
    first: dict[str, _FirstRow] = {}
    merged: dict[str, _Builder] = {}
    for number, fields in rows:
        _add_row(first, merged, findings, table, number, fields)
    return [
        _user(row, roles) if (builder := merged.get(folded)) is None else builder.build(roles)
        for folded, row in first.items()
    ]


def _user(row: _FirstRow, roles: tuple[str, ...] | None) -> KlikUser:
    """The user of a single row: what a _Builder of that row alone builds."""
    key, user_name, name, email, unit, municipality, direct, mobile, cell, number = row
    return KlikUser(
        key,
        name,
        email,
        unit.strip(),
        municipality.strip(),
        _roles(cell) if roles is None else roles,
        direct,
        mobile,
        number,
        user_name,
    )


def _roles(cell: str) -> tuple[str, ...]:
    """A roles cell's roles: split, stripped, no blanks, each once, in order."""
    # str.split where the export separates roles with ";" only (the common case).
    split = "," in cell or "\n" in cell or "\r" in cell
    parts = _ROLE_SPLIT.split(cell) if split else cell.split(";")
    roles = dict.fromkeys(map(str.strip, parts))  # an ordered set, made in C
    roles.pop("", None)
    return tuple(roles)


def _add_row(
    first: dict[str, _FirstRow],
    merged: dict[str, _Builder],
    findings: list[Finding],
    table: Table,
    number: int,
    fields: tuple[str, ...],
) -> None:
    """Keep a user's first row, or merge another row (its :data:`_ROW_FIELDS`, unstripped)
    into the user's builder."""
    user_cell, email_cell, name_cell, direct, mobile, unit, municipality, roles = fields
    user_name, email, name = user_cell.strip(), email_cell.strip(), name_cell.strip()
    key = user_name or email or name
    if not key:
        return  # a row with phones or roles but nobody to hold them: nothing to audit
    folded = key.casefold()
    row = first.get(folded)
    if row is None:
        first[folded] = (
            key,
            user_name,
            name,
            email,
            unit,
            municipality,
            direct,
            mobile,
            roles,
            number,
        )
        return
    builder = merged.get(folded)
    if builder is None:
        builder = merged[folded] = _builder(row)
    builder.name = builder.name or name
    builder.email = builder.email or email
    builder.unit = builder.unit or unit.strip()
    builder.municipality = builder.municipality or municipality.strip()
    builder.direct = _merge_phone(findings, table, builder, "direct", direct, number)
    builder.mobile = _merge_phone(findings, table, builder, "mobile", mobile, number)
    _add_rest(builder, direct, mobile, roles, number)


def _builder(row: _FirstRow) -> _Builder:
    """A builder holding a user's first row."""
    key, user_name, name, email, unit, municipality, direct, mobile, roles, number = row
    builder = _Builder(
        key, user_name, name, email, unit.strip(), municipality.strip(), direct, mobile, number
    )
    _add_rest(builder, direct, mobile, roles, number)
    return builder


def _add_rest(builder: _Builder, direct: str, mobile: str, roles: str, number: int) -> None:
    """A row's phone rows and roles, added to its user's builder."""
    if direct.strip():
        builder.direct_rows.append(number)
    if mobile.strip():
        builder.mobile_rows.append(number)
    for role in _roles(roles):
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
