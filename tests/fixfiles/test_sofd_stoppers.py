"""OS2sofd fix rows are not offered when OS2sofd keeps the whole account out of FK-ORG."""

from __future__ import annotations

import pytest

from telefonspor.fixfiles.plan import make_plan
from telefonspor.model import AuditResult, Summary

from .conftest import GENERATED_AT, ad, holder, sofd


@pytest.mark.parametrize(
    "rule",
    [
        "os2sofd.no_matching_affiliation",
        "os2sofd.ad_account_disabled",
        "os2sofd.no_active_affiliation",
        "os2sofd.do_not_transfer",
    ],
)
def test_no_phone_row_when_the_account_is_not_sent(rule: str) -> None:
    """OS2sofd/os2sofd OS2SyncService.updatePerson (commit 88a368a6) skips an AD account
    with no matching affiliation whatever its phones: a phone change would not help."""
    stopped = holder(
        "bo", cause="lost_local_to_fkorg", rule=rule, trace=(ad(), sofd(mobile="20 30 40 50"))
    )
    summary = Summary(
        role_holders=1,
        roles=1,
        covered_holders=0,
        roles_covered=0,
        direct_reach_holders=0,
        findings={},
        causes={},
    )
    plan = make_plan(AuditResult(summary, (stopped,), (), (), (), (), GENERATED_AT))
    assert plan.os2sofd == ()
