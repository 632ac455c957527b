"""AD readers: PowerShell Export-Csv files and ldapsearch LDIF."""

from __future__ import annotations

from pathlib import Path

import pytest
from msgspec import structs

from telefonspor.errors import InputError
from telefonspor.model import PhoneEntry
from telefonspor.sources import ad, ldif
from telefonspor.sources.ldif import parse_ldif

from .chain_files import GUID_BYTES, GUID_TEXT, SETTINGS, b64, fold, write_csv, write_xlsx

TYPE_LINE = "#TYPE Microsoft.ActiveDirectory.Management.ADUser\n"
HEADER = [
    "Enabled",
    "EmailAddress",
    "SamAccountName",
    "DisplayName",
    "ObjectGUID",
    "OfficePhone",
    "telephoneNumber",
    "MobilePhone",
    "mobile",
    "ipPhone",
    "otherTelephone",
    "EmployeeID",
]


def powershell_csv(path: Path, rows: list[list[str]]) -> Path:
    # Export-Csv quotes every cell and writes ',' unless -Delimiter ';' is given.
    return write_csv(path, [HEADER, *rows], delimiter=",", encoding="utf-8-sig", prefix=TYPE_LINE)


def test_powershell_csv_with_type_line(tmp_path: Path) -> None:
    path = powershell_csv(
        tmp_path / "ad.csv",
        [
            [
                "True",
                "anne@kommune.dk",
                "ANNJ",
                "Anne Jørgensen",
                "{1C0D8E3A-0000-4000-8000-00000000000A}",
                "+45 33 12 34 56",
                "+45 33 12 34 56",
                "20 30 40 50",
                "20 30 40 50",
                "1234",
                "33 11 22 33;33 44 55 66",
                "7001",
            ],
            ["False", "", "gammel", "Gammel Konto", "", "", "", "", "", "", "", ""],
        ],
    )
    data = ad.read_ad(path, options={}, settings=SETTINGS)
    assert (data.kind, data.position, data.origin) == ("ad", "source", str(path))
    first, second = data.records
    assert first.user_id == "ANNJ"
    assert first.uuid == "1c0d8e3a-0000-4000-8000-00000000000a"
    assert (first.email, first.name, first.employee_id) == (
        "anne@kommune.dk",
        "Anne Jørgensen",
        "7001",
    )
    # OfficePhone/MobilePhone are the same attributes as telephoneNumber/mobile: one entry each.
    assert first.phones == (
        PhoneEntry("+45 33 12 34 56", "telephoneNumber"),
        PhoneEntry("20 30 40 50", "mobile"),
        PhoneEntry("1234", "ipPhone"),
        PhoneEntry("33 11 22 33", "otherTelephone"),
        PhoneEntry("33 44 55 66", "otherTelephone"),
    )
    assert first.active and not first.flags
    assert first.location == "ad.csv række 3"  # line 1 is #TYPE, line 2 the header
    assert not second.active and second.flags == {"disabled"} and second.phones == ()
    assert data.files[0].rows == 2 and len(data.files[0].sha256) == 64


def test_csv_any_column_order_semicolon_and_powershell_names_only(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "ad.csv",
        [
            ["MobilePhone", "OfficePhone", "SamAccountName", "userAccountControl"],
            ["22 22 22 22", "", "bo", "514"],
            ["", "86 00 00 00", "li", "512"],
        ],
        encoding="cp1252",
    )
    bo, li = ad.read_ad(path, options={}, settings=SETTINGS).records
    assert bo.phones == (PhoneEntry("22 22 22 22", "mobile"),)
    assert bo.flags == {"disabled"}  # 514 = 512 + ACCOUNTDISABLE
    assert li.phones == (PhoneEntry("86 00 00 00", "telephoneNumber"),) and li.active


def test_unjoined_multivalue_column_is_noted_not_read_as_a_number(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "ad.csv",
        [
            ["SamAccountName", "otherTelephone"],
            ["bo", "Microsoft.ActiveDirectory.Management.ADPropertyValueCollection"],
        ],
    )
    data = ad.read_ad(path, options={}, settings=SETTINGS)
    assert data.records[0].phones == ()
    assert len(data.notes) == 1 and "-join" in data.notes[0]


