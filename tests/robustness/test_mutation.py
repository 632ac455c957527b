"""Every reader, fed mutated bytes of a valid file, returns records or raises InputError.

Mutations: bit flips, truncation, insertion of random or structural bytes (quotes, NUL,
delimiters, brackets), and deletion of a slice. Anything else escaping a reader (KeyError,
UnicodeError, calamine's own errors, RecursionError ...) is a crash the CLI would show
as a traceback, and fails here.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telefonspor.errors import ConfigError, InputError
from telefonspor.settings import defaults, load
from telefonspor.sources import READERS
from telefonspor.sources.klik import read_klik

from .make_corpus import VALID

#: seed name in make_corpus.VALID -> reader kind
SEEDS = {
    "klik": "klik",
    "klik-csv": "klik",
    "ad": "ad",
    "ad-ldif": "ad",
    "os2sofd": "os2sofd",
    "os2sofd-csv": "os2sofd",
    "os2mo": "os2mo",
    "fkorg": "fkorg",
    "fkorg-csv": "fkorg",
    "fkorg-xlsx": "fkorg",
    "os2sync-db": "os2sync-db",
    "opus": "opus",
    "hr": "hr",
    "config": "config",
}
SETTINGS = defaults()
_STRUCTURAL = [b'"', b"\x00", b";", b",", b"\n", b"{", b"[", b"<", b"&", b":", b"::", b"\xff"]

mutation = st.one_of(
    st.tuples(st.just("flip"), st.floats(0, 1, exclude_max=True), st.integers(0, 7)),
    st.tuples(st.just("truncate"), st.floats(0, 1, exclude_max=True), st.just(0)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.integers(0, len(_STRUCTURAL) - 1)),
    st.tuples(st.just("insert_random"), st.floats(0, 1), st.integers(0, 255)),
    st.tuples(st.just("delete"), st.floats(0, 1, exclude_max=True), st.integers(1, 64)),
)


def mutate(data: bytes, steps: list[tuple[str, float, int]]) -> bytes:
    out = bytearray(data)
    for op, where, arg in steps:
        at = min(int(where * len(out)), len(out))
        if op == "flip" and at < len(out):
            out[at] ^= 1 << arg
        elif op == "truncate":
            del out[at:]
        elif op == "insert":
            out[at:at] = _STRUCTURAL[arg]
        elif op == "insert_random":
            out[at:at] = bytes([arg])
        elif op == "delete":
            del out[at : at + arg]
    return bytes(out)


def read_any(kind: str, path: Path) -> int:
    if kind == "klik":
        return len(read_klik(path).users)
    if kind == "config":
        return len(load(path, environ={}).sources)
    return len(READERS[kind](path, options={}, settings=SETTINGS).records)


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seed_is_valid(seed: str) -> None:
    name, data = VALID[seed]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        assert read_any(SEEDS[seed], path) >= 1


@pytest.mark.parametrize("seed", sorted(SEEDS))
@given(steps=st.lists(mutation, min_size=1, max_size=4))
def test_mutated_file_gives_records_or_input_error(
    seed: str, steps: list[tuple[str, float, int]]
) -> None:
    name, data = VALID[seed]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(mutate(data, steps))
        error = ""
        try:
            read_any(SEEDS[seed], path)
        except (InputError, ConfigError) as exc:
            error = str(exc)
        assert not error or name in error  # an error names the file
