"""The CSV readers' positional fast paths (issue 15) give exactly what the per-cell code gave.

AD, FK-ORG and OS2sync rows are now picked by column position (``Table.field_texts``) and
unpacked; the references below read ``Table.rows()`` cell by cell as the readers did before.
"""

from __future__ import annotations

import csv
import io
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from telefonspor.model import PhoneEntry, SourceRecord
from telefonspor.settings import defaults
from telefonspor.sources.ad import _FIELDS as AD_FIELDS
from telefonspor.sources.ad import read_ad, record_from_attributes
from telefonspor.sources.common import canonical_uuid, truthy
from telefonspor.sources.fkorg import _TABLE_FIELDS as FKORG_FIELDS
from telefonspor.sources.fkorg import read_fkorg
from telefonspor.sources.os2sync_db import _FIELDS as OS2SYNC_FIELDS
from telefonspor.sources.os2sync_db import read_os2sync_db
from telefonspor.sources.tabular import Table, open_table

_COLLECTION = "Microsoft.ActiveDirectory.Management.ADPropertyValueCollection"
_CELLS = st.sampled_from(
    [
        "",
        "  ",
        "aa",
        " Søren ",
        "33 12 34 56",
        "+45 21 21 21 21;22 22 22 22",
        "1|2\n3",
        "True",
        "false",
        "ja",
        "514",
        "512",
        "²",
        _COLLECTION,
        _COLLECTION.upper(),
        "ABCDEF01-2345-6789-ABCD-EF0123456789",
        "{abcdef01-2345-6789-abcd-ef0123456789}",
        "abcdef01-2345-6789-abcd-ef0123456789",
        "INAKTIV",
        "Inactive",
        "DELETE",
        "passiver",
        "UPDATE",
        "7",
        "0042",
        "2024-05-01 10:00",
    ]
)


def _write(headers: list[str], rows: list[list[str]], delimiter: str = ";") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    folder = Path(tempfile.mkdtemp())
    path = folder / "export.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _table_case(
    fields: dict[str, tuple[str, ...]], required: list[str]
) -> st.SearchStrategy[tuple[list[str], list[list[str]]]]:
    """Headers: the required ones plus a random choice of the others (any accepted variant,
    any case, in any order, maybe an unknown column); rows of random cells."""

    def variant(field: str) -> st.SearchStrategy[str]:
        return st.sampled_from(fields[field]).flatmap(
            lambda h: st.sampled_from([h, h.upper(), h.lower()])
        )

    optional = [f for f in fields if f not in required]
    chosen = st.lists(st.sampled_from(optional), unique=True).map(lambda fs: required + fs)
    headers = chosen.flatmap(
        lambda fs: st.tuples(*[variant(f) for f in fs]).map(list).flatmap(st.permutations)
    )
    extra = st.lists(st.sampled_from(["Afdeling", "cvr"]), unique=True, max_size=1)
    headers = st.tuples(headers, extra).map(lambda pair: pair[0] + pair[1])
    return headers.flatmap(
        lambda hs: st.tuples(
            st.just(hs), st.lists(st.lists(_CELLS, min_size=len(hs), max_size=len(hs)), max_size=8)
        )
    )


def _unique_headers(headers: list[str]) -> bool:
    """The readers refuse one header twice; that refusal is not what these tests compare."""
    keys = [h.casefold().replace("-", "").replace(" ", "") for h in headers]
    return len(set(keys)) == len(keys)


def _rows(table: Table) -> list[tuple[int, Callable[[str], str]]]:
    out = []
    for number, cells in table.rows():

        def cell(field: str, cells: tuple[str, ...] = cells) -> str:
            index = table.columns.get(field)
            return cells[index].strip() if index is not None else ""

        out.append((number, cell))
    return out


# --- AD ------------------------------------------------------------------------------------


