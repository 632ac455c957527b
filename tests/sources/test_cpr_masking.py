"""No CPR number is echoed in an error message, whichever reader quotes the cell."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from telefonspor.cli import app
from telefonspor.cpr import CPR_MASK, mask_cpr
from telefonspor.errors import ConfigError, InputError, SourceError
from telefonspor.sources import os2sofd
from telefonspor.sources.klik import read_klik

from .chain_files import SETTINGS, write_csv
from .conftest import write_xlsxwriter

# The SOFD_yyyymmdd.csv rows of tests/sources/test_os2sofd.py, without their header row.
HEADERLESS = [
    ["0101701234", "jøhe", "20 30 40 50", "", "", "7001", "Jørgen", "Æbelø"],
    ["020280-2345", "", "", "86123456", "Åse", "7002", "Åse Marie", "Østergård"],
]


def test_headerless_sofd_csv_masks_the_cpr_numbers(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "SOFD_20240501.csv", HEADERLESS, delimiter=",", encoding="iso-8859-1"
    )
    with pytest.raises(InputError) as caught:
        os2sofd.read_os2sofd(path, options={}, settings=SETTINGS)
    message = str(caught.value)
    assert f'Fundne overskrifter (række 1): "{CPR_MASK}", "jøhe", "20 30 40 50"' in message
    assert "0101701234" not in message and "010170" not in message
    assert "SOFD_20240501.csv" in message


def test_cli_and_its_stderr_never_show_the_cpr(tmp_path: Path) -> None:
    sofd = write_csv(tmp_path / "SOFD_20240501.csv", HEADERLESS[::-1], delimiter=",")
    klik = write_xlsxwriter(
        tmp_path / "klik.xlsx",
        [["Brugernavn", "Navn", "Direkte nummer"], ["jøhe", "Jørgen", "33663366"]],
    )
    result = CliRunner().invoke(
        app, ["audit", str(klik), "--source", f"os2sofd={sofd}", "--out", str(tmp_path / "ud")]
    )
    assert result.exit_code == 2
    assert CPR_MASK in result.stderr
    assert "020280" not in result.output, result.output


def test_klik_export_with_cpr_in_the_header_row_is_masked(tmp_path: Path) -> None:
    path = write_xlsxwriter(tmp_path / "klik.xlsx", [["0101701234", "Anna"], ["x", "y"]])
    with pytest.raises(InputError) as caught:
        read_klik(path)
    assert f'"{CPR_MASK}", "Anna"' in str(caught.value)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("0101701234", CPR_MASK),
        ("010170-1234", CPR_MASK),
        ("cpr 3112995678.", f"cpr {CPR_MASK}."),
        ('"290200-1234", "290201-1234"', f'"{CPR_MASK}", "290201-1234"'),  # no 29 Feb 1901/2001
        ("4533663366", "4533663366"),  # +45 and a phone number: day 45 is no date
        ("1234567890", "1234567890"),  # month 56
        ("01017012345", "01017012345"),  # 11 digits: not a CPR number
        ("1027c4d1-c386-4bc4-ad61-301017123456", "1027c4d1-c386-4bc4-ad61-301017123456"),
        ("række 12, kolonne C", "række 12, kolonne C"),
    ],
)
def test_mask_cpr(text: str, masked: str) -> None:
    assert mask_cpr(text) == masked


@pytest.mark.parametrize("error", [InputError, ConfigError, SourceError])
def test_every_error_masks_its_message(error: type[Exception]) -> None:
    assert str(error("værdien 0101701234 er forkert")) == f"værdien {CPR_MASK} er forkert"
