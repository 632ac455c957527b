"""Hypothesis profiles for the whole suite, and the ``property`` marker.

``ci`` (loaded by default, so ``make test`` is reproducible): derandomized, a fixed budget,
no example database and no deadline, so the same examples run on every machine and a slow
shared machine cannot fail a test by timing. ``fuzz`` (``make fuzz``, which passes
``--hypothesis-profile=fuzz``): random examples, ten times the budget, and failures kept
in ``.hypothesis/`` so the next round replays them first.

Every Hypothesis test is marked ``property`` here (by its ``.hypothesis`` attribute), so
``make fuzz`` selects them with ``-m property`` and a new property test cannot be missed.
A test's own ``@settings(max_examples=...)`` wins over the profile's budget in both.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

from telefonspor.edge.quick_exit import release_kept

#: Examples per test in CI, unless the test sets its own.
CI_EXAMPLES = 100
#: Examples per test and fuzz round.
FUZZ_EXAMPLES = 1_000
#: Timing-based health checks would make CI depend on the machine's load.
_TIMING = [HealthCheck.too_slow]

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=CI_EXAMPLES,
    deadline=None,
    print_blob=True,
    database=None,
    suppress_health_check=_TIMING,
)
settings.register_profile(
    "fuzz",
    derandomize=False,
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    print_blob=True,
    database=DirectoryBasedExampleDatabase(".hypothesis/examples"),
    suppress_health_check=_TIMING,
)
settings.load_profile("ci")  # --hypothesis-profile=fuzz overrides this in pytest_configure


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if hasattr(getattr(item, "obj", None), "hypothesis"):
            item.add_marker(pytest.mark.property)


@pytest.fixture(autouse=True)
def _private_default_database(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default history database (used by `demo` and `audit --save` without --db) lives in
    the test's own data folder, never in the developer's or CI user's home."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data-home")))
    monkeypatch.delenv("TELEFONSPOR_STORE_DB", raising=False)


@pytest.fixture(autouse=True)
def _unfrozen_after_each_test() -> Iterator[None]:
    """A command run in-process freezes what it read (cli.app.freeze_inputs) and keeps its run
    (``edge.quick_exit.keep_until_exit``): let the next test start unfrozen with nothing kept, so
    the objects can be freed and ``edge.quick_exit`` never takes the test runner for a
    finished command."""
    yield
    gc.unfreeze()
    release_kept()