def test_xlsx_export(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "ad.xlsx",
        [["Eksport fra AD"], [], ["sAMAccountName", "mobile", "mail"], ["kim", 22334455, "k@x.dk"]],
    )
    (kim,) = ad.read_ad(path, options={}, settings=SETTINGS).records
    assert kim.phones == (PhoneEntry("22334455", "mobile"),) and kim.email == "k@x.dk"


def test_csv_without_identity_column_names_the_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ad.csv", [["mobile", "pager"], ["1", "2"]])
    with pytest.raises(InputError, match=r"ad\.csv") as caught:
        ad.read_ad(path, options={}, settings=SETTINGS)
    assert "sAMAccountName" in str(caught.value)


# --- LDIF -----------------------------------------------------------------------------------


def ldif_text() -> str:
    long_dn = "dn: CN=Anne Jørgensen,OU=Brugere,OU=Rådhuset,DC=kommune,DC=local"
    return "\n".join(
        [
            "# extended LDIF",
            "#",
            "# LDAPv3",
            "# base <DC=kommune,DC=local> with scope subtree",
            "#",
            "version: 1",
            "",
            "# Anne, Brugere",
            "dn:: " + b64(long_dn[4:]),
            "objectClass: user",
            "sAMAccountName: ANNJ",
            "objectGUID:: " + b64(GUID_BYTES),
            fold("displayName:: " + b64("Anne Jørgensen (Børne- og Ungeforvaltningen)"), 30),
            "telephoneNumber: +45 33 12 34 56",
            "mobile: 20304050",
            "otherTelephone: 33112233",
            "otherTelephone: 33445566",
            "userAccountControl: 512",
            "mail: anne@kommune.dk",
            "employeeID: 7001",
            "",
            "dn: CN=Gammel,OU=Brugere,DC=kommune,DC=local",
            "sAMAccountName;binary: gammel",
            "userAccountControl: 514",
            "ipPhone: 1234",
            "",
            "# search result",
            "search: 2",
            "result: 0 Success",
            "",
            "# numResponses: 3",
            "# numEntries: 2",
            "",
        ]
    )


def test_ldif_from_ldapsearch(tmp_path: Path) -> None:
    path = tmp_path / "ad.ldif"
    path.write_text(ldif_text(), encoding="utf-8")
    data = ad.read_ad(path, options={}, settings=SETTINGS)
    anne, gammel = data.records
    assert anne.uuid == GUID_TEXT
    assert anne.name == "Anne Jørgensen (Børne- og Ungeforvaltningen)"
    assert anne.phones == (
        PhoneEntry("+45 33 12 34 56", "telephoneNumber"),
        PhoneEntry("20304050", "mobile"),
        PhoneEntry("33112233", "otherTelephone"),
        PhoneEntry("33445566", "otherTelephone"),
    )
    assert anne.active and anne.email == "anne@kommune.dk" and anne.employee_id == "7001"
    assert anne.location == "ad.ldif linje 9"
    assert gammel.user_id == "gammel" and gammel.flags == {"disabled"}
    assert data.files[0].rows == 2


def test_guid_byte_order_is_little_endian_in_the_first_three_groups() -> None:
    record = ad.record_from_attributes(
        {"objectGUID": GUID_BYTES, "sAMAccountName": "x"},
        location="",
        user_id_attribute="sAMAccountName",
    )
    assert record.uuid == "78563412-bc9a-f0de-1122-334455667788"


def test_openldap_uid_used_when_no_samaccountname(tmp_path: Path) -> None:
    path = tmp_path / "people.ldif"
    path.write_text(
        "dn: uid=mads,ou=people,dc=kommune,dc=dk\nuid: mads\n"
        "entryUUID: 5B1E8C46-1F4E-103D-9B5A-4B7E7C5B1C11\nmobile: 31313131\n",
        encoding="utf-8",
    )
    (mads,) = ad.read_ad(path, options={}, settings=SETTINGS).records
    assert mads.user_id == "mads" and mads.uuid == "5b1e8c46-1f4e-103d-9b5a-4b7e7c5b1c11"


