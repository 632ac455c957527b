"""Build the corpus of broken inputs in ``tests/data/bad/`` and its ``manifest.toml``.

Run ``.venv/bin/python tests/robustness/make_corpus.py`` to rebuild; same code, same bytes
(apart from the password-protected workbook, whose encryption salt is random; it is only
rewritten when ``msoffcrypto-tool`` is installed and ``--encrypt`` is given).

Each case is one file (or folder) with the reader kind that reads it and what must happen:
``records`` (odd but legal: the reader returns data) or ``error`` with a Danish message
fragment. The big cases (zip bomb, 100,000 columns, a 10 MB cell) are not committed: the
``write_*`` functions below make them into ``tmp_path`` at test time.
"""

from __future__ import annotations

import codecs
import datetime
import io
import json
import struct
import sys
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

BAD_DIR = Path(__file__).resolve().parents[1] / "data" / "bad"

KLIK_HEADER = ["Navn", "Brugernavn", "E-mail", "Direkte nummer", "Mobil nummer", "Roller"]
KLIK_ROWS = [
    ["Anna Hansen", "anha", "anha@k.dk", "33663366", "", "Lokal administrator"],
    ["Bo Ørsted", "boor", "boor@k.dk", "", "+45 20 30 40 50", "Supportberettiget"],
    ["Carl Ærø", "caae", "caae@k.dk", "", "", "KLIK-administrator"],
]


_EPOCH = datetime.datetime(2024, 1, 1)


@dataclass(frozen=True)
class Case:
    file: str
    kind: str  # reader kind: klik, ad, os2sofd, os2mo, fkorg, os2sync-db, opus, hr, config
    outcome: str  # "records" or "error"
    message: str  # Danish message fragment (error) or "" (records)
    build: Callable[[Path], None]
    where: str = ""  # a row/column/place fragment the message must also hold
    note: str = ""


# --- writers --------------------------------------------------------------------------------


def xlsx_bytes(rows: Sequence[Sequence[object]], sheet: str = "Brugere") -> bytes:
    """An xlsx made by xlsxwriter, as bytes (deterministic: fixed creation date)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"created": _EPOCH})
    worksheet = book.add_worksheet(sheet)
    for r, row in enumerate(rows):
        worksheet.write_row(r, 0, row)
    book.close()
    return buffer.getvalue()


def csv_text(rows: Sequence[Sequence[object]], delimiter: str = ";") -> str:
    return "\r\n".join(delimiter.join(str(c) for c in row) for row in rows) + "\r\n"


def _write(data: bytes | str, encoding: str = "utf-8") -> Callable[[Path], None]:
    def build(path: Path) -> None:
        path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))

    return build


def _mkdir(*children: str) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        for child in children:
            (path / child).write_text("ikke en tabel\n", encoding="utf-8")

    return build


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def write_zip_bomb(path: Path, megabytes: int = 300) -> Path:
    """An xlsx-shaped zip whose sheet inflates ~1000:1 (refused before unpacking)."""
    book = zipfile.ZipFile(io.BytesIO(xlsx_bytes([KLIK_HEADER, *KLIK_ROWS])))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in book.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info.filename, book.read(info.filename))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = b" " * (1 << 20)
            sheet.write(b'<?xml version="1.0"?><worksheet><sheetData>')
            for _ in range(megabytes):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return path


def write_wide_csv(path: Path, columns: int = 100_000) -> Path:
    """A KLIK CSV with the real columns followed by ``columns`` more."""
    extra = [f"Felt {i}" for i in range(columns)]
    rows = [KLIK_HEADER + extra, KLIK_ROWS[0] + ["x"] * columns]
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def write_wide_xlsx(path: Path, columns: int = 16_000) -> Path:
    """An xlsx at Excel's column limit region (XFD = 16,384 columns)."""
    extra = [f"Felt {i}" for i in range(columns)]
    path.write_bytes(xlsx_bytes([KLIK_HEADER + extra, KLIK_ROWS[0]]))
    return path


