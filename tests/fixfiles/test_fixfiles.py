"""The four fix files, checked line by line for a known result."""

from __future__ import annotations

import base64
import csv
import io
import re
from pathlib import Path

import pytest

from telefonspor.fixfiles import write_fix_files
from telefonspor.fixfiles.corrections import Correction
from telefonspor.fixfiles.powershell import ps_quote
from telefonspor.model import AuditResult, Decision
from telefonspor.settings import Settings

from .conftest import GENERATED_AT

ACCEPTED = {"accepteret": Decision("accepteret", "accept", "Fratræder", "admin", GENERATED_AT)}
QUOTES = "'\u2018\u2019\u201a\u201b"
SET_LINE = re.compile(
    r"^Set-ADUser -Identity '(?:[^'\u2018-\u201b\r\n]|''|\u2018\u2018|\u2019\u2019|\u201a\u201a|\u201b\u201b)+'"
    r" (?:-OfficePhone|-MobilePhone) '\+\d{8,15}' -WhatIf:\(-not \$Udfoer\)$"
)


def write(
    tmp_path: Path, result: AuditResult, settings: Settings, **kw: object
) -> dict[str, bytes]:
    paths = write_fix_files(result, tmp_path, decisions=ACCEPTED, settings=settings, **kw)  # type: ignore[arg-type]
    return {p.name: p.read_bytes() for p in paths}


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def ps_strings_balanced(line: str) -> bool:
    """A small PowerShell tokenizer: single-quoted strings end at an undoubled quote."""
    inside = False
    i = 0
    while i < len(line):
        c = line[i]
        if not inside:
            if c == "#":
                return True  # the rest is a comment
            if c in QUOTES:
                inside = True
        elif c in QUOTES:
            if i + 1 < len(line) and line[i + 1] in QUOTES:
                i += 1  # a doubled quote is one literal quote
            else:
                inside = False
        i += 1
    return not inside


def test_powershell_script_line_by_line(
    tmp_path: Path, result: AuditResult, settings: Settings
) -> None:
    data = write(tmp_path, result, settings)["ad-rettelser.ps1"]
    assert data.startswith(b"\xef\xbb\xbf")
    text = data[3:].decode("utf-8")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")
    assert lines[0].startswith("# ad-rettelser.ps1 – rettelser af telefonnumre i AD")
    assert "# Bygger på kørslen fra 30. september 2025 kl. 10:00." in lines  # Danish time
    assert "#     .\\ad-rettelser.ps1 -Udfoer" in lines
    assert lines.index("param([switch]$Udfoer)") < lines.index("Import-Module ActiveDirectory")
    code = [line for line in lines if line and not line.startswith("#")]
    assert code[:2] == ["param([switch]$Udfoer)", "Import-Module ActiveDirectory"]
    assert code[2:] == [
        "Set-ADUser -Identity 'kim' -MobilePhone '+4544556677' -WhatIf:(-not $Udfoer)",
        "Set-ADUser -Identity 'o''brien' -OfficePhone '+4586123456' -WhatIf:(-not $Udfoer)",
    ]
    for line in code[2:]:
        assert SET_LINE.match(line), line
    for line in lines:
        assert ps_strings_balanced(line), line
    assert "# kim: Mobil nummer: OS2sofd har nummeret, AD har en ubrugelig værdi." in lines
    assert any(
        line.startswith("# anne@kommune.dk: AD-kontoen er fundet via e-mail") for line in lines
    )
    assert "accepteret" not in text and "søren" not in text.split("Import-Module")[1]


