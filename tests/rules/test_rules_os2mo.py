"""The OS2mo export: class lists, visibility, it-user addresses, engagement."""

from __future__ import annotations

import pytest

from telefonspor.model import PhoneEntry, SourceRecord
from telefonspor.rules import passage
from telefonspor.settings import defaults

SETTINGS = defaults()
IT_USER_MODE = SETTINGS.replace({"os2mo.addresses_on_it_user": True})


def mo(*phones: PhoneEntry, flags: frozenset[str] = frozenset()) -> SourceRecord:
    return SourceRecord("os2mo", "abc123", person_key="p1", phones=phones, flags=flags)


def addr(raw: str, kind: str, visibility: str = "PUBLIC", owner: str = "person") -> PhoneEntry:
    return PhoneEntry(raw, kind, visibility, owner=owner)


def test_default_classes_send_desk_and_mobile() -> None:
    record = mo(addr("33663366", "PhoneEmployee"), addr("20304050", "MobilePhoneEmployee"))
    p = passage(record, SETTINGS)
    assert (p.direct.held, p.direct.sent) == (("33663366",), "33663366")
    assert (p.mobile.held, p.mobile.sent) == (("20304050",), "20304050")


def test_unset_visibility_is_sent() -> None:
    assert passage(mo(addr("33663366", "PhoneEmployee", "")), SETTINGS).direct.sent == "33663366"


def test_first_class_in_list_order_wins() -> None:
    settings = SETTINGS.replace({"os2mo.landline_scope_classes": ["Direct", "PhoneEmployee"]})
    record = mo(addr("33663366", "PhoneEmployee"), addr("44444444", "Direct"))
    out = passage(record, settings).direct
    assert out.sent == "44444444"
    assert out.blocked == (("33663366", "os2mo.other_address_sent"),)


def test_class_uuid_matches_case_insensitively() -> None:
    uuid = "0F6C1E1B-0000-4000-8000-000000000001"
    settings = SETTINGS.replace({"os2mo.phone_scope_classes": [uuid]})
    assert passage(mo(addr("20304050", uuid.lower())), settings).mobile.sent == "20304050"


def test_phone_type_outside_both_lists_is_held_as_direct_not_in_scope() -> None:
    out = passage(mo(addr("33663366", "AfdelingsTelefon")), SETTINGS).direct
    assert (out.held, out.sent, out.rule) == (("33663366",), "", "os2mo.type_not_in_scope")


def test_empty_class_list_sends_nothing() -> None:
    settings = SETTINGS.replace({"os2mo.landline_scope_classes": []})
    out = passage(mo(addr("33663366", "PhoneEmployee")), settings).direct
    assert (out.held, out.sent, out.rule) == (("33663366",), "", "os2mo.empty_class_list")
    settings = SETTINGS.replace({"os2mo.phone_scope_classes": []})
    p = passage(mo(addr("20304050", "MobilePhoneEmployee")), settings)
    # With no mobile classes every phone address is a desk line, held in the direct slot.
    assert p.mobile.held == ()
    assert p.direct.rule == "os2mo.type_not_in_scope"


@pytest.mark.parametrize("visibility", ["INTERNAL", "SECRET"])
def test_visibility_other_than_public_is_not_sent(visibility: str) -> None:
    out = passage(mo(addr("20304050", "MobilePhoneEmployee", visibility)), SETTINGS).mobile
    assert (out.sent, out.rule) == ("", "os2mo.visibility_not_public")


def test_it_user_mode_needs_addresses_on_the_it_user() -> None:
    on_person = mo(addr("20304050", "MobilePhoneEmployee", owner="person"))
    assert passage(on_person, SETTINGS).mobile.sent == "20304050"
    out = passage(on_person, IT_USER_MODE).mobile
    assert (out.sent, out.rule) == ("", "os2mo.address_on_person")
    on_it_user = mo(addr("20304050", "MobilePhoneEmployee", owner="it_user"))
    assert passage(on_it_user, IT_USER_MODE).mobile.sent == "20304050"


def test_no_engagement_sends_nothing_and_wins_over_other_rules() -> None:
    record = mo(
        addr("20304050", "MobilePhoneEmployee", "SECRET"), flags=frozenset({"no_engagement"})
    )
    out = passage(record, SETTINGS).mobile
    assert (out.sent, out.rule) == ("", "os2mo.no_engagement")


def test_rule_order_visibility_before_owner() -> None:
    record = mo(addr("20304050", "MobilePhoneEmployee", "INTERNAL", owner="person"))
    assert passage(record, IT_USER_MODE).mobile.rule == "os2mo.visibility_not_public"