def _reference_ad(path: Path) -> tuple[list[SourceRecord], tuple[str, ...]]:
    table = open_table(path, AD_FIELDS)
    records = []
    collections: set[str] = set()
    for number, cells in table.rows():
        attrs: dict[str, object] = {}
        for field, index in table.columns.items():
            value = cells[index].strip()
            if not value:
                continue
            if value.casefold() == _COLLECTION.casefold():
                collections.add(table.header_of(field))
                continue
            attrs[field] = value
        records.append(
            record_from_attributes(
                attrs, location=f"{path.name} række {number}", user_id_attribute="sAMAccountName"
            )
        )
    notes = tuple(
        f"Kolonnen {name} i {path.name} indeholder PowerShells typenavn i stedet for numrene; "
        f"eksportér den med @{{n='{name}';e={{$_.{name} -join ';'}}}}."
        for name in sorted(collections)
    )
    return records, notes


@given(case=_table_case(dict(AD_FIELDS), ["sAMAccountName"]))
def test_ad_rows_equal_the_generic_record(case: tuple[list[str], list[list[str]]]) -> None:
    headers, rows = case
    if not _unique_headers(headers):
        return
    path = _write(headers, rows, delimiter=",")
    data = read_ad(path, options={}, settings=defaults())
    assert (list(data.records), data.notes) == _reference_ad(path)


# --- FK-ORG --------------------------------------------------------------------------------


def _reference_fkorg(path: Path) -> list[SourceRecord]:
    table = open_table(path, FKORG_FIELDS)
    records = []
    for number, cell in _rows(table):
        phones = []
        if cell("direct"):
            phones.append(PhoneEntry(raw=cell("direct"), type="FastnetTelefon"))
        if cell("mobile"):
            phones.append(PhoneEntry(raw=cell("mobile"), type="Telefon"))
        records.append(
            SourceRecord(
                system="fkorg",
                user_id=cell("user"),
                uuid=canonical_uuid(cell("uuid")),
                email=cell("email"),
                name=cell("name"),
                phones=tuple(phones),
                active=cell("status").upper() not in {"INAKTIV", "INACTIVE"},
                location=f"{path.name} række {number}",
            )
        )
    return records


@given(case=_table_case(dict(FKORG_FIELDS), ["user", "direct"]))
def test_fkorg_rows_equal_the_cell_by_cell_record(case: tuple[list[str], list[list[str]]]) -> None:
    headers, rows = case
    if not _unique_headers(headers):
        return
    path = _write(headers, rows)
    records = list(read_fkorg(path, options={}, settings=defaults()).records)
    assert records == _reference_fkorg(path)


# --- OS2sync -------------------------------------------------------------------------------


def _reference_os2sync(path: Path) -> list[SourceRecord]:
    table = open_table(path, OS2SYNC_FIELDS)
    is_failure = "error" in table.columns
    latest: dict[str, tuple[tuple[int, str, int], SourceRecord]] = {}
    for number, cell in _rows(table):
        phones = []
        if cell("landline"):
            phones.append(PhoneEntry(raw=cell("landline"), type="Landline"))
        if cell("phone_number"):
            phones.append(PhoneEntry(raw=cell("phone_number"), type="PhoneNumber"))
        flags = set()
        if is_failure:
            flags.add("failure")
        if truthy(cell("skipped")):
            flags.add("skipped")
        record = SourceRecord(
            system="os2sync-db",
            user_id=cell("user_id"),
            uuid=canonical_uuid(cell("uuid")),
            email=cell("email"),
            name=cell("name"),
            phones=tuple(phones),
            active=cell("operation").upper() not in {"DELETE", "PASSIVER", "PASSIVATE", "DELETED"},
            flags=frozenset(flags),
            error=cell("error"),
            location=f"{path.name} række {number}",
        )
        key = record.uuid or record.user_id.casefold() or f"#{number}"
        identifier = cell("id")
        numeric = identifier.isascii() and identifier.isdigit() and len(identifier) <= 18
        order = (int(identifier) if numeric else 0, cell("time"), number)
        known = latest.get(key)
        if known is None or order >= known[0]:
            latest[key] = (order, record)
    return [record for _, record in latest.values()]


@given(case=_table_case(dict(OS2SYNC_FIELDS), ["uuid", "landline"]))
def test_os2sync_rows_equal_the_cell_by_cell_record(
    case: tuple[list[str], list[list[str]]],
) -> None:
    headers, rows = case
    if not _unique_headers(headers):
        return
    path = _write(headers, rows)
    records = list(read_os2sync_db(path, options={}, settings=defaults()).records)
    assert records == _reference_os2sync(path)


# --- canonical_uuid ------------------------------------------------------------------------


