"""OS2sofd's FK-ORG integration: what it holds, what it sends, which rule blocks."""

from __future__ import annotations

import pytest

from telefonspor.model import PhoneEntry, SourceRecord
from telefonspor.rules import passage
from telefonspor.settings import defaults

SETTINGS = defaults()
NO_HIDDEN = SETTINGS.replace({"os2sofd.send_hidden_phone_numbers": False})


def sofd(*phones: PhoneEntry, flags: frozenset[str] = frozenset()) -> SourceRecord:
    return SourceRecord("os2sofd", "abc123", person_key="p1", phones=phones, flags=flags)


def phone(raw: str, kind: str, visibility: str = "VISIBLE", *, tp: bool = False) -> PhoneEntry:
    return PhoneEntry(raw, kind, visibility, type_prime=tp)


def test_landline_type_prime_is_sent_and_held_as_direct() -> None:
    p = passage(sofd(phone("33663366", "LANDLINE", tp=True)), SETTINGS)
    assert (p.direct.held, p.direct.sent, p.direct.rule) == (("33663366",), "33663366", "")
    assert p.mobile.held == ()


def test_landline_order_prefers_landline_then_ip_then_broadband() -> None:
    record = sofd(
        phone("44444444", "BROADBAND", tp=True),
        phone("55555555", "IP", tp=True),
        phone("33333333", "LANDLINE", tp=True),
    )
    assert passage(record, SETTINGS).direct.sent == "33333333"
    record = sofd(phone("44444444", "BROADBAND", tp=True), phone("55555555", "IP", tp=True))
    out = passage(record, SETTINGS).direct
    assert out.sent == "55555555"
    assert out.blocked == (("44444444", "os2sofd.no_type_prime"),)


def test_landline_without_type_prime_is_not_sent() -> None:
    out = passage(sofd(phone("33663366", "LANDLINE")), SETTINGS).direct
    assert (out.sent, out.rule) == ("", "os2sofd.no_type_prime")
    assert out.held == ("33663366",)


def test_landline_visibility_is_not_checked() -> None:
    record = sofd(phone("33663366", "LANDLINE", "HIDDEN_FOR_EVERYBODY", tp=True))
    assert passage(record, NO_HIDDEN).direct.sent == "33663366"


def test_mobile_type_prime_first_else_any_mobile() -> None:
    record = sofd(phone("20304050", "MOBILE"), phone("21212121", "MOBILE", tp=True))
    out = passage(record, SETTINGS).mobile
    assert out.sent == "21212121"
    assert out.blocked == (("20304050", "os2sofd.no_type_prime"),)
    assert passage(sofd(phone("20304050", "MOBILE")), SETTINGS).mobile.sent == "20304050"


def test_hidden_mobile_is_sent_by_default() -> None:
    record = sofd(phone("20304050", "MOBILE", "HIDDEN_FOR_CITIZENS", tp=True))
    assert passage(record, SETTINGS).mobile.sent == "20304050"


def test_hidden_mobile_is_blocked_when_send_hidden_is_off() -> None:
    record = sofd(
        phone("20304050", "MOBILE", "HIDDEN_FOR_CITIZENS", tp=True),
        phone("21212121", "MOBILE", "VISIBLE"),
    )
    out = passage(record, NO_HIDDEN).mobile
    assert out.sent == "21212121"
    assert out.blocked == (("20304050", "os2sofd.hidden_mobile_not_sent"),)
    assert out.rule == "os2sofd.hidden_mobile_not_sent"


def test_null_visibility_is_not_visible() -> None:
    """OS2sofd/os2sofd OS2SyncService.updatePerson (commit 88a368a6) compares
    ``p.getVisibility() == Visibility.VISIBLE``: a null visibility is not VISIBLE."""
    out = passage(sofd(phone("20304050", "MOBILE", "")), NO_HIDDEN).mobile
    assert (out.sent, out.rule) == ("", "os2sofd.hidden_mobile_not_sent")
    # sendHiddenPhoneNumbers (on by default) sends it anyway.
    assert passage(sofd(phone("20304050", "MOBILE", "")), SETTINGS).mobile.sent == "20304050"


def test_several_mobiles_without_type_prime_send_the_lowest_number() -> None:
    """OS2sofd/os2sofd OS2SyncService.updatePerson (commit 88a368a6) sorts MOBILE phones by
    typePrime (reversed), then ``phoneNumber`` ascending, and sends the first: not JSON order."""
    record = sofd(
        phone("61616161", "MOBILE"), phone("20202020", "MOBILE"), phone("42424242", "MOBILE")
    )
    out = passage(record, SETTINGS).mobile
    assert out.sent == "20202020"
    assert out.blocked == (
        ("61616161", "os2sofd.no_type_prime"),
        ("42424242", "os2sofd.no_type_prime"),
    )
    # A typePrime mobile still wins over a lower number.
    record = sofd(phone("20202020", "MOBILE"), phone("61616161", "MOBILE", tp=True))
    assert passage(record, SETTINGS).mobile.sent == "61616161"
    # Only the visible ones compete when hidden numbers are not sent.
    record = sofd(phone("20202020", "MOBILE", "HIDDEN_FOR_CITIZENS"), phone("61616161", "MOBILE"))
    assert passage(record, NO_HIDDEN).mobile.sent == "61616161"


def test_account_without_matching_affiliation_is_skipped() -> None:
    """OS2sofd/os2sofd OS2SyncService.updatePerson (commit 88a368a6): "Skipping synchronization
    on <userId> because no affiliations are available for this account" - before the
    disabled check, so that rule is the one named."""
    flags = frozenset({"no_matching_affiliation", "disabled"})
    out = passage(sofd(phone("20304050", "MOBILE", tp=True), flags=flags), SETTINGS)
    assert (out.mobile.sent, out.mobile.rule) == ("", "os2sofd.no_matching_affiliation")


@pytest.mark.parametrize("kind", ["DEPARTMENT_NUMBER", "FAX_NUMBER", "DATA_SIM"])
def test_other_types_are_held_but_never_sent(kind: str) -> None:
    p = passage(sofd(phone("33663366", kind, tp=True)), SETTINGS)
    assert p.direct.other == p.mobile.other == ("33663366",)
    assert (p.direct.held, p.direct.sent, p.mobile.sent) == ((), "", "")


@pytest.mark.parametrize(
    ("flags", "rule"),
    [
        ({"disabled"}, "os2sofd.ad_account_disabled"),
        ({"no_affiliation"}, "os2sofd.no_active_affiliation"),
        ({"deleted"}, "os2sofd.no_active_affiliation"),
        ({"do_not_transfer"}, "os2sofd.do_not_transfer"),
        ({"no_matching_affiliation"}, "os2sofd.no_matching_affiliation"),
        ({"do_not_transfer", "no_affiliation", "disabled"}, "os2sofd.ad_account_disabled"),
        ({"do_not_transfer", "no_affiliation"}, "os2sofd.no_active_affiliation"),
    ],
)
def test_stopping_flags_send_nothing(flags: set[str], rule: str) -> None:
    record = sofd(
        phone("33663366", "LANDLINE", tp=True),
        phone("20304050", "MOBILE", tp=True),
        flags=frozenset(flags),
    )
    p = passage(record, SETTINGS)
    assert (p.direct.sent, p.mobile.sent) == ("", "")
    assert p.direct.blocked == (("33663366", rule),)
    assert p.mobile.blocked == (("20304050", rule),)


def test_blank_numbers_are_not_held() -> None:
    p = passage(sofd(phone("  ", "MOBILE", tp=True)), SETTINGS)
    assert (p.mobile.held, p.mobile.sent) == ((), "")
