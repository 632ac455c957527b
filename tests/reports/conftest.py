"""Fixtures for the report tests; the builders live in builders.py."""

from __future__ import annotations

import pytest

from telefonspor.model import AuditResult, ReportContext

from .builders import build_context, build_result


@pytest.fixture
def result() -> AuditResult:
    return build_result()


@pytest.fixture
def context(result: AuditResult) -> ReportContext:
    return build_context(result)


@pytest.fixture(scope="session")
def big_result() -> AuditResult:
    return build_result(6000)
