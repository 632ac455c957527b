"""Generic HR list with a column mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from telefonspor.errors import ConfigError, InputError
from telefonspor.model import PhoneEntry
from telefonspor.sources import hr

from .chain_files import SETTINGS, write_csv, write_xlsx


def test_default_danish_headers_cp1252(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "hr.csv",
        [
            ["Medarbejdernummer", "Navn", "Arbejdstelefon", "Mobil", "E-mail"],
            ["7001", "Åse Østergård", "33 12 34 56", "", "aase@kommune.dk"],
        ],
        encoding="cp1252",
    )
    data = hr.read_hr(path, options={}, settings=SETTINGS)
    (record,) = data.records
    assert (data.kind, data.position) == ("hr", "source")
    assert (record.employee_id, record.name, record.email) == (
        "7001",
        "Åse Østergård",
        "aase@kommune.dk",
    )
    assert record.phones == (PhoneEntry("33 12 34 56", "direct"),)


def test_map_option_names_the_columns(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "hr.xlsx",
        [
            ["Initialer", "Tlf. arb.", "Privat mobil", "Tjenestemobil"],
            ["abc", 33123456, 1, 20304050],
        ],
    )
    options = {"map": {"user": "Initialer", "direct": "Tlf. arb.", "mobile": "Tjenestemobil"}}
    (record,) = hr.read_hr(path, options=options, settings=SETTINGS).records
    assert record.user_id == "abc"
    assert record.phones == (PhoneEntry("33123456", "direct"), PhoneEntry("20304050", "mobile"))


def test_mapped_header_missing_or_unknown_field(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "hr.csv", [["Brugernavn", "Mobil"], ["a", "1"]])
    with pytest.raises(InputError, match=r"Tlf\. arbejde"):
        hr.read_hr(path, options={"map": {"direct": "Tlf. arbejde"}}, settings=SETTINGS)
    with pytest.raises(InputError, match="ukendt felt"):
        hr.read_hr(path, options={"map": {"telefon": "Mobil"}}, settings=SETTINGS)
    with pytest.raises(ConfigError, match="map"):
        hr.read_hr(path, options={"map": "Mobil"}, settings=SETTINGS)
