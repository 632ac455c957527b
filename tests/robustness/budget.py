"""Example budgets for slow properties: small in CI, larger but bounded per `make fuzz` round."""

from __future__ import annotations

from hypothesis import settings


def examples(ci: int, fuzz: int | None = None) -> settings:
    """``@examples(40, fuzz=200)``: 40 examples in the derandomized "ci" profile, 200 per
    fuzz round (default: the fuzz profile's budget), so one slow property does not hold
    up a round and every property gets its turn."""
    if settings.get_current_profile_name() == "ci":
        return settings(max_examples=ci)
    return settings(max_examples=fuzz) if fuzz else settings()
