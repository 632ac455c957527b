"""Reader fast paths (issue 15) give exactly what the plain code gave.

KLIK rows are picked with one ``itemgetter`` call and roles split with ``str.split`` where
only ";" separates them; spreadsheet rows of text only skip the per-cell conversion. Each
is held equal to the straightforward version it replaced.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telefonspor.model import KlikUser
from telefonspor.sources import klik
from telefonspor.sources.klik import HEADER_VARIANTS, read_klik
from telefonspor.sources.tabular import _sheet_texts, cell_text, open_table

_cell = st.one_of(
    st.text(" ;,\n\rabAB19æ+", max_size=6),
    st.floats(allow_nan=False),
    st.integers(-(10**12), 10**12),
    st.booleans(),
    st.none(),
    st.dates(),
    st.datetimes(),
    st.just(dt.timedelta(seconds=90)),
)


@given(cells=st.lists(_cell, max_size=8))
def test_sheet_texts_equal_cell_text_per_cell(cells: list[object]) -> None:
    assert _sheet_texts(cells) == tuple(cell_text(c) for c in cells)


_ROLE_SPLIT = re.compile(r"[;,\n\r]+")


def _reference_users(path: Path) -> list[KlikUser]:
    """The users as the reader built them before issue 15: a cell() per field, the regex split."""
    table = open_table(
        path, HEADER_VARIANTS, required=(("user", "email", "name"), ("direct", "mobile"))
    )
    has_roles = "roles" in table.columns
    users: dict[str, dict[str, object]] = {}
    for number, cells in table.rows():

        def cell(name: str, cells: tuple[str, ...] = cells) -> str:
            index = table.columns.get(name)
            return cells[index].strip() if index is not None else ""

        def raw(name: str, cells: tuple[str, ...] = cells) -> str:
            index = table.columns.get(name)
            return cells[index] if index is not None else ""

        user_name, email, name = cell("user"), cell("email"), cell("name")
        key = user_name or email or name
        if not key:
            continue
        user = users.get(key.casefold())
        if user is None:
            user = users[key.casefold()] = {
                "user_id": key,
                "user_name": user_name,
                "name": name,
                "email": email,
                "unit": cell("unit"),
                "municipality": cell("municipality"),
                "direct_raw": raw("direct"),
                "mobile_raw": raw("mobile"),
                "row": number,
                "roles": {},
            }
        else:
            for field, value in (
                ("name", name),
                ("email", email),
                ("unit", cell("unit")),
                ("municipality", cell("municipality")),
            ):
                user[field] = user[field] or value
            for slot, field in (("direct_raw", "direct"), ("mobile_raw", "mobile")):
                if raw(field).strip() and not str(user[slot]).strip():
                    user[slot] = raw(field)
        roles = user["roles"]
        assert isinstance(roles, dict)
        if has_roles:
            for role in _ROLE_SPLIT.split(cell("roles")):
                if role.strip():
                    roles.setdefault(role.strip(), None)
    return [
        KlikUser(**{**u, "roles": tuple(u["roles"]) if has_roles else ("",)})  # type: ignore[arg-type]
        for u in users.values()
    ]


_value = st.sampled_from(
    ["", " ", "anna", "Anna ", "BO", "bo", "x@k.dk", "33 66 33 66", "20304050"]
)
_roles = st.lists(st.sampled_from(["Rolle A", " Rolle B", "", "C"]), max_size=3).flatmap(
    lambda parts: st.sampled_from([";", ",", ";;", "\n", "; "]).map(lambda s: s.join(parts))
)


def _klik_csv(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, ...]], with_roles: bool
) -> Path:
    """A quoted ';' KLIK export of ``rows`` (name, user, e-mail, direct, mobile, roles, unit)."""
    header = ["Navn", "Brugernavn", "E-mail", "Direkte nummer", "Mobil nummer", "Roller", "Enhed"]
    keep = [i for i in range(len(header)) if with_roles or header[i] != "Roller"]
    path = tmp_path_factory.mktemp("klik") / "klik.csv"
    lines = [[header[i] for i in keep], *([row[i] for i in keep] for row in rows)]
    path.write_text(
        "\n".join(";".join('"' + c.replace('"', '""') + '"' for c in line) for line in lines),
        encoding="utf-8",
    )
    return path


@given(
    rows=st.lists(st.tuples(_value, _value, _value, _value, _value, _roles, _value), max_size=12),
    with_roles=st.booleans(),
)
def test_klik_rows_merge_as_before(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, ...]], with_roles: bool
) -> None:
    path = _klik_csv(tmp_path_factory, rows, with_roles)
    assert list(read_klik(path).users) == _reference_users(path)


@given(
    rows=st.lists(
        st.tuples(_value, st.sampled_from(["anna", "Bo", "x@k.dk", "c d", "æble", "ØRN", "e1"]),
                  _value, _value, _value, _roles, _value),
        max_size=7,
        unique_by=lambda row: row[1].casefold(),
    ),
    with_roles=st.booleans(),
)  # fmt: skip
def test_klik_users_by_column_equal_the_row_by_row_merge(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, ...]], with_roles: bool
) -> None:
    """Every row its own user (distinct user names): the column-wise users are taken and
    equal both the row-by-row merge and the reference."""
    path = _klik_csv(tmp_path_factory, rows, with_roles)
    table = open_table(path, HEADER_VARIANTS)
    numbers, columns = klik._field_columns(table, None)
    roles = None if with_roles else ("",)
    by_column = klik._distinct_users(numbers, columns, roles)
    assert by_column is not None  # the fast path was taken
    findings: list[object] = []
    rows_again = zip(numbers, zip(*columns, strict=True), strict=True)
    assert by_column == klik._merged_users(rows_again, table, findings, roles)  # type: ignore[arg-type]
    assert findings == []
    assert list(read_klik(path).users) == by_column == _reference_users(path)
