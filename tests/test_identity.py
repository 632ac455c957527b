"""Linking a KLIK holder to the same person in every system of the chain."""

from __future__ import annotations

import pytest

from telefonspor.identity import IdentityResolver, user_name_key
from telefonspor.model import KlikUser, SourceData, SourceRecord


def klik(user_name: str = "abc123", email: str = "", name: str = "Anna Berg") -> KlikUser:
    return KlikUser(
        user_id=user_name or email or name,
        name=name,
        email=email,
        unit="",
        municipality="",
        roles=("Rolle",),
        direct_raw="",
        mobile_raw="",
        row=2,
        user_name=user_name,
    )


def data(kind: str, position: str, *records: SourceRecord) -> SourceData:
    return SourceData(kind, position, records, origin=f"{kind}.csv")


def fk(user_id: str, uuid: str = "", email: str = "", person: str = "") -> SourceRecord:
    return SourceRecord("fkorg", user_id, uuid=uuid, email=email, person_key=person)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("ABC123", "abc123"),
        ("KOMMUNE\\abc123", "abc123"),
        ("abc123@kommune.dk", "abc123"),
        ("  Kommune\\ABC123@kommune.dk ", "abc123"),
        ("", ""),
    ],
)
def test_user_name_key(text: str, key: str) -> None:
    assert user_name_key(text) == key


def test_holder_to_fkorg_by_user_name_with_domain_and_upn() -> None:
    resolver = IdentityResolver([data("fkorg", "fkorg", fk("KOMMUNE\\ABC123"), fk("xyz"))])
    (link,) = resolver.resolve(klik("abc123@kommune.dk")).links
    assert link.record is not None
    assert link.record.user_id == "KOMMUNE\\ABC123"
    assert (link.key, link.confidence) == ("user_id", "exact")


def test_holder_to_fkorg_by_email_when_user_name_fails() -> None:
    resolver = IdentityResolver([data("fkorg", "fkorg", fk("zz9", email="Anna@Kommune.dk"))])
    (link,) = resolver.resolve(klik("", email="anna@kommune.dk")).links
    assert link.record is not None
    assert link.record.user_id == "zz9"
    assert (link.key, link.confidence) == ("email", "probable")


def test_email_is_not_used_as_a_user_name_when_the_export_lacks_one() -> None:
    # user_id falls back to the e-mail; its local part must not match an account "anna".
    resolver = IdentityResolver([data("fkorg", "fkorg", fk("anna"))])
    (link,) = resolver.resolve(klik("", email="anna@kommune.dk")).links
    assert not link.found


def test_fkorg_to_local_by_uuid_before_user_id() -> None:
    fkorg = fk("abc123", uuid="AAAAAAAA-0000-4000-8000-000000000001")
    by_uuid = SourceRecord("os2sofd", "other", uuid="aaaaaaaa-0000-4000-8000-000000000001")
    by_name = SourceRecord("os2sofd", "abc123", person_key="p2")
    resolver = IdentityResolver(
        [data("fkorg", "fkorg", fkorg), data("os2sofd", "local", by_name, by_uuid)]
    )
    _, local = resolver.resolve(klik()).links
    assert local.record is by_uuid
    assert (local.key, local.confidence) == ("uuid", "exact")


def test_fkorg_to_local_by_user_id_when_no_uuid_matches() -> None:
    local_record = SourceRecord("os2mo", "ABC123", uuid="bbbbbbbb-0000-4000-8000-000000000002")
    resolver = IdentityResolver(
        [
            data("fkorg", "fkorg", fk("abc123", uuid="c0ffee00-0000-4000-8000-000000000003")),
            data("os2mo", "local", local_record),
        ]
    )
    _, local = resolver.resolve(klik()).links
    assert local.record is local_record
    assert local.key == "user_id"


