"""``jsonfile.strict_ready``: when a typed decoder may read a file in place of ``json.loads``."""

from __future__ import annotations

import re
import sys

from hypothesis import given
from hypothesis import strategies as st

from telefonspor.sources.jsonfile import _has_long_digit_run, strict_ready

LIMIT = sys.get_int_max_str_digits()
_LONG = re.compile(rb"[0-9]{%d}" % (LIMIT + 1))


@given(
    pieces=st.lists(
        st.one_of(
            st.integers(0, 2 * LIMIT + 5).map(lambda n: b"7" * n),
            st.binary(max_size=40),
            st.sampled_from([b"-", b'"', b".", b"e"]),
        ),
        max_size=6,
    )
)
def test_long_digit_runs_are_found_as_a_regex_finds_them(pieces: list[bytes]) -> None:
    data = b"".join(pieces)
    assert _has_long_digit_run(data) == (_LONG.search(data) is not None)


def test_digit_runs_at_the_limit() -> None:
    for prefix in (b"", b"x", b"x" * (LIMIT // 2 - 1), b"x" * (LIMIT // 2)):
        assert not _has_long_digit_run(prefix + b"1" * LIMIT + b"]")
        assert _has_long_digit_run(prefix + b"1" * (LIMIT + 1) + b"]")
        assert _has_long_digit_run(prefix + b"1" * (LIMIT + 1))


def test_strict_ready() -> None:
    assert strict_ready(b'{"a": "\xc3\xa6"}') == b'{"a": "\xc3\xa6"}'
    assert strict_ready(b'\xef\xbb\xbf{"a": 1}') == b'{"a": 1}'  # the BOM goes
    assert strict_ready(b'{"a": "\xe6"}') is None  # Latin-1, not UTF-8
    assert strict_ready(b'{"a": "\xed\xa0\x80"}') is None  # an encoded surrogate
    assert strict_ready(b'{"a": ' + b"9" * (LIMIT + 1) + b"}") is None
    assert strict_ready(b'{"a": ' + b"9" * LIMIT + b"}") is not None
