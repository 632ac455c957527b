"""OS2sync database dumps: success_users / failure_users CSV, one file or a directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from telefonspor.errors import InputError
from telefonspor.model import PhoneEntry, SourceRecord
from telefonspor.sources import os2sync_db

from .chain_files import SETTINGS, write_csv

COLUMNS = ["uuid", "user_id", "phone_number", "landline", "email", "name", "cvr", "operation"]
U1 = "ABCDEF00-0000-4000-8000-000000000001"
U2 = "abcdef00-0000-4000-8000-000000000002"


def read(path: Path) -> list[SourceRecord]:
    return list(os2sync_db.read_os2sync_db(path, options={}, settings=SETTINGS).records)


def success(path: Path, rows: list[list[str]], *, extra: tuple[str, ...] = ("skipped",)) -> Path:
    return write_csv(path, [[*extra, *COLUMNS], *rows], delimiter=",")


def test_success_dump_keeps_the_last_row_per_user(tmp_path: Path) -> None:
    path = success(
        tmp_path / "success_users.csv",
        [
            ["0", U1, "bru1", "20000000", "", "", "Bo", "29189838", "UPDATE"],
            ["1", U2, "bru2", "", "33123456", "", "Åse", "29189838", "UPDATE"],
            ["0", U1, "bru1", "20304050", "33000000", "", "Bo", "29189838", "UPDATE"],
        ],
    )
    data = os2sync_db.read_os2sync_db(path, options={}, settings=SETTINGS)
    assert (data.kind, data.position) == ("os2sync-db", "sync")
    bo, aase = sorted(data.records, key=lambda r: r.user_id)
    assert bo.phones == (PhoneEntry("33000000", "Landline"), PhoneEntry("20304050", "PhoneNumber"))
    assert bo.uuid == U1.lower() and bo.location == "success_users.csv række 4"
    assert aase.flags == {"skipped"} and aase.name == "Åse"
    assert not bo.flags


def test_latest_row_by_id_column_not_by_file_order(tmp_path: Path) -> None:
    path = success(
        tmp_path / "dump.csv",
        [
            ["12", U1, "bru1", "20304050", "", "", "", "", "UPDATE"],
            ["3", U1, "bru1", "11111111", "", "", "", "", "UPDATE"],
        ],
        extra=("id",),
    )
    (record,) = read(path)
    assert record.phones == (PhoneEntry("20304050", "PhoneNumber"),)


def test_passiver_and_delete_operations_are_not_active(tmp_path: Path) -> None:
    """OS2sync/OS2sync SchedulingLayer/Source/db/OperationType.cs (commit 7c8a175a): the queue
    stores ``operation.ToString()`` of UPDATE, DELETE or PASSIVER (not PASSIVATE)."""
    path = success(
        tmp_path / "success_users.csv",
        [
            ["0", U1, "bru1", "20304050", "", "", "Bo", "29189838", "PASSIVER"],
            ["0", U2, "bru2", "21212121", "", "", "Åse", "29189838", "UPDATE"],
            ["0", "abcdef00-0000-4000-8000-000000000003", "bru3", "", "", "", "", "", "DELETE"],
        ],
    )
    assert [(r.user_id, r.active) for r in read(path)] == [
        ("bru1", False),
        ("bru2", True),
        ("bru3", False),
    ]


def test_failure_dump_is_told_by_its_error_column(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "dump.csv",
        [
            [*COLUMNS, "error"],
            [U1, "bru1", "20304050", "", "", "", "", "UPDATE", "Bruger er passiveret i FK-ORG"],
            [U2, "bru2", "", "", "", "", "", "DELETE", ""],
        ],
        delimiter=";",
    )
    failed, deleted = read(path)
    assert failed.flags == {"failure"} and failed.error == "Bruger er passiveret i FK-ORG"
    assert failed.active and not deleted.active


def test_directory_with_both_tables(tmp_path: Path) -> None:
    success(tmp_path / "success_users.csv", [["0", U1, "bru1", "20304050", "", "", "", "", "U"]])
    write_csv(
        tmp_path / "Failure_Users.csv",
        [[*COLUMNS, "error"], [U1, "bru1", "", "33123456", "", "", "", "U", "timeout"]],
    )
    data = os2sync_db.read_os2sync_db(tmp_path, options={}, settings=SETTINGS)
    assert [sorted(r.flags) for r in data.records] == [[], ["failure"]]
    assert [f.path.rsplit("/", 1)[-1] for f in data.files] == [
        "success_users.csv",
        "Failure_Users.csv",
    ]


def test_empty_or_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"success_users\.csv"):
        read(tmp_path)
    with pytest.raises(InputError, match="findes ikke"):
        read(tmp_path / "nowhere")


def test_dump_without_phone_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dump.csv", [["uuid", "user_id"], [U1, "x"]])
    with pytest.raises(InputError, match="phone_number"):
        read(path)