def write_huge_cell_csv(path: Path, megabytes: int = 10) -> Path:
    """A KLIK CSV whose one role cell holds ``megabytes`` MB of text."""
    cell = "Rolle " * (megabytes * (1 << 20) // 6)
    rows = [KLIK_HEADER, [*KLIK_ROWS[0][:5], cell]]
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def write_huge_cell_xlsx(path: Path, megabytes: int = 10) -> Path:
    """Excel caps a cell at 32,767 characters; another writer need not (xlsxwriter warns only)."""
    cell = "Rolle " * (megabytes * (1 << 20) // 6)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    worksheet = book.add_worksheet("Brugere")
    worksheet.write_row(0, 0, KLIK_HEADER)
    worksheet.write_row(1, 0, KLIK_ROWS[0][:5])
    worksheet.write_string(1, 5, "x")
    book.close()
    # xlsxwriter refuses strings over 32,767 characters: swap the short one in the zip.
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source:
        members = {i.filename: source.read(i.filename) for i in source.infolist()}
    members["xl/sharedStrings.xml"] = members["xl/sharedStrings.xml"].replace(
        b"<t>x</t>", b"<t>" + cell.encode() + b"</t>"
    )
    path.write_bytes(_zip(members))
    return path


def far_cell_xlsx(cell: str = "XFD1048576") -> bytes:
    """A 5 KB KLIK export with one stray value in a far cell: calamine's grid would span it all."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"created": _EPOCH})
    worksheet = book.add_worksheet("Brugere")
    for r, row in enumerate([KLIK_HEADER, *KLIK_ROWS]):
        worksheet.write_row(r, 0, row)
    worksheet.write(cell, "x")
    book.close()
    return buffer.getvalue()


def far_cell_ods(rows: int = 60_000, column: int = 1_000) -> bytes:
    """An .ods (as LibreOffice writes it: repeated empty rows) with a value at (rows, column).

    The used range is ~60 million cells: calamine's ods reader would build it in memory.
    """

    def cell(text: str) -> str:
        return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'

    def row(cells: Sequence[str]) -> str:
        return "<table:table-row>" + "".join(cell(c) for c in cells) + "</table:table-row>"

    body = "".join(row(r) for r in [KLIK_HEADER, *KLIK_ROWS])
    body += (
        f'<table:table-row table:number-rows-repeated="{rows}">'
        "<table:table-cell/></table:table-row>"
        f'<table:table-row><table:table-cell table:number-columns-repeated="{column - 1}"/>'
        f"{cell('x')}</table:table-row>"
    )
    office = "urn:oasis:names:tc:opendocument:xmlns"
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<office:document-content xmlns:office="{office}:office:1.0" '
        f'xmlns:table="{office}:table:1.0" xmlns:text="{office}:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Brugere">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<manifest:manifest xmlns:manifest="{office}:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    return _zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "META-INF/manifest.xml": manifest.encode(),
            "content.xml": content.encode(),
        }
    )


def far_cell_xls(column: int = 16_383) -> bytes:
    """An .xls (xlwt) whose last cell record is moved to row 65,536, column ``column``.

    BIFF8 stores the column in 16 bits and calamine reads it as such, so the grid would
    hold 65,536 x 16,384 cells; xlwt itself stops at 256 columns, hence the patch.
    """
    import xlwt  # type: ignore[import-untyped]  # test-only writer

    book = xlwt.Workbook()
    sheet = book.add_sheet("Brugere")
    for r, values in enumerate([KLIK_HEADER, *KLIK_ROWS]):
        for c, value in enumerate(values):
            sheet.write(r, c, value)
    sheet.write(65_535, 255, "x")
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    record = struct.pack("<HHHH", 0x00FD, 10, 65_535, 255)  # LABELSST: row, column, ...
    assert data.count(record) == 1
    return data.replace(record, struct.pack("<HHHH", 0x00FD, 10, 65_535, column))


def _biff12(kind: int, body: bytes = b"") -> bytes:
    """One XLSB record: type and size as 7-bit varints, then the body."""
    head = bytes([kind]) if kind < 0x80 else bytes([(kind & 0x7F) | 0x80, kind >> 7])
    size, length = b"", len(body)
    while True:
        size += bytes([(length & 0x7F) | (0x80 if length >= 0x80 else 0)])
        length >>= 7
        if not length:
            break
    return head + size + body


def _wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def far_cell_xlsb(row: int = 1_048_575, column: int = 16_383) -> bytes:
    """An .xlsb (binary Excel) with the KLIK rows and one string at (row, column), 0-based.

    Built record by record (MS-XLSB); its BrtWsDim claims A1:F4 whatever the cells say.
    """
    sheet = _biff12(0x81) + _biff12(0x94, struct.pack("<IIII", 0, 3, 0, 5)) + _biff12(0x91)
    cells = [
        (r, c, str(v))
        for r, values in enumerate([KLIK_HEADER, *KLIK_ROWS])
        for c, v in enumerate(values)
    ]
    cells.append((row, column, "x"))
    current = -1
    for r, c, text in cells:
        if r != current:
            sheet += _biff12(0x00, struct.pack("<I", r) + bytes(13))  # BrtRowHdr
            current = r
        sheet += _biff12(0x06, struct.pack("<II", c, 0) + _wide(text))  # BrtCellSt
    sheet += _biff12(0x92) + _biff12(0x82)
    book = (
        _biff12(0x83)
        + _biff12(0x8F)
        + _biff12(0x9C, struct.pack("<II", 0, 1) + _wide("rId1") + _wide("Brugere"))
        + _biff12(0x90)
        + _biff12(0x9D, bytes(26))
        + _biff12(0x84)
    )
    package = "http://schemas.openxmlformats.org/package/2006"
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    types = (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{package}/content-types">'
        '<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.bin" ContentType="application/vnd.ms-excel.worksheet"/>'
        "</Types>"
    )
    rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{package}/relationships">'
        f'<Relationship Id="rId1" Type="{office}/worksheet" Target="worksheets/sheet1.bin"/>'
        "</Relationships>"
    )
    root = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{package}/relationships">'
        f'<Relationship Id="rId1" Type="{office}/officeDocument" Target="xl/workbook.bin"/>'
        "</Relationships>"
    )
    return _zip(
        {
            "[Content_Types].xml": types.encode(),
            "_rels/.rels": root.encode(),
            "xl/workbook.bin": book,
            "xl/_rels/workbook.bin.rels": rels.encode(),
            "xl/worksheets/sheet1.bin": sheet,
        }
    )


def write_many_cells_csv(path: Path, cells: int = 1_000_000) -> Path:
    """A KLIK CSV whose data row is followed by ``cells`` tiny cells (a 2 MB line)."""
    path.write_text(
        csv_text([KLIK_HEADER]) + ";".join(KLIK_ROWS[0]) + ";x" * cells + "\r\n", encoding="utf-8"
    )
    return path


def _encrypted_xlsx(path: Path) -> None:
    if path.exists() and "--encrypt" not in sys.argv:
        return  # committed file; its salt is random, so keep it stable
    from msoffcrypto.format.ooxml import OOXMLFile  # type: ignore[import-untyped]  # dev-only

    plain = io.BytesIO(xlsx_bytes([KLIK_HEADER, *KLIK_ROWS]))
    office = OOXMLFile(plain)
    with path.open("wb") as out:
        office.encrypt("hemmelig", out)


KLIK_XLSX = xlsx_bytes([["Brugere i KLIK"], [], KLIK_HEADER, *KLIK_ROWS])
KLIK_CSV = csv_text([KLIK_HEADER, *KLIK_ROWS])
AD_HEADER = (
    '"SamAccountName","ObjectGUID","Enabled","DisplayName","mail","telephoneNumber","mobile"'
)
AD_CSV = (
    "#TYPE Microsoft.ActiveDirectory.Management.ADUser\r\n"
    f"{AD_HEADER}\r\n"
    '"anha","1027c4d1-c386-4bc4-ad61-3e30d8f16adf","True","Anna Hansen","anha@k.dk",'
    '"33663366",""\r\n'
)
AD_LDIF = (
    "version: 1\n\n"
    "dn: CN=Anna Hansen,OU=Brugere,DC=k,DC=dk\n"
    "sAMAccountName: anha\n"
    "objectGUID:: EjRWeJq83vARIjNEVWZ3iA==\n"
    "telephoneNumber: 33663366\n"
    "userAccountControl: 512\n\n"
)
SOFD_JSON = (
    '{"persons":[{"uuid":"1027c4d1-c386-5bc4-ad61-3e30d8f16adf","firstname":"Anna",'
    '"surname":"Hansen","deleted":false,"phones":[{"phoneNumber":"3366 3366",'
    '"phoneType":"LANDLINE","visibility":"VISIBLE","prime":true,"typePrime":true}],'
    '"users":[{"userId":"anha","userType":"ACTIVE_DIRECTORY","employeeId":"1","disabled":false,'
    '"kombitUuid":"1027c4d1-c386-4bc4-ad61-3e30d8f16adf","prime":true}],'
    '"affiliations":[{"startDate":"2015-08-01","stopDate":null,"employeeId":"1"}]}],'
    '"page":0,"nextOffset":null}'
)
SOFD_CSV = csv_text(
    [
        [
            "cpr",
            "ad-kontonavn",
            "mobilnummer",
            "telefonnummer",
            "kaldenavn",
            "medarbejderid",
            "fornavn",
            "efternavn",
        ],
        ["", "anha", "20304050", "33663366", "", "1", "Anna", "Hansen"],
        ["", "sørø", "", "", "", "2", "Søren", "Ærø"],
    ],
    ",",
)
MO_JSON = (
    '{"data":{"employees":{"page_info":{"next_cursor":null},"objects":[{"current":'
    '{"uuid":"e1","name":"Anna Hansen","user_key":"anha",'
    '"engagements":[{"user_key":"1","validity":{"from":"2020-01-01","to":null}}],'
    '"itusers":[{"uuid":"u1","user_key":"anha","external_id":null,'
    '"itsystem":{"user_key":"Active Directory"}}],'
    '"addresses":[{"value":"33663366","address_type":{"user_key":"PhoneEmployee",'
    '"scope":"PHONE","uuid":"a1"},"visibility":null}]}}]}}}'
)
FKORG_JSON = (
    '{"data":{"brugerListe":{"edges":[{"cursor":"1","node":{"uuid":'
    '"1027c4d1-c386-4bc4-ad61-3e30d8f16adf","brugernavn":"anha","tilstand":{"status":"AKTIV"},'
    '"person":{"navn":"Anna Hansen"},"adresser":[{"adresseTekst":"33663366",'
    '"klassifikation":{"rolle":"47c05422-5379-4c27-9ddf-e02b52b3d961"}}]}}],'
    '"pageInfo":{"hasNextPage":false,"endCursor":"1"}}}}'
)
FKORG_CSV = csv_text(
    [
        ["brugernavn", "uuid", "Navn", "FastnetTelefon", "Telefon", "Email"],
        ["anha", "1027c4d1-c386-4bc4-ad61-3e30d8f16adf", "Anna Hansen", "33663366", "", "a@k.dk"],
    ]
)
OS2SYNC_CSV = csv_text(
    [
        ["uuid", "user_id", "phone_number", "landline", "email", "name", "cvr", "operation"],
        ["1027c4d1-c386-4bc4-ad61-3e30d8f16adf", "anha", "", "33663366", "", "", "1", "UPDATE"],
    ]
)
OPUS_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<kmd>\n'
    '  <employee id="70001"><firstName>Søren</firstName><lastName>Ærø</lastName>\n'
    "    <workPhone>33 12 34 56</workPhone>\n"
    '    <communication type="0001"><value>SOAE</value></communication>\n'
    "  </employee>\n</kmd>\n"
)
HR_CSV = csv_text(
    [
        ["Medarbejdernummer", "Brugernavn", "Navn", "Arbejdstelefon", "Mobil"],
        ["1", "anha", "Anna Hansen", "33663366", "20304050"],
    ]
)
CONFIG_TOML = '[[source]]\nkind = "ad"\npath = "ad.csv"\n'

#: Valid files of every kind: the corpus' baselines and the mutation tests' seeds.
VALID: dict[str, tuple[str, bytes]] = {
    "klik": ("klik.xlsx", KLIK_XLSX),
    "klik-csv": ("klik.csv", KLIK_CSV.encode("cp1252")),
    "ad": ("ad.csv", b"\xef\xbb\xbf" + AD_CSV.encode()),
    "ad-ldif": ("ad.ldif", AD_LDIF.encode()),
    "os2sofd": ("sofd.json", SOFD_JSON.encode()),
    "os2sofd-csv": ("SOFD_20240101.csv", SOFD_CSV.encode("iso-8859-1")),
    "os2mo": ("mo.json", MO_JSON.encode()),
    "fkorg": ("fkorg.json", FKORG_JSON.encode()),
    "fkorg-csv": ("fkorg.csv", FKORG_CSV.encode("utf-8-sig")),
    "fkorg-xlsx": ("fkorg.xlsx", xlsx_bytes([r.split(";") for r in FKORG_CSV.split()])),
    "os2sync-db": ("success_users.csv", OS2SYNC_CSV.encode()),
    "opus": ("opus.xml", OPUS_XML.encode()),
    "hr": ("hr.csv", HR_CSV.encode("utf-8-sig")),
    "config": ("kaede.toml", CONFIG_TOML.encode()),
}


def _truncated(data: bytes, keep: float = 0.5) -> bytes:
    return data[: int(len(data) * keep)]


def _central_directory_patch(data: bytes, offset: int, value: bytes) -> bytes:
    """``data`` (a zip) with ``value`` written at ``offset`` of its first central directory entry."""
    at = data.index(b"PK\x01\x02") + offset
    return data[:at] + value + data[at + len(value) :]


def _bad_utf8_name(data: bytes) -> bytes:
    """The first central directory entry flagged UTF-8 (bit 11) with 0xFF in its file name."""
    flagged = _central_directory_patch(data, 8, (0x0800).to_bytes(2, "little"))
    return _central_directory_patch(flagged, 46, b"\xff")


def _corrupt_member(data: bytes, name: str = "xl/worksheets/sheet1.xml") -> bytes:
    """Flip the packed bytes of one zip member: the directory stays intact, the sheet is garbage."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    header = info.header_offset
    start = header + 30 + int.from_bytes(data[header + 26 : header + 28], "little")
    start += int.from_bytes(data[header + 28 : header + 30], "little")
    end = start + info.compress_size
    return data[:start] + bytes(b ^ 0x5A for b in data[start:end]) + data[end:]


_HTML_XLS = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office">\n<head><meta charset="utf-8">'
    "</head>\n<body><table>\n<tr><td>Navn</td><td>Brugernavn</td><td>Direkte nummer</td></tr>\n"
    "<tr><td>Anna</td><td>anha</td><td>33663366</td></tr>\n</table></body></html>\n"
)
_XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE kmd [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    "<kmd><employee id='1'><workPhone>&xxe;</workPhone></employee></kmd>\n"
)
_PARAMETER_XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE kmd [<!ENTITY % ext SYSTEM "http://127.0.0.1:9/x.dtd"> %ext;]>\n'
    "<kmd><employee id='1'><workPhone>33663366</workPhone></employee></kmd>\n"
)
_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
    "<kmd><employee><name>&lol3;</name></employee></kmd>\n"
)
_XINCLUDE = (
    '<?xml version="1.0"?>\n<kmd xmlns:xi="http://www.w3.org/2001/XInclude">\n'
    "  <employee id='1'><userId>anha</userId><workPhone>33663366</workPhone>\n"
    '    <xi:include href="file:///etc/passwd" parse="text"/></employee>\n</kmd>\n'
)


