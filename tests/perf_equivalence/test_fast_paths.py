"""Fast paths give exactly what the generic code gives (issue 7: speed without new behaviour)."""

from __future__ import annotations

import csv
import uuid
from datetime import date
from pathlib import Path

import msgspec
import pytest

from telefonspor.model import PhoneEntry, SourceRecord
from telefonspor.phones import PhoneEngine
from telefonspor.rules import passage
from telefonspor.rules.outcome import Passage, SlotOutcome, outcome, pass_through
from telefonspor.sample import generate_chain
from telefonspor.settings import defaults, load
from telefonspor.sources import opus, read_source
from telefonspor.sources.ad import read_ad, record_from_attributes
from telefonspor.sources.common import canonical_uuid
from telefonspor.systemic import _Population


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("chain")
    generate_chain(directory, holders=120, users=400, seed=7)
    return directory


def _generic_ad(path: Path, user_id_attribute: str) -> list[SourceRecord]:
    """The AD CSV through the generic record_from_attributes, row by row."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(handle)
    first = 2
    if lines[0].startswith("#TYPE"):  # the reader counts the PowerShell type line as row 1
        lines, first = lines[1:], 3
    out = []
    for number, row in enumerate(
        csv.DictReader(lines, delimiter=_delimiter(lines[0])), start=first
    ):
        attrs = {k: v.strip() for k, v in row.items() if v and v.strip()}
        location = f"{path.name} række {number}"
        out.append(
            record_from_attributes(attrs, location=location, user_id_attribute=user_id_attribute)
        )
    return out


def _delimiter(header: str) -> str:
    return ";" if header.count(";") >= header.count(",") else ","


def test_ad_fast_path_equals_generic_on_sample_chain(chain: Path) -> None:
    path = next(chain.glob("AD*.csv"))
    settings = load(chain / "kaede.toml")
    fast = read_ad(path, options={}, settings=settings).records
    assert list(fast) == _generic_ad(path, settings.text("ad.user_id_attribute"))
    assert (any(r.phones for r in fast) and any(not r.active for r in fast)) or fast


def test_ad_fast_path_equals_generic_on_odd_cells(tmp_path: Path) -> None:
    path = tmp_path / "ad.csv"
    rows = [
        [
            "SamAccountName",
            "ObjectGUID",
            "Enabled",
            "userAccountControl",
            "OfficePhone",
            "telephoneNumber",
            "otherTelephone",
            "MobilePhone",
            "EmailAddress",
            "DisplayName",
        ],
        [
            "anna",
            "{ABCDEF01-2345-6789-ABCD-EF0123456789}",
            "",
            "514",
            "33 66 33 66",
            "33 66 33 66",
            "11111111; 22222222 | 33333333",
            " 20304050 ",
            "",
            "Anna",
        ],
        ["bo", "not-a-guid", "False", "", "", "", "", "", "bo@x.dk", ""],
        ["  ", "abcdef0123456789abcdef0123456789", "True", "", "4417", "", "", "", "", "Bo"],
    ]
    with path.open("w", encoding="cp1252", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    fast = read_ad(path, options={}, settings=defaults()).records
    generic = _generic_ad_cp1252(path)
    assert list(fast) == generic
    assert fast[0].flags == frozenset({"disabled"}) and len(fast[0].phones) == 5


def _generic_ad_cp1252(path: Path) -> list[SourceRecord]:
    with path.open(encoding="cp1252", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    out = []
    for number, row in enumerate(rows[1:], start=2):
        attrs = {k: v.strip() for k, v in zip(rows[0], row, strict=True) if v.strip()}
        out.append(
            record_from_attributes(
                attrs, location=f"{path.name} række {number}", user_id_attribute="sAMAccountName"
            )
        )
    return out


@pytest.mark.parametrize(
    "text",
    [
        "abcdef01-2345-6789-abcd-ef0123456789",
        "ABCDEF01-2345-6789-ABCD-EF0123456789",
        "{abcdef01-2345-6789-abcd-ef0123456789}",
        " abcdef0123456789abcdef0123456789 ",
        "urn:uuid:abcdef01-2345-6789-abcd-ef0123456789",
        "abcdef01-2345-6789-abcd-ef012345678",
        "Not A Guid",
        "",
    ],
)
def test_canonical_uuid_fast_path_equals_uuid_module(text: str) -> None:
    cleaned = text.strip().strip("{}").strip()
    try:
        expected = str(uuid.UUID(cleaned)) if cleaned else ""
    except ValueError:
        expected = cleaned.lower()
    assert canonical_uuid(text) == expected


def _reference_outcome(
    held: tuple[PhoneEntry, ...],
    sent: PhoneEntry | None,
    reasons: dict[int, str],
    other: tuple[str, ...] = (),
) -> SlotOutcome:
    blocked = tuple((held[i].raw, rule) for i, rule in sorted(reasons.items()))
    return SlotOutcome(
        held=tuple(p.raw for p in held),
        sent=sent.raw if sent is not None else "",
        other=other,
        rule=blocked[0][1] if blocked else "",
        blocked=blocked,
    )


def test_outcome_constructors_equal_dataclass_init() -> None:
    a, b = PhoneEntry("33663366", "LANDLINE"), PhoneEntry("20304050", "MOBILE")
    for held, sent, reasons, other in [
        ((), None, {}, ()),
        ((a,), a, {}, ()),
        ((a, b), b, {0: "x.rule"}, ("7070",)),
        ((a, b), None, {1: "y", 0: "x"}, ()),
    ]:
        got = outcome(held, sent, reasons, other)
        assert got == _reference_outcome(held, sent, reasons, other)
        assert hash(got) == hash(_reference_outcome(held, sent, reasons, other))
    assert pass_through((a, b)) == _reference_outcome((a, b), a, {})
    assert pass_through(()) == SlotOutcome((), "")


def test_rules_passages_equal_dataclass_built(chain: Path) -> None:
    settings = load(chain / "kaede.toml")
    for spec in settings.sources:
        for record in read_source(spec, settings).records:
            got = passage(record, settings)
            assert got == Passage(
                SlotOutcome(
                    **{
                        f.name: getattr(got.direct, f.name)
                        for f in msgspec.structs.fields(SlotOutcome)
                    }
                ),
                SlotOutcome(
                    **{
                        f.name: getattr(got.mobile, f.name)
                        for f in msgspec.structs.fields(SlotOutcome)
                    }
                ),
            )


def test_population_counts_equal_naive_walk(chain: Path) -> None:
    settings = load(chain / "kaede.toml")
    sources = [read_source(spec, settings) for spec in settings.sources]
    engine = PhoneEngine()
    facts = _Population(sources, settings, engine)

    def naive(kind: str, slot: str) -> tuple[int, int]:
        seen: set[str] = set()
        hits = total = 0
        for s in sources:
            if s.kind != kind:
                continue
            for r in s.records:
                person = r.person_key or r.user_id or str(id(r))
                if person in seen:
                    continue
                seen.add(person)
                total += 1
                held = passage(r, settings).slot(slot).held
                hits += any(raw and engine.parse(raw).usable for raw in held)
        return hits, total

    for kind in {s.kind for s in sources}:
        for slot in ("direct", "mobile"):
            got = facts.count(kind, lambda r, slot=slot: facts.holds(r, slot))
            assert got == naive(kind, slot)
            assert got[1] > 0
    for attribute in ("telephoneNumber", "MOBILE", "ipPhone"):
        naive_hits = sum(
            any(
                p.type.casefold() == attribute.casefold() and engine.parse(p.raw).usable
                for p in r.phones
                if p.raw
            )
            for r in facts.persons("ad")
        )
        assert facts.count("ad", lambda r, a=attribute: facts.ad_attribute(r, a))[0] == naive_hits


def _opus_tree_records(path: Path) -> list[SourceRecord]:
    """The OPUS records the way the reader made them before issue 15: whole tree, then walk."""
    import xml.etree.ElementTree as ET

    return opus.records_from_xml(ET.parse(path).getroot(), origin=path.name, today=date.today())


def test_opus_streaming_equals_tree_walk_on_sample_chain(chain: Path) -> None:
    path = next(chain.glob("opus*.xml"))
    streamed = list(opus.read_opus(path, options={}, settings=defaults()).records)
    assert streamed == _opus_tree_records(path)
    assert len(streamed) > 100


def test_opus_streaming_equals_tree_walk_on_nested_and_namespaced(tmp_path: Path) -> None:
    """Employees under any depth, an employee inside an employee (data, not a second record),
    the root itself an employee in another file, namespaces, attributes and children."""
    nested = tmp_path / "nested.xml"
    nested.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<kmd xmlns="urn:kmd:opus"><afdeling><Employee id="1" userId="aa">'
        "<workPhone>33 12 34 56</workPhone><employee><mobilePhone>21212121</mobilePhone>"
        "</employee></Employee></afdeling><medarbejder><medarbejdernr>2</medarbejdernr>"
        "<kommunikation><art>0020</art><id>+45 70 10 20 30</id></kommunikation>"
        '<kommunikation art="0001" id="bb"/></medarbejder><ansat action="leave" id="3"/></kmd>',
        encoding="utf-8",
    )
    root_employee = tmp_path / "root.xml"
    root_employee.write_text(
        "<employee id='9'><email>x@k.dk</email><employee id='10'/></employee>", encoding="utf-8"
    )
    for path in (nested, root_employee):
        streamed = list(opus.read_opus(path, options={}, settings=defaults()).records)
        assert streamed == _opus_tree_records(path)
    assert len(opus.read_opus(nested, options={}, settings=defaults()).records) == 3
