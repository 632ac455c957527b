"""Tracebacks for the server's log: the frames stay, personal numbers in messages do not."""

from __future__ import annotations

import pytest

from telefonspor.errors import redact, redacted_traceback


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Anna 010203-1234", "Anna xxxxxx-xxxx"),
        ("nummer 20304050 og +45 33 66 33 66", "nummer ••• og •••"),
        ("tlf. 3366-3366 / 33.66.33.66", "tlf. ••• / •••"),
        ("række 12, kolonne C, 4417", "række 12, kolonne C, 4417"),  # short numbers stay
        ("uuid 7d1c…", "uuid 7d1c…"),
    ],
)
def test_redact_masks_cpr_and_long_digit_runs(text: str, expected: str) -> None:
    assert redact(text) == expected


CELL = "Bo 020304-5678 tlf 20304050"  # a value from a user's file, never in our source
NUMBER = "33663366"


def _fails() -> None:
    try:
        int(CELL)
    except ValueError as exc:
        raise RuntimeError(f"kunne ikke læse {NUMBER}") from exc


def test_redacted_traceback_keeps_frames_and_the_chain_without_the_numbers() -> None:
    with pytest.raises(RuntimeError) as caught:
        _fails()
    text = redacted_traceback(caught.value)
    assert text.count("Traceback (most recent call last):") == 2
    assert "in _fails" in text and "Den fejl førte til denne" in text
    assert "RuntimeError: kunne ikke læse •••" in text
    assert "ValueError: invalid literal for int() with base 10: 'Bo xxxxxx-xxxx tlf •••'" in text
    assert "020304" not in text and "20304050" not in text and "33663366" not in text
