from __future__ import annotations

from telefonspor.audit import run_audit
from telefonspor.model import InputFile, KlikExport, KlikUser
from telefonspor.settings import defaults


def user(
    uid: str,
    direct: str = "",
    mobile: str = "",
    roles: tuple[str, ...] = ("Rolle A",),
    unit: str = "IT",
) -> KlikUser:
    return KlikUser(
        user_id=uid,
        name=uid.upper(),
        email=f"{uid}@kommune.dk",
        unit=unit,
        municipality="",
        roles=roles,
        direct_raw=direct,
        mobile_raw=mobile,
        row=2,
        user_name=uid,
    )


def export(*users: KlikUser) -> KlikExport:
    return KlikExport(
        users=users, file=InputFile("klik.xlsx", "klik"), has_roles_column=True, columns={}
    )


def test_coverage_counts_role_assignments_not_people() -> None:
    result = run_audit(
        export(
            user("a", direct="33 66 33 66", roles=("R1", "R2", "R3")),
            user("b", roles=("R1",)),
            user("c", mobile="+45 20 30 40 50", roles=("R2",)),
            user("d", direct="4417", roles=("R1", "R2")),
            user("e", direct="33663366", roles=()),
        ),
        [],
        defaults(),
    )
    s = result.summary
    assert (s.role_holders, s.roles, s.covered_holders, s.roles_covered) == (4, 7, 2, 4)
    assert s.coverage_pct == round(100 * 4 / 7, 1)
    assert s.holder_coverage_pct == 50.0
    assert s.users_without_roles == 1
    assert [u.user_id for u in result.users_without_roles] == ["e"]
    assert result.flatten(["user_id", "covered"]) == [
        ("a", True),
        ("b", False),
        ("c", True),
        ("d", False),
    ]


def test_shared_numbers_cover_but_give_no_direct_reach() -> None:
    town_hall = "70 10 11 12"  # a service number: usable, never direct reach
    main_line = "33 66 33 66"
    users = [user(f"u{i}", direct=main_line) for i in range(3)] + [
        user("s", direct=town_hall),
        user("p", mobile="20304050"),
    ]
    result = run_audit(export(*users), [], defaults())
    by_id = {h.user_id: h for h in result.holders}
    assert "shared" in by_id["u0"].direct.findings
    assert by_id["u0"].covered and not by_id["u0"].direct_reach
    assert "service_number" in by_id["s"].direct.findings
    assert by_id["s"].covered and not by_id["s"].direct_reach
    assert by_id["p"].direct_reach
    assert result.summary.direct_reach_holders == 1
    assert result.summary.findings["shared"] == 3


def test_shared_threshold_is_a_setting() -> None:
    users = [user(f"u{i}", direct="33 66 33 66") for i in range(3)]
    result = run_audit(export(*users), [], defaults().replace({"audit.shared_threshold": 4}))
    assert all("shared" not in h.direct.findings for h in result.holders)


def test_findings_that_need_both_fields() -> None:
    result = run_audit(
        export(user("a", direct="20304050", mobile="+4520304050"), user("b", direct="40 50 60 70")),
        [],
        defaults(),
    )
    a, b = result.holders
    assert "same_number_both_fields" in a.direct.findings
    assert "same_number_both_fields" in a.mobile.findings
    assert "mobile_in_landline_field" in b.direct.findings
    codes = sorted((f.user_id, f.field, f.code) for f in result.findings)
    assert ("a", "direct", "same_number_both_fields") in codes
    assert ("b", "direct", "mobile_in_landline_field") in codes
    assert all(f.code != "missing" for f in result.findings)


def test_without_sources_uncovered_holders_are_undetermined() -> None:
    result = run_audit(export(user("a"), user("b", mobile="20304050")), [], defaults())
    assert result.flatten(["user_id", "cause"]) == [("a", "undetermined"), ("b", None)]
    assert result.summary.causes == {"undetermined": 1}
    assert result.holders[0].responsible == "klik_admin"


def test_coverage_per_role_and_unit() -> None:
    result = run_audit(
        export(
            user("a", direct="33663366", roles=("R1", "R2"), unit="IT"),
            user("b", roles=("R1",), unit="HR"),
            user("c", roles=("R2",), unit="IT"),
        ),
        [],
        defaults(),
    )
    roles = {
        g.name: (g.holders, g.covered_holders, g.roles, g.roles_covered) for g in result.by_role
    }
    assert roles == {"R1": (2, 1, 2, 1), "R2": (2, 1, 2, 1)}
    units = {
        g.name: (g.holders, g.covered_holders, g.roles, g.roles_covered) for g in result.by_unit
    }
    assert units == {"IT": (2, 1, 3, 2), "HR": (1, 0, 1, 0)}


def test_a_foreign_mobile_in_direct_is_no_danish_range_hint() -> None:
    """Issue 14.3: the audit runs ``phones.contextual_findings``; it used a second copy that
    flagged a Swedish mobile in Direkte nummer as ``mobile_in_landline_field``."""
    result = run_audit(
        export(user("se", direct="+46 70 123 45 67"), user("dk", direct="20304050")),
        [],
        defaults(),
    )
    se, dk = result.holders
    assert se.direct.findings == ("foreign",)
    assert se.covered and se.direct_reach
    assert dk.direct.findings == ("mobile_in_landline_field",)
    assert [(f.user_id, f.code) for f in result.findings] == [
        ("se", "foreign"),
        ("dk", "mobile_in_landline_field"),
    ]


def test_the_same_placeholder_in_both_fields_is_not_the_same_number() -> None:
    """``same_number_both_fields`` compares usable numbers only (as the audit always did)."""
    result = run_audit(export(user("p", direct="12345678", mobile="12 34 56 78")), [], defaults())
    (p,) = result.holders
    assert "same_number_both_fields" not in p.direct.findings + p.mobile.findings
    assert "placeholder" in p.direct.findings
