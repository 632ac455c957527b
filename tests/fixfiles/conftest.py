"""A hand-built audit result covering every kind of fix-file row."""

from __future__ import annotations

import pytest

from telefonspor.model import EMPTY_PHONE, AuditResult, HolderResult, Hop, PhoneValue, Summary
from telefonspor.settings import Settings, defaults

GENERATED_AT = "2025-09-30T08:00:00+00:00"


def holder(
    user_id: str,
    *,
    name: str = "",
    email: str = "",
    cause: str | None = None,
    rule: str = "",
    trace: tuple[Hop, ...] = (),
    covered: bool = False,
    roles: tuple[str, ...] = ("Sikkerhedsansvarlig",),
) -> HolderResult:
    phone = PhoneValue("20304050", "+4520304050", "mobile") if covered else EMPTY_PHONE
    return HolderResult(
        user_id=user_id,
        name=name or user_id,
        email=email,
        unit="Borgerservice",
        municipality="Testkommune",
        roles=roles,
        row=2,
        direct=EMPTY_PHONE,
        mobile=phone,
        covered=covered,
        direct_reach=covered,
        cause=cause,
        responsible={"missing_in_source": "employee"}.get(cause or "", "hr"),
        rule=rule,
        trace=(*trace, Hop("klik", "klik", True)),
    )


def ad(direct: str = "", mobile: str = "", *, key: str = "user_id") -> Hop:
    return Hop("ad", "source", True, direct=direct, mobile=mobile, key=key, confidence="exact")


def sofd(direct: str = "", mobile: str = "", sent_direct: str = "", sent_mobile: str = "") -> Hop:
    return Hop(
        "os2sofd",
        "local",
        True,
        direct=direct,
        mobile=mobile,
        sent_direct=sent_direct,
        sent_mobile=sent_mobile,
        key="user_id",
        confidence="exact",
    )


def make_result() -> AuditResult:
    holders = (
        # OS2sofd holds a landline without typePrime; AD lacks it too.
        holder(
            "o'brien",
            name="Seán O'Brien",
            cause="lost_local_to_fkorg",
            rule="os2sofd.no_type_prime",
            trace=(ad(), sofd(direct="86 12 34 56")),
        ),
        # AD has the mobile, OS2sofd does not.
        holder(
            "søren",
            name="Søren Ærø",
            cause="lost_source_to_local",
            rule="source_to_local.not_imported",
            trace=(ad(mobile="20 30 40 50"), sofd()),
        ),
        # Nobody has a number: the employee must register it.
        holder(
            "mette",
            name="Mette Ås",
            email="mette@kommune.dk",
            cause="missing_in_source",
            roles=("B-rolle", "A-rolle"),
            trace=(ad(), sofd()),
        ),
        # A name that looks like a formula.
        holder(
            "kalle",
            name='=HYPERLINK("x")',
            email="-kalle@kommune.dk",
            cause="missing_in_source",
            trace=(ad(), sofd()),
        ),
        # AD holds a placeholder; OS2sofd has a hidden mobile it does not send.
        holder(
            "kim",
            name="Kim Ravn",
            cause="lost_local_to_fkorg",
            rule="os2sofd.hidden_mobile_not_sent",
            trace=(ad(mobile="12345678"), sofd(mobile="+45 44 55 66 77")),
        ),
        # Accepted by decision: no rows.
        holder(
            "accepteret", cause="lost_source_to_local", trace=(ad(mobile="20 30 40 51"), sofd())
        ),
        # Covered: no rows.
        holder("dækket", covered=True, trace=(ad(), sofd())),
        # The KLIK key is an e-mail and AD was linked by e-mail: AD change is skipped.
        holder(
            "anne@kommune.dk",
            cause="lost_local_to_fkorg",
            rule="os2sofd.no_type_prime",
            trace=(ad(key="email"), sofd(direct="86 99 88 77")),
        ),
    )
    summary = Summary(
        role_holders=len(holders),
        roles=sum(len(h.roles) for h in holders),
        covered_holders=1,
        roles_covered=1,
        direct_reach_holders=1,
        findings={},
        causes={},
    )
    return AuditResult(summary, holders, (), (), (), (), GENERATED_AT)


@pytest.fixture
def result() -> AuditResult:
    return make_result()


@pytest.fixture
def settings() -> Settings:
    return defaults().replace({"notify.register_where": "https://selvbetjening.kommune.dk/telefon"})