def _reference_uuid(text: str) -> str:
    """canonical_uuid before its first-line fast path (issue 15)."""
    cleaned = text.strip().strip("{}").strip()
    if not cleaned:
        return ""
    try:
        return str(uuid.UUID(cleaned))
    except ValueError:
        return cleaned.lower()


_UUID_LIKE = st.uuids().flatmap(
    lambda u: st.sampled_from(
        [str(u), str(u).upper(), "{" + str(u) + "}", f" {u} ", u.hex, str(u)[:-1], str(u) + "\n"]
    )
)


@given(text=st.one_of(_UUID_LIKE, st.text(alphabet="0123456789abcdefABCDEF-{} x", max_size=40)))
def test_canonical_uuid_equals_the_uuid_module(text: str) -> None:
    assert canonical_uuid(text) == _reference_uuid(text)


def test_ad_field_names_fold_to_distinct_keys() -> None:
    """The AD reader maps each folded attribute name to one column."""
    folded = [name.casefold() for name in AD_FIELDS]
    assert len(set(folded)) == len(folded)


def test_ad_rows_with_another_user_id_attribute(tmp_path: Path) -> None:
    headers = ["SamAccountName", "extensionAttribute1", "EmployeeID", "mail", "telephoneNumber"]
    rows = [
        ["aa", "X1", "7", "a@k.dk", "33 12 34 56"],
        ["bb", "", "8", "", ""],
        ["", "", "", "", _COLLECTION],
    ]
    path = _write(headers, rows)
    for attribute in ("extensionAttribute1", "EMPLOYEEID", "sAMAccountName"):
        settings = defaults().replace({"ad.user_id_attribute": attribute})
        data = read_ad(path, options={}, settings=settings)
        table = open_table(path, {**AD_FIELDS, attribute: (attribute,)})
        expected = []
        for number, cells in table.rows():
            attrs = {
                field: cells[index].strip()
                for field, index in table.columns.items()
                if cells[index].strip() and cells[index].strip() != _COLLECTION
            }
            expected.append(
                record_from_attributes(
                    attrs, location=f"{path.name} række {number}", user_id_attribute=attribute
                )
            )
        assert list(data.records) == expected
        assert [r.user_id for r in data.records][:2] == {
            "extensionAttribute1": ["X1", "bb"],
            "EMPLOYEEID": ["7", "8"],
            "sAMAccountName": ["aa", "bb"],
        }[attribute]
        assert len(data.notes) == 1


@given(
    rows=st.lists(
        st.one_of(st.lists(_CELLS, max_size=6), st.just([]), st.just(["", "  "])), max_size=8
    ),
    fields=st.lists(st.sampled_from(["a", "b", "c", "d", "missing"]), max_size=6),
)
def test_csv_field_texts_equal_the_rows_picked(rows: list[list[str]], fields: list[str]) -> None:
    """CSV rows are picked from the reader's list; the generic path pads and checks ``rows()``:
    rows shorter or longer than the header, blank and whitespace-only rows, absent fields."""
    path = _write(["a", "b", "c", "d"], rows)
    table = open_table(path, {f: (f,) for f in "abcd"})
    picked = list(table.field_texts(fields))
    generic = [
        (
            number,
            tuple((cells[table.columns[f]] if f in table.columns else "").strip() for f in fields),
        )
        for number, cells in table.rows()
    ]
    assert picked == generic


#: AD columns whose phones take the plain path: no multi-valued column, no type twice.
_AD_PLAIN_FIELDS = {
    name: variants
    for name, variants in AD_FIELDS.items()
    if not name.startswith("other") and name not in ("OfficePhone", "MobilePhone", "HomePhone")
}


@given(case=_table_case(_AD_PLAIN_FIELDS, ["sAMAccountName", "telephoneNumber"]))
def test_ad_plain_phone_rows_equal_the_generic_record(
    case: tuple[list[str], list[list[str]]],
) -> None:
    """Each phone text one entry as it stands (the plain path) equals the split-and-count path."""
    headers, rows = case
    if not _unique_headers(headers):
        return
    path = _write(headers, rows, delimiter=",")
    data = read_ad(path, options={}, settings=defaults())
    assert (list(data.records), data.notes) == _reference_ad(path)
