"""`make test` runs every property test derandomized; `make fuzz` runs them randomized.

The profiles live in ``tests/conftest.py``. These checks fail if the default profile ever
becomes random (CI would then test different examples on each run) or if a Hypothesis
test escapes the ``property`` marker that ``make fuzz`` selects.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

_SPEC = importlib.util.spec_from_file_location(
    "fuzz", Path(__file__).resolve().parents[2] / "scripts" / "fuzz.py"
)
assert _SPEC is not None and _SPEC.loader is not None
fuzz = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(fuzz)


def test_default_profile_is_deterministic(request: pytest.FixtureRequest) -> None:
    chosen = request.config.getoption("hypothesis_profile", None)
    if chosen not in (None, "ci"):
        pytest.skip(f"profile {chosen} chosen on the command line")
    active = settings()
    assert active.derandomize is True
    assert active.database is None
    assert active.deadline is None
    assert active.max_examples == 100


def test_fuzz_profile_is_random_and_remembers_failures() -> None:
    fuzz_profile = settings.get_profile("fuzz")
    assert fuzz_profile.derandomize is False
    assert fuzz_profile.max_examples >= 1_000
    assert isinstance(fuzz_profile.database, DirectoryBasedExampleDatabase)


@given(st.integers())
def test_hypothesis_tests_are_marked_property(request: pytest.FixtureRequest, number: int) -> None:
    assert isinstance(number, int)
    assert request.node.get_closest_marker("property") is not None


def test_fuzz_runs_every_file_that_uses_hypothesis() -> None:
    files = fuzz.property_test_files()
    assert "tests/robustness/test_mutation.py" in files
    assert "tests/test_ground_truth.py" in files
    assert "tests/robustness/test_hypothesis_profiles.py" in files