def test_csv_and_ldif_of_the_same_account_give_the_same_record(tmp_path: Path) -> None:
    ldif = tmp_path / "ad.ldif"
    ldif.write_text(
        "dn: CN=Bo,DC=k\nsAMAccountName: bo\nobjectGUID:: "
        + b64(GUID_BYTES)
        + "\nmobile: 22222222\nuserAccountControl: 512\ndisplayName: Bo Ø\n",
        encoding="utf-8",
    )
    csv_path = write_csv(
        tmp_path / "ad.csv",
        [
            ["SamAccountName", "ObjectGUID", "Enabled", "MobilePhone", "DisplayName"],
            ["bo", GUID_TEXT.upper(), "True", "22222222", "Bo Ø"],
        ],
        prefix=TYPE_LINE,
    )
    from_ldif = ad.read_ad(ldif, options={}, settings=SETTINGS).records[0]
    from_csv = ad.read_ad(csv_path, options={}, settings=SETTINGS).records[0]
    assert structs.replace(from_ldif, location="") == structs.replace(from_csv, location="")


def test_configured_user_id_attribute(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ad.csv", [["SamAccountName", "extensionAttribute1"], ["a", "b"]])
    settings = SETTINGS.replace({"ad.user_id_attribute": "extensionAttribute1"})
    assert ad.read_ad(path, options={}, settings=settings).records[0].user_id == "b"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("dn: CN=a\nobjectGUID:: ***not-base64***\n", "linje 2.*base64"),
        ("dn: CN=a\nsAMAccountName: a\nthis line has no colon\n", "linje 3"),
        ("dn: CN=a\njpegPhoto:< file:///etc/passwd\n", "anden fil"),
    ],
)
def test_broken_ldif_is_an_input_error_with_the_line(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "ad.ldif"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        ad.read_ad(path, options={}, settings=SETTINGS)
    assert str(path) in str(caught.value)


def test_ldif_with_nul_bytes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ad.ldif"
    path.write_bytes("dn: CN=a\nsAMAccountName: a\n".encode("utf-16"))
    with pytest.raises(InputError, match="NUL"):
        ad.read_ad(path, options={}, settings=SETTINGS)


def test_folded_lines_and_comments_are_joined_correctly() -> None:
    text = "version: 1\n# a comment\n  that continues\ndn: CN=x\ndescription: abc\n def\n"
    (entry,) = parse_ldif(text)
    assert entry.attributes == {"description": ["abcdef"]}


@pytest.mark.parametrize("make", ["missing", "directory"])
def test_missing_file_or_directory(tmp_path: Path, make: str) -> None:
    path = tmp_path / "ad.csv"
    if make == "directory":
        path.mkdir()
    with pytest.raises(InputError, match=r"ad\.csv"):
        ad.read_ad(path, options={}, settings=SETTINGS)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0c", "\x0b", "\x1e"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_only_lf_or_crlf_ends_an_ldif_line(tmp_path: Path, separator: str, newline: str) -> None:
    """RFC 2849: SEP = CR LF / LF. ``str.splitlines`` also split on U+2028 and friends,
    so a display name with one became a bogus attribute line and the file was refused."""
    text = ldif_text().replace(
        "telephoneNumber: +45 33 12 34 56", f"telephoneNumber: +45 33 12 34 56{separator}x"
    )
    path = tmp_path / "ad.ldif"
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    anne, _ = ad.read_ad(path, options={}, settings=SETTINGS).records
    assert anne.phones[0] == PhoneEntry(f"+45 33 12 34 56{separator}x", "telephoneNumber")
    assert anne.email == "anne@kommune.dk" and anne.location == "ad.ldif linje 9"


def test_ldif_sniffing_splits_on_lf_only(tmp_path: Path) -> None:
    path = tmp_path / "ad.txt"
    path.write_text("# kommentar\u2028dn: CN=x\nsAMAccountName: x\n", encoding="utf-8")
    assert not ldif.looks_like_ldif(path)  # the first line is a comment, all of it
    path.write_text("# kommentar\r\ndn: CN=x\r\nsAMAccountName: x\r\n", encoding="utf-8")
    assert ldif.looks_like_ldif(path)
