"""FK-ORG read through OS2sync's /api/hierarchy: a missing landline is unknown, not lost."""

from __future__ import annotations

from telefonspor.audit import run_audit
from telefonspor.model import InputFile, KlikExport, KlikUser, PhoneEntry, SourceData, SourceRecord
from telefonspor.settings import defaults


def _holder() -> KlikExport:
    user = KlikUser("abc", "A B", "abc@k.dk", "IT", "", ("Rolle",), "", "", 2, user_name="abc")
    return KlikExport((user,), InputFile("klik.xlsx", "klik"), True, {})


def _chain(flags: frozenset[str]) -> list[SourceData]:
    local = SourceRecord(
        "os2sofd",
        "abc",
        uuid="u1",
        person_key="p1",
        phones=(PhoneEntry("33 66 33 66", "LANDLINE", "VISIBLE", type_prime=True),),
    )
    fkorg = SourceRecord("fkorg", "abc", uuid="u1", flags=flags)
    return [
        SourceData("os2sofd", "local", (local,), "sofd.json"),
        SourceData("fkorg", "fkorg", (fkorg,), "https://os2sync/api/hierarchy"),
    ]


def test_landline_from_hierarchy_is_not_blamed_on_the_sync() -> None:
    result = run_audit(_holder(), _chain(frozenset({"landline_unknown"})), defaults())
    (holder,) = result.holders
    # The direct slot is unknown, so only the mobile slot (missing everywhere) can be named.
    assert (holder.cause, holder.rule) == ("missing_in_source", "source.missing")


def test_mobile_read_via_hierarchy_still_counts() -> None:
    chain = _chain(frozenset({"landline_unknown"}))
    local = chain[0].records[0]
    hidden = PhoneEntry("20 30 40 50", "MOBILE", "VISIBLE")
    chain[0] = SourceData(
        "os2sofd",
        "local",
        (SourceRecord(**{**_fields(local), "phones": (*local.phones, hidden)}),),
        "s",
    )
    chain[1] = SourceData(
        "fkorg",
        "fkorg",
        (
            SourceRecord(
                "fkorg",
                "abc",
                uuid="u1",
                flags=frozenset({"landline_unknown"}),
                phones=(PhoneEntry("20 30 40 50", "Telefon"),),
            ),
        ),
        "h",
    )
    (holder,) = run_audit(_holder(), chain, defaults()).holders
    assert holder.cause == "lost_fkorg_to_klik"


def _fields(record: SourceRecord) -> dict[str, object]:
    return {f: getattr(record, f) for f in record.__struct_fields__}


def test_same_chain_read_fully_blames_the_sync() -> None:
    result = run_audit(_holder(), _chain(frozenset()), defaults())
    assert result.holders[0].cause == "lost_local_to_fkorg"
