"""OPUS employee XML: tolerant layouts, communication codes, and no XXE."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from telefonspor.errors import InputError
from telefonspor.model import PhoneEntry, SourceRecord
from telefonspor.sources import opus

from .chain_files import SETTINGS


def read(path: Path) -> list[SourceRecord]:
    return list(opus.read_opus(path, options={}, settings=SETTINGS).records)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "opus.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_opus_export_with_attributes_children_and_communication(tmp_path: Path) -> None:
    left = date.today() - timedelta(days=10)
    path = write(
        tmp_path,
        f"""<?xml version="1.0" encoding="UTF-8"?>
<kmd xmlns="urn:kmd:opus">
  <orgUnit id="100"><longName>Rådhuset</longName><workPhone>33000000</workPhone></orgUnit>
  <employee id="70001" client="751" action="">
    <cpr suppId="1">0101701234</cpr>
    <firstName>Søren</firstName>
    <lastName>Ærø</lastName>
    <workPhone>33 12 34 56</workPhone>
    <communication type="9021"><value>20 30 40 50</value></communication>
    <communication type="0010"><value>soe@kommune.dk</value></communication>
    <communication type="0001"><value>SOAE</value></communication>
  </employee>
  <employee id="70002" action="leave">
    <firstName>Gammel</firstName><lastName>Ansat</lastName>
  </employee>
  <employee>
    <medarbejdernr>70003</medarbejdernr>
    <kommunikation><art>0020</art><id>86 00 00 00</id></kommunikation>
    <userId>mie</userId>
    <mobilePhone>22222222</mobilePhone>
    <leaveDate>{left.isoformat()}</leaveDate>
  </employee>
</kmd>""",
    )
    data = opus.read_opus(path, options={}, settings=SETTINGS)
    assert (data.kind, data.position) == ("opus", "source")
    soeren, gammel, mie = data.records
    assert (soeren.user_id, soeren.employee_id, soeren.email, soeren.name) == (
        "SOAE",
        "70001",
        "soe@kommune.dk",
        "Søren Ærø",
    )
    # 9021 is the department's number (afdelingsnummer), not Søren's mobile.
    assert soeren.phones == (PhoneEntry("33 12 34 56", "workPhone"),)
    assert soeren.active and not gammel.active
    assert (mie.user_id, mie.employee_id) == ("mie", "70003")
    assert mie.phones == (
        PhoneEntry("86 00 00 00", "workPhone"),
        PhoneEntry("22222222", "mobilePhone"),
    )
    assert not mie.active
    assert "0101701234" not in repr(data)


def test_communication_types_as_os2sofd_reads_them(tmp_path: Path) -> None:
    """OS2sofd/os2sofd ui/.../service/OpusService.java (commit 88a368a6): kommunikationsart
    0020 is "telefonnummer eller mobilnummer" (the employee's one work number, written from
    the typePrime LANDLINE else typePrime MOBILE), 9021 is "afdelingsnummer" (written from
    the department phone), 0010 e-mail, 0001 user id."""
    path = write(
        tmp_path,
        """<kmd>
  <employee id="80001">
    <kommunikation><art>9021</art><id>33 99 00 00</id></kommunikation>
    <kommunikation><art>0001</art><id>ansat1</id></kommunikation>
  </employee>
  <employee id="80002">
    <kommunikation><art>0020</art><id>21 21 21 21</id></kommunikation>
    <kommunikation><art>9021</art><id>33 99 00 00</id></kommunikation>
  </employee>
</kmd>""",
    )
    only_department, both = read(path)
    assert (only_department.user_id, only_department.employee_id) == ("ansat1", "80001")
    assert only_department.phones == ()
    assert both.phones == (PhoneEntry("21 21 21 21", "workPhone"),)
    assert all("33 99 00 00" not in repr(r) for r in (only_department, both))


def test_entities_are_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '<?xml version="1.0"?>\n<!DOCTYPE kmd [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        "<kmd><employee id='1'><workPhone>&xxe;</workPhone></employee></kmd>",
    )
    with pytest.raises(InputError, match="entiteter") as caught:
        read(path)
    assert str(path) in str(caught.value)


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;">]><kmd>&lol2;</kmd>',
    )
    with pytest.raises(InputError, match="sikkerhedshensyn"):
        read(path)


def test_truncated_xml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "<kmd>\n<employee id='1'>\n<workPhone>3312")
    with pytest.raises(InputError, match="linje 3"):
        read(path)


def test_xml_without_employees(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="ingen medarbejdere"):
        read(write(tmp_path, "<kmd><orgUnit id='1'/></kmd>"))


def test_unknown_encoding_is_a_clean_error(tmp_path: Path) -> None:
    """Found by the mutation test: a flipped letter in the XML declaration's encoding."""
    path = write(tmp_path, '<?xml version="1.0" encoding="UUF-8"?>\n<kmd><employee id="1"/></kmd>')
    with pytest.raises(InputError, match='tegnkodningen "UUF-8", som ikke kan bruges') as caught:
        read(path)
    assert str(path) in str(caught.value)
