"""embed_json's orjson fast path writes what the plain json encoder writes."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from telefonspor.reports.html import _json_bytes, embed_json

_TEXT = st.one_of(
    st.text(max_size=10),
    st.lists(
        st.sampled_from(
            ["<", ">", "&", '"', "\\", "\n", "\x00", "\x1f", "\x7f", "\u2028", "æ", "😀"]
        ),
        max_size=6,
    ).map("".join),
)
_JSON: st.SearchStrategy[Any] = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**53), 2**53), _TEXT),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(_TEXT, inner, max_size=4),
    ),
    max_leaves=20,
)


def _plain(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@given(data=_JSON)
def test_embed_json_matches_the_plain_encoder(data: Any) -> None:
    assert str(embed_json(data)) == _plain(data)
    # write_html's bytes of the same JSON (never a str in between)
    assert _json_bytes(data) == _plain(data).encode("utf-8")


def test_embed_json_falls_back_for_text_orjson_refuses() -> None:
    data = {"n": "lone \udc80 surrogate", "big": 2**70}
    assert str(embed_json(data)) == _plain(data)
    assert _json_bytes({"n": "no surrogate", "big": 2**70}) == _plain(
        {"n": "no surrogate", "big": 2**70}
    ).encode("utf-8")
