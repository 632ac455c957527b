"""The phone engine against the ``phonenumbers`` library, and on its own output.

``tests/test_phones.py`` already proves "never raises" and "idempotent on E.164" for
``parse_phone``; this file adds the same for the cached :class:`PhoneEngine` and the
agreement with ``phonenumbers`` on which Danish 8-digit numbers are valid.

Where the two may disagree, by design:

* Our documented rules: placeholders (``BUILTIN_PLACEHOLDERS``) and service numbers
  (70, 80, 90) keep an E.164 but carry a finding; they are left out of the comparison.
* ``phonenumbers`` follows the Danish Agency's current *allocation*; we follow the
  *plan* (every 8-digit number from 2 to 9 is a subscriber number, and numbers are
  ported). Its metadata (v9) leaves these out, so we call them valid and it does not:
  the unallocated 2-digit blocks 37, 83, 84, 85 and 95, and any number whose third
  digit is 0, except in the blocks 26, 27, 28, 67, 68 and 96 where it allows any digit.
  ``test_documented_disagreement_is_exactly_the_unallocated_blocks`` pins that list, so a
  new ``phonenumbers`` release that changes it fails loudly instead of silently.
"""

from __future__ import annotations

import phonenumbers
from hypothesis import given, settings
from hypothesis import strategies as st

from telefonspor.phones import BUILTIN_PLACEHOLDERS, PhoneEngine, parse_phone

UNALLOCATED_BLOCKS = frozenset({"37", "83", "84", "85", "95"})
ZERO_THIRD_DIGIT_ALLOWED = frozenset({"26", "27", "28", "67", "68", "96"})
SERVICE_BLOCKS = frozenset({"70", "80", "90"})

danish8 = st.integers(min_value=20_000_000, max_value=99_999_999).map(str)


def outside_phonenumbers_allocation(number: str) -> bool:
    return number[:2] in UNALLOCATED_BLOCKS or (
        number[2] == "0" and number[:2] not in ZERO_THIRD_DIGIT_ALLOWED
    )


def ours_valid(number: str) -> bool:
    return parse_phone(number).e164 is not None


def library_valid(number: str) -> bool:
    return phonenumbers.is_valid_number(phonenumbers.parse("+45" + number))


@settings(max_examples=400)
@given(danish8)
def test_agrees_with_phonenumbers_outside_documented_rules(number: str) -> None:
    if number in BUILTIN_PLACEHOLDERS or number[:2] in SERVICE_BLOCKS:
        return
    if outside_phonenumbers_allocation(number):
        assert ours_valid(number) and not library_valid(number)
    else:
        assert ours_valid(number) == library_valid(number)


def test_documented_disagreement_is_exactly_the_unallocated_blocks() -> None:
    # One probe per 3-digit prefix (suffix 12345): every prefix the plan knows.
    for prefix in range(200, 1000):
        number = f"{prefix}12345"
        if number[:2] in SERVICE_BLOCKS:
            continue
        assert library_valid(number) != outside_phonenumbers_allocation(number), number


@given(st.integers(min_value=0, max_value=19_999_999).map(lambda n: f"{n:08d}"))
def test_numbers_starting_0_or_1_are_invalid_for_both(number: str) -> None:
    if number in BUILTIN_PLACEHOLDERS:  # 00000000, 11111111, 12345678: placeholders
        return
    assert not ours_valid(number) and not library_valid(number)


@given(
    st.one_of(
        st.text(max_size=60),
        st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.none(),
        st.booleans(),
    )
)
def test_engine_never_raises_and_is_idempotent_on_its_e164(raw: object) -> None:
    engine = PhoneEngine(["33663366"])
    value = engine.parse(raw)
    assert isinstance(value.raw, str)
    if value.e164 is not None:
        again = engine.parse(value.e164)
        assert (again.e164, again.kind) == (value.e164, value.kind)
        assert PhoneEngine().parse(again.e164).e164 == value.e164
