"""Every time a person reads is Danish time (Europe/Copenhagen, summer time included);
stored times stay UTC."""

from __future__ import annotations

import pytest

from telefonspor.localtime import danish_datetime, local_moment, short_datetime


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("2026-11-30T09:20:00+00:00", "30. november 2026 kl. 10:20"),  # winter: UTC+1
        ("2026-06-15T08:20:00+00:00", "15. juni 2026 kl. 10:20"),  # summer: UTC+2
        ("2026-06-15T08:20:00Z", "15. juni 2026 kl. 10:20"),
        ("2026-06-15T08:20:00", "15. juni 2026 kl. 10:20"),  # no offset: stored UTC
        ("2026-12-31T23:30:00+00:00", "1. januar 2027 kl. 00:30"),  # the date moves too
        ("2026-03-29T00:59:00+00:00", "29. marts 2026 kl. 01:59"),  # just before the switch
        ("2026-03-29T01:00:00+00:00", "29. marts 2026 kl. 03:00"),  # just after
        ("2026-06-15T10:20:00+02:00", "15. juni 2026 kl. 10:20"),
        ("2026-06-15", "15. juni 2026"),  # a date alone is not shifted
        ("i går", "i går"),
        ("2026-13-40", "2026-13-40"),
    ],
)
def test_danish_datetime(stored: str, shown: str) -> None:
    assert danish_datetime(stored) == shown


def test_short_form_for_tables() -> None:
    assert short_datetime("2026-11-30T09:20:00+00:00") == "30-11-2026 10:20"
    assert short_datetime("2026-07-01T22:05:00+00:00") == "02-07-2026 00:05"
    assert short_datetime("") == ""
    assert short_datetime("ikke en tid") == "ikke en tid"


def test_dates_alone_have_no_moment() -> None:
    assert local_moment("2026-06-15") is None


def test_danish_plural() -> None:
    """Issue 16.9: "1 rolleindehaver", never "1 rolleindehavere"."""
    from telefonspor.texts import plural

    assert [plural(n, "rolleindehaver", "rolleindehavere") for n in (0, 1, 2)] == [
        "rolleindehavere",
        "rolleindehaver",
        "rolleindehavere",
    ]
