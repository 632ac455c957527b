from __future__ import annotations

import json
from pathlib import Path

import pytest

from telefonspor.model import CAUSE_CODES, AuditResult, ReportContext
from telefonspor.reports.jsonout import AUDIT_SCHEMA, to_json, write_json

from .builders import build_result


def _flatten(holders: list[dict[str, object]], keys: list[str]) -> list[tuple[object, ...]]:
    return [tuple(h[k] for k in keys) for h in holders]


def test_summary_matches_the_contract(result: AuditResult) -> None:
    doc = to_json(result)
    s = result.summary
    assert doc["schema"] == AUDIT_SCHEMA == "telefonspor/audit/v1"
    assert doc["generated_at"] == "2024-05-02T08:30:00+00:00"
    assert doc["municipality"] == "Testrup Kommune"
    summary = doc["summary"]
    assert {
        k: summary[k]
        for k in (
            "role_holders",
            "roles",
            "covered_holders",
            "roles_covered",
            "coverage_pct",
            "holder_coverage_pct",
            "direct_reach_holders",
            "users_without_roles",
        )
    } == {
        "role_holders": 40,
        "roles": s.roles,
        "covered_holders": 26,
        "roles_covered": s.roles_covered,
        "coverage_pct": s.coverage_pct,
        "holder_coverage_pct": 65.0,
        "direct_reach_holders": s.direct_reach_holders,
        "users_without_roles": 2,
    }
    assert summary["causes"] == dict(s.causes)
    assert set(summary["causes"]) == set(CAUSE_CODES)
    assert list(summary["findings"])[:4] == ["missing", "invalid", "placeholder", "extension_only"]
    assert sum(summary["findings"].values()) == sum(s.findings.values())
    assert "task" not in doc and "trend" not in doc and "changes" not in doc


def test_holders_in_stable_order_with_every_contract_field(result: AuditResult) -> None:
    holders = to_json(result)["holders"]
    uncovered = [h for h in holders if not h["covered"]]
    covered = [h for h in holders if h["covered"]]
    assert holders == uncovered + covered
    ranks = [(CAUSE_CODES.index(h["cause"]), h["user_id"]) for h in uncovered]
    assert ranks == sorted(ranks)
    assert [h["user_id"] for h in covered] == sorted(h["user_id"] for h in covered)
    first = holders[0]
    assert first["user_id"] == "bruger00000"
    assert _flatten(uncovered[:2], ["user_id", "cause", "responsible", "covered"]) == [
        ("bruger00000", "legacy_klik_user", "klik_admin", False),
        ("bruger00024", "legacy_klik_user", "klik_admin", False),
    ]
    assert first["direct"] == {
        "raw": "",
        "e164": None,
        "kind": "unknown",
        "findings": ["missing"],
        "usable": False,
    }
    assert first["roles"] == ["KLIK-administrator"]
    assert first["action"] == "Ret nummeret i OS2sofd for bruger00000"
    assert first["cause_detail"] == "Detalje for legacy_klik_user"
    assert list(first["trace"]) == ["ad", "os2sofd", "fkorg", "klik"]
    assert first["trace"]["fkorg"]["found"] is False
    assert first["trace"]["ad"] | {"notes": []} == {
        "position": "source",
        "found": True,
        "direct": "33 44 55 66",
        "mobile": "",
        "sent_direct": "",
        "sent_mobile": "",
        "key": "user_id",
        "confidence": "exact",
        "notes": [],
    }
    for h in holders:
        for key in (
            "user_id",
            "name",
            "roles",
            "direct",
            "mobile",
            "covered",
            "cause",
            "cause_detail",
            "responsible",
            "action",
            "trace",
            "unit",
            "email",
            "rule",
            "flags",
            "decision",
        ):
            assert key in h


def test_systemic_groups_sources_and_users_without_roles(result: AuditResult) -> None:
    doc = to_json(result)
    first = doc["systemic"][0]
    assert first["code"] == "os2sofd_hidden_not_sent"
    assert first["roles_gained"] == sum(
        len(h.roles) for h in result.holders if h.cause == "lost_local_to_fkorg"
    )
    assert set(first) >= {
        "code",
        "title",
        "evidence",
        "fix",
        "responsible",
        "roles_gained",
        "holders_gained",
        "setting",
    }
    assert doc["sources"][1] == {
        "kind": "os2sofd",
        "position": "local",
        "origin": "https://sofd.kommune.dk/api/v2/persons",
        "complete": False,
        "notes": ["Hentningen stoppede efter side 3"],
        "records": 2,
    }
    assert doc["users_without_roles"] == [
        {"user_id": "=cmd|'/c calc'!A1", "name": "Formel Bruger"},
        {"user_id": "uden.rolle", "name": "Uden Rolle"},
    ]
    assert {g["name"] for g in doc["by_role"]} == {g.name for g in result.by_role}
    assert doc["by_unit"][0].keys() == {
        "name",
        "holders",
        "covered_holders",
        "roles",
        "roles_covered",
        "coverage_pct",
    }


def test_context_adds_task_changes_trend_and_decisions(
    result: AuditResult, context: ReportContext
) -> None:
    doc = to_json(result, context)
    assert doc["run_id"] == 3
    assert [s["number"] for s in doc["task"]["steps"]] == [1, 2, 3, 4, 5]
    assert doc["task"]["steps"][3]["done_at"] is None
    assert doc["changes"]["fixed"] == ["bruger00001", "bruger00002"]
    assert doc["changes"]["changed_cause"] == [
        {"user_id": "bruger00006", "old": "missing_in_source", "new": "lost_source_to_local"}
    ]
    assert [p["coverage_pct"] for p in doc["trend"]] == [55.0, 61.5, result.summary.coverage_pct]
    decided = {h["user_id"]: h["decision"] for h in doc["holders"] if h["decision"]}
    assert sorted(d["decision"] for d in decided.values()) == ["accept", "fix"]
    assert doc["summary"]["accepted_cases"] == 1
    assert doc["summary"]["open_cases"] == 13


def test_settings_and_secrets_are_not_written(result: AuditResult) -> None:
    text = json.dumps(to_json(result))
    assert "HEMMELIG" not in text
    assert "cpr" not in text.lower()


def test_write_json_file_is_deterministic_and_loads(result: AuditResult, tmp_path: Path) -> None:
    first = write_json(result, tmp_path / "a.json")
    write_json(build_result(), tmp_path / "b.json")
    assert first == tmp_path / "a.json"
    text = (tmp_path / "a.json").read_text("utf-8")
    assert text == (tmp_path / "b.json").read_text("utf-8")
    assert json.loads(text) == json.loads(json.dumps(to_json(result)))
    assert "Ærø Østergård" in text  # real letters, not \u escapes


def test_write_json_dash_prints_to_stdout(
    result: AuditResult,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert write_json(result, "-") is None
    out = capsys.readouterr().out
    assert json.loads(out)["schema"] == AUDIT_SCHEMA
    assert list(tmp_path.iterdir()) == []
