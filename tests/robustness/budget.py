"""Example budgets for slow properties: small in CI, the fuzz profile's own under `make fuzz`."""

from __future__ import annotations

from hypothesis import settings


def examples(ci: int) -> settings:
    """``@examples(30)``: 30 examples in the derandomized "ci" profile; the active profile's
    budget otherwise (a test's own max_examples would also cap every fuzz round)."""
    if settings.get_current_profile_name() == "ci":
        return settings(max_examples=ci)
    return settings()