def test_corrections_quote_danish_and_typographic_apostrophes(
    tmp_path: Path, result: AuditResult, settings: Settings
) -> None:
    fixes = {
        "ø'læ": Correction("ø'læ", direct="+4533663366", row=2),
        "d\u2019arcy": Correction("d\u2019arcy", mobile="+4671234567", row=3),
    }
    text = write(tmp_path, result, settings, corrections=fixes)["ad-rettelser.ps1"].decode(
        "utf-8-sig"
    )
    lines = text.split("\r\n")
    assert "Set-ADUser -Identity 'ø''læ' -OfficePhone '+4533663366' -WhatIf:(-not $Udfoer)" in lines
    assert (
        "Set-ADUser -Identity 'd\u2019\u2019arcy' -MobilePhone '+4671234567' -WhatIf:(-not $Udfoer)"
        in lines
    )
    assert "# ø'læ: Direkte nummer: rettet i hånden (rettelsesfilen række 2)." in lines
    for line in lines:
        assert ps_strings_balanced(line), line
        if line.startswith("Set-ADUser"):
            assert SET_LINE.match(line), line


def test_ps_quote_neutralises_expansion_and_line_breaks() -> None:
    assert ps_quote("$(Remove-Item x)`n") == "'$(Remove-Item x)`n'"
    assert ps_quote("a'\r\nb") == "'a''  b'"
    assert ps_quote("x'; Remove-ADUser 'y") == "'x''; Remove-ADUser ''y'"
    assert ps_strings_balanced(ps_quote("x'; Remove-ADUser 'y"))


def test_other_attribute_uses_replace(
    tmp_path: Path, result: AuditResult, settings: Settings
) -> None:
    other = settings.replace({"ad.direct_attribute": "ipPhone"})
    text = write(tmp_path, result, other)["ad-rettelser.ps1"].decode("utf-8-sig")
    assert (
        "Set-ADUser -Identity 'o''brien' -Replace @{'ipPhone'='+4586123456'} -WhatIf:(-not $Udfoer)"
        in text.split("\r\n")
    )


def parse_ldif(text: str) -> list[dict[str, object]]:
    """A minimal RFC 2849 change-record parser (no line folding is written)."""
    records: list[dict[str, object]] = []
    current: dict[str, object] | None = None
    mod: list[str] | None = None
    for line in text.split("\n"):
        if line.startswith("#"):
            continue
        if not line:
            current, mod = None, None
            continue
        name, sep, value = line.partition(":")
        if line == "-":
            mod = None
            continue
        assert sep, line
        if value.startswith(":"):
            value = base64.b64decode(value[1:].strip()).decode("utf-8")
        else:
            value = value.removeprefix(" ")
        if name == "version":
            continue
        if name == "dn":
            current = {"dn": value, "changes": []}
            records.append(current)
        elif name == "changetype":
            assert current is not None and value == "modify"
        elif name in ("replace", "add", "delete"):
            mod = [name, value]
            assert current is not None
            current["changes"].append(mod)  # type: ignore[attr-defined]
        else:
            assert mod is not None and mod[1] == name, line
            mod.append(value)
    return records


def test_ldif_with_known_and_unknown_dns(
    tmp_path: Path, result: AuditResult, settings: Settings
) -> None:
    dns = {"o'brien": "CN=Seán O'Brien,OU=Brugere,DC=kommune,DC=dk"}
    text = write(tmp_path, result, settings, dns=dns)["ad-rettelser.ldif"].decode("utf-8")
    assert "version: 1" in text.split("\n")
    assert "dn:: " in text  # the DN has 'á': base64 per RFC 2849
    records = parse_ldif(text)
    assert records == [
        {
            "dn": "CN=Seán O'Brien,OU=Brugere,DC=kommune,DC=dk",
            "changes": [["replace", "telephoneNumber", "+4586123456"]],
        }
    ]
    assert "# dn for kim ukendt" in text.split("\n")
    assert "# anne@kommune.dk: AD-kontoen er fundet via e-mail" in text


