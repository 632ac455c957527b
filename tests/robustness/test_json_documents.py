"""The commands that read telefonspor's own JSON back never crash on a damaged copy.

``fix`` reads ``resultat.json``; ``statement`` reads it into a coverage statement;
``national`` reads statements. Each gets a real document (from the real audit) damaged
two ways: the byte mutations of ``test_mutation.py``, and one JSON value swapped for
another (a 5,000-digit number, ``1e999``, ``NaN``, a negative, a deep list, another
type). The command must end with 0 or with 2 and one Danish line naming the file, never
with 70 (an internal fault) or a traceback.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from typer.testing import CliRunner

from telefonspor.audit import run_audit
from telefonspor.cli import app
from telefonspor.cli.app import EXIT_INTERNAL
from telefonspor.national import statement as st_mod
from telefonspor.reports.jsonout import dumps, to_json
from telefonspor.settings import defaults
from telefonspor.sources import READERS
from telefonspor.sources.klik import read_klik

from .budget import examples
from .make_corpus import VALID
from .test_mutation import mutate, mutation

runner = CliRunner()


def _real_result() -> str:
    """resultat.json of the real audit of the corpus' KLIK export against its AD export."""
    settings = defaults().replace({"audit.municipality_name": "Vejle Kommune"})
    with tempfile.TemporaryDirectory() as folder:
        klik_name, klik_data = VALID["klik"]
        ad_name, ad_data = VALID["ad"]
        (Path(folder) / klik_name).write_bytes(klik_data)
        (Path(folder) / ad_name).write_bytes(ad_data)
        klik = read_klik(Path(folder) / klik_name)
        ad = READERS["ad"](Path(folder) / ad_name, options={}, settings=settings)
    result = run_audit(klik, [ad], settings, generated_at="2024-05-02T08:30:00+00:00")
    return dumps(to_json(result))


RESULT = _real_result()
STATEMENT = st_mod.dumps(st_mod.from_result_json(json.loads(RESULT), None, origin="seed"))
SEEDS = {"resultat": RESULT, "statement": STATEMENT}

#: Raw JSON text swapped in for one value: what Python's json module trips over.
_RAW_VALUES = [
    "9" * 5_000,
    "9" * 400,
    "-" + "9" * 5_000,
    "1e999",
    "-1e999",
    "NaN",
    "-1",
    "0.5",
    "[" * 3_000 + "]" * 3_000,
]
json_value = st.one_of(
    st.sampled_from(_RAW_VALUES),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=6,
    ).map(lambda value: json.dumps(value)),
)


def _slots(value: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) whose value could be swapped, depth first."""
    out: list[tuple[Any, Any]] = []
    keys = (
        value.keys()
        if isinstance(value, dict)
        else range(len(value))
        if isinstance(value, list)
        else ()
    )
    for key in keys:
        out.append((value, key))
        out += _slots(value[key])
    return out


def swap(text: str, where: float, raw: str) -> bytes:
    """``text`` with the value at slot ``where`` (0..1) replaced by the raw JSON ``raw``."""
    doc = json.loads(text)
    slots = _slots(doc)
    container, key = slots[min(int(where * len(slots)), len(slots) - 1)]
    marker = "\x00swap\x00"
    container[key] = marker
    return json.dumps(doc, ensure_ascii=False).replace(json.dumps(marker), raw).encode()


def _run(seed: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{seed}.json"
        path.write_bytes(data)
        out = Path(folder) / "ud"
        if seed == "resultat":
            commands = [
                ["fix", str(path), "--out", str(out)],
                ["statement", str(path), "--out", "-"],
            ]
        else:
            commands = [["national", str(path), "--out", str(out)]]
        for args in commands:
            done = runner.invoke(app, ["--debug", *args])
            assert done.exit_code != EXIT_INTERNAL, done.output + done.stderr
            assert done.exit_code in (0, 2), done.output + done.stderr
            if done.exit_code == 2:
                assert path.name in done.stderr, done.stderr


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seed_is_valid(seed: str) -> None:
    _run(seed, SEEDS[seed].encode())


@pytest.mark.parametrize("seed", sorted(SEEDS))
@examples(40, fuzz=200)
@given(steps=st.lists(mutation, min_size=1, max_size=3))
def test_damaged_bytes_give_a_result_or_one_danish_line(
    seed: str, steps: list[tuple[str, float, int]]
) -> None:
    _run(seed, mutate(SEEDS[seed].encode(), steps))


@pytest.mark.parametrize("seed", sorted(SEEDS))
@examples(40, fuzz=200)
@given(where=st.floats(0, 1, exclude_max=True), raw=json_value)
@example(where=0.5, raw="9" * 5_000)
@example(where=0.5, raw="1e999")
def test_swapped_value_gives_a_result_or_one_danish_line(seed: str, where: float, raw: str) -> None:
    _run(seed, swap(SEEDS[seed], where, raw))