def _sofd_with(**person: object) -> str:
    data = json.loads(SOFD_JSON)
    data["persons"][0].update(person)
    return json.dumps(data, ensure_ascii=False)


def cases() -> list[Case]:
    """Every corpus case; the manifest is written from this list."""
    klik_csv = KLIK_CSV
    sofd = SOFD_JSON
    return [
        # --- KLIK export ------------------------------------------------------------------
        Case("klik_empty.xlsx", "klik", "error", "filen er tom", _write(b"")),
        Case("klik_blank.csv", "klik", "error", "filen er tom", _write(b"\xef\xbb\xbf \r\n\r\n")),
        Case("klik_truncated.xlsx", "klik", "error", "beskadiget", _write(_truncated(KLIK_XLSX))),
        Case(
            "klik_corrupt.xlsx", "klik", "error", "beskadiget", _write(_corrupt_member(KLIK_XLSX))
        ),
        Case(
            "klik_really_csv.xlsx",
            "klik",
            "records",
            "",
            _write(klik_csv, "cp1252"),
            note="CSV saved with an .xlsx name: read by content",
        ),
        Case(
            "klik_really_xlsx.csv",
            "klik",
            "records",
            "",
            _write(KLIK_XLSX),
            note="xlsx saved with a .csv name: read by content",
        ),
        Case("klik_html.xls", "klik", "error", "HTML/XML-side", _write(_HTML_XLS)),
        Case(
            "klik_zip_version.xlsx",
            "klik",
            "error",
            "zip-strukturen kan ikke læses",
            _write(_central_directory_patch(KLIK_XLSX, 6, (84).to_bytes(2, "little"))),
            note="found by make fuzz: zipfile raised NotImplementedError (zip file version 8.4)",
        ),
        Case(
            "klik_zip_bad_name.xlsx",
            "klik",
            "error",
            "zip-strukturen kan ikke læses",
            _write(_bad_utf8_name(KLIK_XLSX)),
            note="a file name flagged UTF-8 that is not: zipfile raised UnicodeDecodeError",
        ),
        Case("klik_cp1252.csv", "klik", "records", "", _write(klik_csv, "cp1252")),
        Case(
            "klik_utf16.txt",
            "klik",
            "records",
            "",
            _write(
                codecs.BOM_UTF16_LE + csv_text([KLIK_HEADER, *KLIK_ROWS], "\t").encode("utf-16-le")
            ),
        ),
        Case(
            "klik_mixed_encoding.csv",
            "klik",
            "records",
            "",
            _write(klik_csv.encode("utf-8") + "Dorthe Ø;door;d@k.dk;;;X\r\n".encode("cp1252")),
            note="one cp1252 line in a UTF-8 file: read as cp1252",
        ),
        Case(
            "klik_mixed_delimiters.csv",
            "klik",
            "records",
            "",
            _write(csv_text([KLIK_HEADER]) + csv_text(KLIK_ROWS, ",")),
            note="header with ';', rows with ',': rows land in the first column",
        ),
        Case("klik_header_only.xlsx", "klik", "records", "", _write(xlsx_bytes([KLIK_HEADER]))),
        Case("klik_header_only.csv", "klik", "records", "", _write(csv_text([KLIK_HEADER]))),
        Case(
            "klik_nul_bytes.csv",
            "klik",
            "error",
            "ikke et regneark",
            _write(klik_csv.encode().replace(b"anha", b"an\x00ha")),
        ),
        Case(
            "klik_far_cell.xlsx",
            "klik",
            "error",
            "spænder over området A1:XFD1048576: 16.384 kolonner",
            _write(far_cell_xlsx()),
            where='ark "Brugere"',
            note="5 KB; one value in XFD1048576 once aborted the process (grid of 17e9 cells)",
        ),
        Case(
            "klik_far_cell.ods",
            "klik",
            "error",
            "60.005.000 celler",
            _write(far_cell_ods()),
            where='ark "Brugere"',
        ),
        Case(
            "klik_far_cell.xls",
            "klik",
            "error",
            "16.384 kolonner",
            _write(far_cell_xls()),
            where='ark "Brugere"',
            note="BIFF cell record patched to column 16,384",
        ),
        Case(
            "klik_far_cell.xlsb",
            "klik",
            "error",
            "16.384 kolonner",
            _write(far_cell_xlsb()),
            where='ark "Brugere"',
            note="binary workbook built record by record; its BrtWsDim claims A1:F4",
        ),
        Case(
            "klik_wide_line.csv",
            "klik",
            "error",
            "rækken har 2.006 felter",
            _write(csv_text([KLIK_HEADER, KLIK_ROWS[0] + ["x"] * 2_000])),
            where="række 2",
        ),
        Case("klik_password.xlsx", "klik", "error", "adgangskode", _encrypted_xlsx),
        Case(
            "klik_no_phone_columns.xlsx",
            "klik",
            "error",
            "kan ikke finde en kolonne",
            _write(xlsx_bytes([["Navn", "Brugernavn"], ["Anna", "anha"]])),
        ),
        Case(
            "klik_duplicate_header.csv",
            "klik",
            "error",
            "står flere gange",
            _write(csv_text([[*KLIK_HEADER, "Mobil nummer"], KLIK_ROWS[0]])),
            where="række 1",
        ),
        Case(
            "klik_duplicate_users.csv",
            "klik",
            "records",
            "",
            _write(
                csv_text(
                    [
                        KLIK_HEADER,
                        KLIK_ROWS[0],
                        ["Anna Hansen", "ANHA", "", "86000000", "", "Sikkerhedsansvarlig"],
                    ]
                )
            ),
            note="same user twice with conflicting numbers: a finding, not an error",
        ),
        Case(
            "klik_zip_not_xlsx.xlsx",
            "klik",
            "error",
            "ikke et regneark",
            _write(_zip({"brugere.csv": klik_csv.encode()})),
        ),
        Case(
            "klik_pdf.xlsx",
            "klik",
            "error",
            "ikke et regneark",
            _write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
        ),
        Case(
            "klik_ole_garbage.xls",
            "klik",
            "error",
            "beskadiget",
            _write(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(range(256)) * 8),
        ),
        Case("klik_folder.xlsx", "klik", "error", "mappe", _mkdir("brugere.csv")),
        Case(
            "klik_unclosed_quote.csv",
            "klik",
            "records",
            "",
            _write(klik_csv + 'Eva "Ekstra;evek;e@k.dk;33000000;;"KLIK-administrator\r\n'),
        ),
        # --- AD --------------------------------------------------------------------------
        Case("ad_empty.csv", "ad", "error", "filen er tom", _write(b"")),
        Case(
            "ad_type_line_only.csv",
            "ad",
            "error",
            "kan ikke finde en kolonne",
            _write("#TYPE Microsoft.ActiveDirectory.Management.ADUser\r\nx\r\n"),
        ),
        Case(
            "ad_no_id_column.csv",
            "ad",
            "error",
            "sAMAccountName",
            _write('"DisplayName","telephoneNumber"\r\n"Anna","33663366"\r\n'),
        ),
        Case(
            "ad_utf16_export.csv",
            "ad",
            "records",
            "",
            _write(codecs.BOM_UTF16_LE + AD_CSV.replace(",", "\t").encode("utf-16-le")),
        ),
        Case("ad_header_only.csv", "ad", "records", "", _write(AD_HEADER + "\r\n")),
        Case(
            "ad_broken_base64.ldif",
            "ad",
            "error",
            "ikke gyldig base64",
            _write(AD_LDIF.replace("EjRWeJq83vARIjNEVWZ3iA==", "EjRWeJq8*3vARIjNEVWZ3i")),
            where="linje 5",
        ),
        Case(
            "ad_line_separator.ldif",
            "ad",
            "records",
            "",
            _write(
                AD_LDIF.replace(
                    "sAMAccountName: anha\n",
                    "sAMAccountName: anha\ndescription: a\u2028b\x85c\x0cd\n",
                )
            ),
            note="U+2028, NEL and form feed inside a value do not end the line (RFC 2849)",
        ),
        Case(
            "ad_url_value.ldif",
            "ad",
            "error",
            "henviser til en anden fil",
            _write(
                AD_LDIF.replace("telephoneNumber: 33663366", "telephoneNumber:< file:///etc/passwd")
            ),
        ),
        Case(
            "ad_not_ldif_line.ldif",
            "ad",
            "error",
            "attribut: værdi",
            _write(AD_LDIF.replace("userAccountControl: 512", "userAccountControl 512")),
        ),
        Case(
            "ad_nul_bytes.ldif",
            "ad",
            "error",
            "NUL-tegn",
            _write(AD_LDIF.replace("anha", "an\x00ha")),
        ),
        Case("ad_empty.ldif", "ad", "error", "LDIF-filen er tom", _write("# intet\n\n")),
        Case(
            "ad_uac_superscript.ldif",
            "ad",
            "records",
            "",
            _write(AD_LDIF.replace("userAccountControl: 512", "userAccountControl: 51²2")),
            note="found by make fuzz: '²'.isdigit() is True, but int() refused it (ValueError)",
        ),
        Case(
            "ad_uac_superscript.csv",
            "ad",
            "records",
            "",
            _write(
                '"SamAccountName","userAccountControl","telephoneNumber"\r\n'
                '"anha","5²2","33663366"\r\n'
            ),
            note="the same in the CSV reader",
        ),
        Case("ad_folder", "ad", "error", "mappe", _mkdir("ad.csv")),
        # --- OS2sofd ---------------------------------------------------------------------
        Case("sofd_truncated.json", "os2sofd", "error", "afkortet", _write(sofd[: len(sofd) // 2])),
        Case(
            "sofd_wrong_shape.json",
            "os2sofd",
            "error",
            "forventede OS2sofd-personer",
            _write('{"people": []}'),
        ),
        Case(
            "sofd_phones_object.json",
            "os2sofd",
            "error",
            "forventede en JSON-liste",
            _write(_sofd_with(phones={"phoneNumber": "33663366"})),
            where="persons[0].phones",
        ),
        Case(
            "sofd_latin1.json",
            "os2sofd",
            "error",
            "ikke UTF-8",
            _write(sofd.replace("Hansen", "Hånsen"), "iso-8859-1"),
        ),
        Case(
            "sofd_nested.json",
            "os2sofd",
            "error",
            "indlejret for dybt",
            _write("[" * 5000 + "]" * 5000),
            note="deeply nested",
        ),
        Case("sofd_number.json", "os2sofd", "error", "forventede en JSON-liste", _write("42")),
        Case(
            "sofd_huge_number.json",
            "os2sofd",
            "error",
            "mere end 4.300 cifre",
            _write(sofd.replace('"Hansen"', "9" * 5_000, 1)),
            note="json.loads raises a plain ValueError past sys.get_int_max_str_digits()",
        ),
        Case("SOFD_20240101.csv", "os2sofd", "records", "", _write(SOFD_CSV, "iso-8859-1")),
        Case(
            "sofd_csv_headerless.csv",
            "os2sofd",
            "error",
            '"xxxxxx-xxxx", "anha"',
            _write(
                "0101911235,anha,20304050,33663366,,1,Anna,Hansen\r\n"
                "020202-2345,sørø,,,,2,Søren,Ærø\r\n",
                "iso-8859-1",
            ),
            note="no header row: the CPR number in row 1 is masked in the message",
        ),
        Case(
            "sofd_csv_no_columns.csv",
            "os2sofd",
            "error",
            "kan ikke finde en kolonne",
            _write("navn;nummer\r\nAnna;33663366\r\n"),
        ),
        # --- OS2mo -------------------------------------------------------------------------
        Case("mo_empty.json", "os2mo", "error", "er tom", _write("  \n")),
        Case(
            "mo_errors_only.json",
            "os2mo",
            "error",
            "Forbidden",
            _write('{"data": null, "errors": [{"message": "Forbidden"}]}'),
        ),
        Case("mo_wrong_shape.json", "os2mo", "error", "forventede", _write('"employees"')),
        Case(
            "mo_trailing_garbage.json",
            "os2mo",
            "error",
            "ikke gyldig JSON",
            _write(MO_JSON + "\n}}garbage"),
        ),
        Case(
            "mo_addresses_text.json",
            "os2mo",
            "error",
            "forventede",
            _write(MO_JSON.replace('"addresses":[', '"addresses":"33663366","x":[')),
            where="addresses",
        ),
        # --- FK-ORG --------------------------------------------------------------------------
        Case(
            "fkorg_no_data.json",
            "fkorg",
            "error",
            'ingen "data"',
            _write('{"data": null, "errors": [{"message": "Unauthorized"}]}'),
        ),
        Case(
            "fkorg_unknown_node.json",
            "fkorg",
            "error",
            "forventede en FK-ORG-bruger",
            _write('[{"navn": "Anna"}]'),
            where="[0]",
        ),
        Case(
            "fkorg_huge_number.json",
            "fkorg",
            "error",
            "mere end 4.300 cifre",
            _write('[{"uuid": ' + "1" * 4_301 + "}]"),
        ),
        Case(
            "fkorg_truncated.json",
            "fkorg",
            "error",
            "afkortet",
            _write(FKORG_JSON[: len(FKORG_JSON) - 30]),
        ),
        Case(
            "fkorg_truncated.xlsx",
            "fkorg",
            "error",
            "beskadiget",
            _write(_truncated(VALID["fkorg-xlsx"][1], 0.7)),
        ),
        Case(
            "fkorg_header_only.csv",
            "fkorg",
            "records",
            "",
            _write(FKORG_CSV.splitlines()[0] + "\r\n"),
        ),
        Case("fkorg_html.xlsx", "fkorg", "error", "HTML/XML-side", _write(_HTML_XLS)),
        # --- OS2sync database ---------------------------------------------------------------
        Case(
            "os2sync_empty_folder",
            "os2sync-db",
            "error",
            "mappen indeholder hverken",
            _mkdir("LÆS_MIG.txt"),
        ),
        Case(
            "os2sync_no_columns.csv",
            "os2sync-db",
            "error",
            "kan ikke finde en kolonne",
            _write("a;b\r\n1;2\r\n"),
        ),
        Case(
            "os2sync_png.csv",
            "os2sync-db",
            "error",
            "ikke et regneark",
            _write(b"\x89PNG\r\n\x1a\n" + bytes(64)),
        ),
        Case(
            "os2sync_odd_ids.csv",
            "os2sync-db",
            "records",
            "",
            _write(
                csv_text(
                    [
                        ["id", "uuid", "user_id", "landline", "operation"],
                        ["²", "1027c4d1-c386-4bc4-ad61-3e30d8f16adf", "anha", "33663366", "UPDATE"],
                        ["9" * 5_000, "1027c4d1-c386-4bc4-ad61-3e30d8f16adf", "anha", "", "UPDATE"],
                    ]
                )
            ),
            note="ids int() refuses: '²' (isdigit) and 5,000 digits (over 4,300)",
        ),
        # --- OPUS ---------------------------------------------------------------------------
        Case("opus_xxe.xml", "opus", "error", "DTD", _write(_XXE)),
        Case("opus_parameter_entity.xml", "opus", "error", "DTD", _write(_PARAMETER_XXE)),
        Case("opus_billion_laughs.xml", "opus", "error", "DTD", _write(_LAUGHS)),
        Case(
            "opus_xinclude.xml",
            "opus",
            "records",
            "",
            _write(_XINCLUDE),
            note="XInclude is not processed: /etc/passwd is never read",
        ),
        Case(
            "opus_truncated.xml",
            "opus",
            "error",
            "ikke gyldig XML",
            _write(OPUS_XML[: len(OPUS_XML) // 2]),
            where="linje",
        ),
        Case(
            "opus_no_employees.xml",
            "opus",
            "error",
            "ingen medarbejdere",
            _write('<?xml version="1.0"?><kmd><orgUnit id="1"/></kmd>'),
        ),
        Case("opus_empty.xml", "opus", "error", "ikke gyldig XML", _write(b"")),
        Case(
            "opus_unknown_encoding.xml",
            "opus",
            "error",
            'tegnkodningen "UUF-8"',
            _write(OPUS_XML.replace('encoding="UTF-8"', 'encoding="UUF-8"')),
            note="found by test_mutation: expat's LookupError escaped as a traceback",
        ),
        Case(
            "opus_multibyte_encoding.xml",
            "opus",
            "error",
            'tegnkodningen "UTF-32"',
            _write(OPUS_XML.replace('encoding="UTF-8"', 'encoding="UTF-32"')),
            note="expat raises ValueError for multi-byte encodings it does not know",
        ),
        Case(
            "opus_deep.xml",
            "opus",
            "error",
            "indlejret mere end 100 niveauer",
            _write("<kmd>" + "<a>" * 1_000 + "</a>" * 1_000 + "</kmd>"),
            note="1,000 levels: the reader's walk would raise RecursionError",
        ),
        Case("opus_folder", "opus", "error", "mappe", _mkdir("opus.xml")),
        # --- HR -------------------------------------------------------------------------------
        Case("hr_html.xls", "hr", "error", "HTML/XML-side", _write(_HTML_XLS)),
        Case("hr_header_only.csv", "hr", "records", "", _write(HR_CSV.splitlines()[0] + "\r\n")),
        Case(
            "hr_no_columns.csv",
            "hr",
            "error",
            "kan ikke finde en kolonne",
            _write("x;y\r\n1;2\r\n"),
        ),
        # --- the chain config (TOML) ---------------------------------------------------------
        Case(
            "config_broken.toml",
            "config",
            "error",
            "ugyldig TOML",
            _write('[[source]]\nkind = "ad\n'),
        ),
        Case(
            "config_source_not_table.toml",
            "config",
            "error",
            "[[source]]",
            _write('source = "ad.csv"\n'),
        ),
        Case(
            "config_unknown_kind.toml",
            "config",
            "error",
            "ukendt",
            _write('[[source]]\nkind = "sap"\npath = "x.csv"\n'),
        ),
        Case(
            "config_binary.toml",
            "config",
            "error",
            "ikke UTF-8-tekst",
            _write(b"\xff\xfe\x00[\x00"),
        ),
        Case(
            "config_unknown_setting.toml",
            "config",
            "error",
            "Ukendt indstilling 's.urce'",
            _write(CONFIG_TOML.replace("[[source]]", "[s.urce]")),
            note="found by make fuzz: a wrong setting did not name the file",
        ),
        Case(
            "config_huge_number.toml",
            "config",
            "error",
            "et tal har for mange cifre",
            _write("[audit]\nfail_under = " + "9" * 5_000 + "\n"),
            note="tomllib's int() raises a plain ValueError past 4,300 digits",
        ),
        Case(
            "config_deep.toml",
            "config",
            "error",
            "indlejret for dybt",
            _write("x = " + "[" * 5_000 + "]" * 5_000 + "\n"),
            note="tomllib recurses per level: RecursionError",
        ),
    ]


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_manifest(all_cases: Sequence[Case], path: Path) -> None:
    lines = [
        "# Generated by tests/robustness/make_corpus.py: do not edit by hand.",
        "# outcome = records: odd but legal input, the reader returns data.",
        "# outcome = error: InputError (ConfigError for kind config) naming the file,",
        "# with `message` (and `where`, when given) in its text.",
        "",
    ]
    for case in all_cases:
        lines += [
            "[[case]]",
            f"file = {_toml_string(case.file)}",
            f"kind = {_toml_string(case.kind)}",
            f"outcome = {_toml_string(case.outcome)}",
            f"message = {_toml_string(case.message)}",
        ]
        if case.where:
            lines.append(f"where = {_toml_string(case.where)}")
        if case.note:
            lines.append(f"note = {_toml_string(case.note)}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    BAD_DIR.mkdir(parents=True, exist_ok=True)
    all_cases = cases()
    names = [c.file for c in all_cases]
    if len(names) != len(set(names)):
        raise SystemExit("two cases share a file name")
    for case in all_cases:
        case.build(BAD_DIR / case.file)
    write_manifest(all_cases, BAD_DIR / "manifest.toml")
    print(f"{len(all_cases)} tilfælde skrevet til {BAD_DIR}")


if __name__ == "__main__":
    main()
