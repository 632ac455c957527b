"""One catalogue entry per code (issue 14.3): every code the code base uses is in it, and
every table that used to be kept by hand is derived from it."""

from __future__ import annotations

import ast
import re
import tempfile
from pathlib import Path

import pytest

import telefonspor
from telefonspor import actions, catalogue, diagnose, model, texts
from telefonspor.catalogue import CAUSE, FINDING, PARTY, RULE
from telefonspor.edge.run import audit_files
from telefonspor.sample import generate_chain
from telefonspor.settings import SETTINGS_BY_KEY, load

SRC = Path(telefonspor.__file__).parent
_RULE_SHAPE = re.compile(
    r"^(chain|klik|fkorg|source|source_to_local|os2sofd|os2mo|os2sync|os2sync_ad)\.[a-z_]+$"
)


def _trees(*parts: str) -> list[tuple[Path, ast.AST]]:
    paths = sorted(p for part in parts for p in (SRC / part).parent.glob(Path(part).name))
    return [(p, ast.parse(p.read_text(encoding="utf-8"))) for p in paths]


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def test_codes_are_unique_and_complete() -> None:
    for entries in (catalogue.FINDINGS, catalogue.CAUSES, catalogue.RULES, catalogue.PARTIES):
        codes = [e.code for e in entries]
        assert len(codes) == len(set(codes))
    for entry in (*catalogue.FINDINGS, *catalogue.CAUSES):
        assert entry.label.strip() and entry.explanation.strip(), entry.code
    for rule in catalogue.RULES:
        assert rule.detail.strip() and rule.fix.strip(), rule.code
        assert rule.party in PARTY, rule.code
    for cause in catalogue.CAUSES:
        assert cause.party in PARTY, cause.code


def test_the_stable_finding_list_has_every_finding() -> None:
    """``conflicting_rows`` (a KLIK reader finding) was missing from model.FINDING_CODES."""
    assert "conflicting_rows" in model.FINDING_CODES
    assert set(model.FINDING_CODES) == set(texts.FINDING_LABELS) == set(FINDING)
    assert model.FINDING_CODES[-1] == "conflicting_rows"  # added last: earlier order is kept


def test_derived_tables_keep_their_contract() -> None:
    assert {"missing", "invalid", "placeholder", "extension_only"} == model.UNUSABLE_FINDINGS
    assert {"shared", "service_number"} == model.NOT_DIRECT_REACH_FINDINGS
    assert model.CAUSE_CODES[0] == "legacy_klik_user"
    assert diagnose.CAUSE_PRIORITY == (
        "lost_fkorg_to_klik",
        "lost_local_to_fkorg",
        "lost_source_to_local",
        "lost_before_fkorg",
        "invalid_in_source",
        "missing_in_source",
        "undetermined",
    )
    assert set(actions.TEMPLATES) == set(RULE)
    assert actions.responsible("lost_local_to_fkorg", "os2sync.failure") == "sync_operator"
    assert actions.responsible("lost_local_to_fkorg", "os2mo.empty_class_list") == "supplier"
    assert actions.responsible("lost_local_to_fkorg", "os2sofd.no_type_prime") == "hr"
    assert actions.responsible("missing_in_source", "source.missing") == "employee"


def test_every_finding_code_used_in_the_source_is_catalogued() -> None:
    used: set[str] = set()
    for _, tree in _trees("*.py", "*/*.py"):
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _call_name(node)
            if name == "with_findings":
                used.update(a.value for a in node.args if isinstance(a, ast.Constant))
            if name == "Finding":
                used.update(
                    k.value.value
                    for k in node.keywords
                    if k.arg == "code" and isinstance(k.value, ast.Constant)
                )
    assert used, "the scan found nothing: it no longer matches the code"
    assert used <= set(FINDING), sorted(used - set(FINDING))


def test_every_cause_and_rule_code_used_in_the_source_is_catalogued() -> None:
    causes: set[str] = set()
    rules: set[str] = set()
    for _, tree in _trees("diagnose.py", "rules/*.py"):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _call_name(node) == "_Verdict" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant):
                    causes.add(first.value)
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and _RULE_SHAPE.match(node.value)
                and node.value not in SETTINGS_BY_KEY
            ):
                rules.add(node.value)
    assert causes and rules
    assert causes <= set(CAUSE), sorted(causes - set(CAUSE))
    assert rules <= set(RULE), sorted(rules - set(RULE))


@pytest.mark.parametrize(("local", "preset"), [("os2sofd", ""), ("os2mo", ""), ("", "os2sync-ad")])
def test_every_code_a_run_produces_is_catalogued(local: str, preset: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        kwargs = {"local": local} if local else {}
        chain = generate_chain(Path(tmp), seed=14, holders=300, users=600, preset=preset, **kwargs)
        result = audit_files(chain.klik, load(chain.config))
    seen_rules = {h.rule for h in result.holders if h.rule}
    assert seen_rules <= set(RULE)
    assert {h.cause for h in result.holders if h.cause} <= set(CAUSE)
    assert {h.responsible for h in result.holders if h.responsible} <= set(PARTY)
    assert {s.responsible for s in result.systemic} <= set(PARTY)
    assert {f.code for f in result.findings} <= set(FINDING)
    values = [v for h in result.holders for v in (h.direct, h.mobile)]
    assert {c for v in values for c in v.findings} <= set(FINDING)
    assert len(seen_rules) > 3  # the sample really exercised the diagnosis