def test_os2sofd_csv(tmp_path: Path, result: AuditResult, settings: Settings) -> None:
    rows = csv_rows(write(tmp_path, result, settings)["os2sofd-telefoner.csv"])
    assert rows[0] == [
        "userId",
        "navn",
        "phoneNumber",
        "phoneType",
        "visibility",
        "typePrime",
        "handling",
        "årsag",
    ]
    assert [r[:7] for r in rows[1:]] == [
        ["anne@kommune.dk", "anne@kommune.dk", "86998877", "LANDLINE", "VISIBLE", "true", "ret"],
        ["kim", "Kim Ravn", "44556677", "MOBILE", "VISIBLE", "true", "ret"],
        ["o'brien", "Seán O'Brien", "86123456", "LANDLINE", "VISIBLE", "true", "ret"],
        ["søren", "Søren Ærø", "20304050", "MOBILE", "VISIBLE", "true", "tilføj"],
    ]
    assert (
        rows[2][7] == "Mobilnummeret er skjult i OS2sofd, og skjulte numre sendes ikke til FK-ORG."
    )
    assert rows[4][7].startswith("Tabt mellem kilde og lokal organisationsløsning: AD har nummeret")


def test_employees_csv_escapes_formulas(
    tmp_path: Path, result: AuditResult, settings: Settings
) -> None:
    rows = csv_rows(write(tmp_path, result, settings)["medarbejdere-uden-nummer.csv"])
    where = "https://selvbetjening.kommune.dk/telefon"
    assert rows == [
        ["navn", "brugernavn", "e-mail", "roller", "enhed", "mangler", "registreres i"],
        [
            '\'=HYPERLINK("x")',
            "kalle",
            "'-kalle@kommune.dk",
            "Sikkerhedsansvarlig",
            "Borgerservice",
            "Direkte nummer og Mobil nummer",
            where,
        ],
        [
            "Mette Ås",
            "mette",
            "mette@kommune.dk",
            "B-rolle, A-rolle",
            "Borgerservice",
            "Direkte nummer og Mobil nummer",
            where,
        ],
    ]


def test_correction_removes_employee_and_adds_os2sofd_row(
    tmp_path: Path, result: AuditResult, settings: Settings
) -> None:
    fixes = {"mette": Correction("mette", mobile="+4522334455", row=4)}
    files = write(tmp_path, result, settings, corrections=fixes)
    assert "mette" not in files["medarbejdere-uden-nummer.csv"].decode("utf-8-sig")
    sofd = csv_rows(files["os2sofd-telefoner.csv"])
    assert [
        "mette",
        "Mette Ås",
        "22334455",
        "MOBILE",
        "VISIBLE",
        "true",
        "tilføj",
        "Rettet i hånden (rettelsesfilen række 4).",
    ] in sofd


def test_deterministic(tmp_path: Path, result: AuditResult, settings: Settings) -> None:
    first = write(tmp_path / "a", result, settings)
    second = write(tmp_path / "b", result, settings)
    assert first == second
    assert sorted(first) == [
        "ad-rettelser.ldif",
        "ad-rettelser.ps1",
        "medarbejdere-uden-nummer.csv",
        "os2sofd-telefoner.csv",
    ]


def test_nothing_to_do_gives_header_only(tmp_path: Path, settings: Settings) -> None:
    from .conftest import make_result

    covered = make_result()
    empty = AuditResult(covered.summary, (), (), (), (), (), GENERATED_AT)
    files = write(tmp_path, empty, settings)
    assert len(csv_rows(files["os2sofd-telefoner.csv"])) == 1
    assert not [
        line
        for line in files["ad-rettelser.ps1"].decode("utf-8-sig").split("\r\n")
        if line.startswith("Set-ADUser")
    ]


@pytest.mark.parametrize("bad", ["ad'; Remove-Item C:\\ -Recurse; '", "x\u2019; calc; \u2019"])
def test_injection_attempts_stay_inside_the_string(
    tmp_path: Path, result: AuditResult, settings: Settings, bad: str
) -> None:
    fixes = {bad: Correction(bad, direct="+4533663366", row=2)}
    lines = (
        write(tmp_path, result, settings, corrections=fixes)["ad-rettelser.ps1"]
        .decode("utf-8-sig")
        .split("\r\n")
    )
    for line in lines:
        assert ps_strings_balanced(line)
        if line.startswith("Set-ADUser"):
            assert SET_LINE.match(line), line
