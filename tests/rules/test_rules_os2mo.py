"""The OS2mo export to OS2sync: class lists, visibility, it-user addresses, engagement.

Modelled on magenta-aps/os2mo-os2sync-export at 5539c62f40d0732a3b2e7c495ca46914915bc869:
``os2sync_export/config.py`` (``phone_scope_classes``/``landline_scope_classes`` are
``list[UUID]``, default ``[]``), ``os2sync_export/os2mo.py`` ``pick_address`` (old mode)
and ``os2sync_export/os2mo_gql.py`` ``choose_public_address``/``convert_to_os2sync``
(new mode): match on ``address_type.uuid``, visibility unset or PUBLIC, the class listed
first wins, a user without positions is not synced.
"""

from __future__ import annotations

import pytest

from telefonspor.model import PhoneEntry, SourceRecord
from telefonspor.rules import passage
from telefonspor.settings import defaults

DESK = "cbadfa0f-ce4f-40b9-86a0-2e85d8961f5d"
MOBILE = "f376deb8-4743-4ca6-a047-3241de8fe9d2"
DIRECT = "7a1f0c55-2b1e-4f7e-9d9e-0d6a4b8c1e21"
SETTINGS = defaults().replace(
    {"os2mo.landline_scope_classes": [DESK], "os2mo.phone_scope_classes": [MOBILE]}
)
IT_USER_MODE = SETTINGS.replace({"os2mo.addresses_on_it_user": True})
_UUIDS = {"PhoneEmployee": DESK, "MobilePhoneEmployee": MOBILE, "Direct": DIRECT}


def mo(*phones: PhoneEntry, flags: frozenset[str] = frozenset()) -> SourceRecord:
    return SourceRecord("os2mo", "abc123", person_key="p1", phones=phones, flags=flags)


def addr(raw: str, kind: str, visibility: str = "PUBLIC", owner: str = "person") -> PhoneEntry:
    return PhoneEntry(raw, kind, visibility, owner=owner, type_uuid=_UUIDS.get(kind, ""))


def test_upstream_defaults_send_nothing() -> None:
    """config.py: both lists default to []; pick_address then finds no candidate."""
    record = mo(addr("33663366", "PhoneEmployee"), addr("20304050", "MobilePhoneEmployee"))
    p = passage(record, defaults())
    assert defaults().strings("os2mo.phone_scope_classes") == []
    assert (p.direct.sent, p.mobile.sent) == ("", "")
    assert p.direct.blocked == (
        ("33663366", "os2mo.empty_class_list"),
        ("20304050", "os2mo.empty_class_list"),
    )


def test_class_uuids_send_desk_and_mobile() -> None:
    record = mo(addr("33663366", "PhoneEmployee"), addr("20304050", "MobilePhoneEmployee"))
    p = passage(record, SETTINGS)
    assert (p.direct.held, p.direct.sent) == (("33663366",), "33663366")
    assert (p.mobile.held, p.mobile.sent) == (("20304050",), "20304050")


def test_uuid_is_matched_whatever_the_user_key() -> None:
    """A municipality pasting its export settings (UUIDs) must not see its numbers blocked."""
    renamed = PhoneEntry("20304050", "Mobiltelefon (privat)", "PUBLIC", type_uuid=MOBILE)
    settings = SETTINGS.replace({"os2mo.phone_scope_classes": [MOBILE.upper()]})
    assert passage(mo(renamed), settings).mobile.sent == "20304050"


def test_user_key_is_accepted_as_a_convenience() -> None:
    settings = SETTINGS.replace({"os2mo.phone_scope_classes": ["mobilephoneemployee"]})
    assert passage(mo(addr("20304050", "MobilePhoneEmployee")), settings).mobile.sent == "20304050"


def test_unset_visibility_is_sent() -> None:
    assert passage(mo(addr("33663366", "PhoneEmployee", "")), SETTINGS).direct.sent == "33663366"


def test_first_class_in_list_order_wins_not_the_first_address() -> None:
    settings = SETTINGS.replace({"os2mo.landline_scope_classes": [DIRECT, DESK]})
    record = mo(addr("33663366", "PhoneEmployee"), addr("44444444", "Direct"))
    out = passage(record, settings).direct
    assert out.sent == "44444444"
    assert out.blocked == (("33663366", "os2mo.other_address_sent"),)


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


def test_new_mode_reads_the_it_users_engagements_not_the_persons() -> None:
    """os2mo_gql.py: positions come from the it-user's engagements_responses (current or
    future); the person's own current engagement does not matter in the new mode."""
    future_only = mo(
        addr("20304050", "MobilePhoneEmployee", owner="it_user"),
        flags=frozenset({"no_engagement"}),  # the person has no *current* engagement
    )
    assert passage(future_only, IT_USER_MODE).mobile.sent == "20304050"
    assert passage(future_only, SETTINGS).mobile.rule == "os2mo.no_engagement"
    unlinked = mo(
        addr("20304050", "MobilePhoneEmployee", owner="it_user"),
        flags=frozenset({"no_it_user_engagement"}),
    )
    out = passage(unlinked, IT_USER_MODE).mobile
    assert (out.sent, out.rule) == ("", "os2mo.it_user_no_engagement")
    assert passage(unlinked, SETTINGS).mobile.sent == "20304050"


def test_rule_order_visibility_before_owner() -> None:
    record = mo(addr("20304050", "MobilePhoneEmployee", "INTERNAL", owner="person"))
    assert passage(record, IT_USER_MODE).mobile.rule == "os2mo.visibility_not_public"