def test_local_to_source_by_user_id_then_employee_id_then_email() -> None:
    local_record = SourceRecord(
        "os2sofd", "abc123", person_key="p1", employee_id="00042", email="anna@kommune.dk"
    )
    chain = [data("fkorg", "fkorg", fk("abc123")), data("os2sofd", "local", local_record)]
    for source_record, key in [
        (SourceRecord("ad", "ABC123"), "user_id"),
        (SourceRecord("opus", "", employee_id="42"), "employee_id"),
        (SourceRecord("hr", "", email="ANNA@kommune.dk"), "email"),
    ]:
        resolver = IdentityResolver([*chain, data(source_record.system, "source", source_record)])
        *_, link = resolver.resolve(klik()).links
        assert link.record is source_record, key
        assert link.key == key
        assert link.confidence == ("exact" if key == "user_id" else "probable")


def test_without_fkorg_local_and_source_are_linked_by_the_holder() -> None:
    sofd = SourceRecord("os2sofd", "abc123", person_key="p1")
    ad = SourceRecord("ad", "", email="anna@kommune.dk")
    resolver = IdentityResolver([data("os2sofd", "local", sofd), data("ad", "source", ad)])
    local, source = resolver.resolve(klik(email="anna@kommune.dk")).links
    # The source is reached from the local record (user id), not the holder.
    assert local.record is sofd
    assert not source.found
    resolver = IdentityResolver([data("ad", "source", ad)])
    (source,) = resolver.resolve(klik(email="anna@kommune.dk")).links
    assert source.record is ad
    assert source.key == "email"


def test_source_linked_from_fkorg_when_local_has_no_record() -> None:
    ad = SourceRecord("ad", "abc123", uuid="aaaaaaaa-0000-4000-8000-000000000001")
    resolver = IdentityResolver(
        [
            data("fkorg", "fkorg", fk("abc123", uuid="aaaaaaaa-0000-4000-8000-000000000001")),
            data("os2sofd", "local"),
            data("ad", "source", ad),
        ]
    )
    _fkorg, local, source = resolver.resolve(klik()).links
    assert not local.found
    assert source.record is ad
    assert source.key == "uuid"


def test_two_distinct_persons_are_ambiguous_and_link_nothing() -> None:
    records = (
        SourceRecord("hr", "", email="anna@kommune.dk", person_key="1"),
        SourceRecord("hr", "", email="anna@kommune.dk", person_key="2"),
    )
    resolver = IdentityResolver([data("hr", "source", *records)])
    identity = resolver.resolve(klik("", email="anna@kommune.dk"))
    (link,) = identity.links
    assert not link.found
    assert (link.key, link.confidence) == ("email", "ambiguous")
    assert identity.flags == ("ambiguous_match",)


def test_one_person_with_several_accounts_is_not_ambiguous() -> None:
    records = (
        SourceRecord("os2sofd", "abc123", email="anna@kommune.dk", person_key="p1"),
        SourceRecord("os2sofd", "abc123x", email="anna@kommune.dk", person_key="p1"),
    )
    resolver = IdentityResolver([data("os2sofd", "local", *records)])
    identity = resolver.resolve(klik("", email="anna@kommune.dk"))
    (link,) = identity.links
    assert link.records == records
    assert identity.flags == ()


def test_one_person_with_several_fkorg_users_is_flagged() -> None:
    resolver = IdentityResolver(
        [data("fkorg", "fkorg", fk("abc123", person="P"), fk("abc123adm", person="P"), fk("x"))]
    )
    identity = resolver.resolve(klik())
    assert identity.links[0].record is not None
    assert identity.links[0].record.user_id == "abc123"
    assert identity.flags == ("several_fkorg_users",)
    assert resolver.resolve(klik("x")).flags == ()


def test_unknown_holder_links_nothing() -> None:
    resolver = IdentityResolver([data("fkorg", "fkorg", fk("abc123"))])
    identity = resolver.resolve(klik("nobody", email="nobody@kommune.dk"))
    assert [link.found for link in identity.links] == [False]
    assert identity.flags == ()
