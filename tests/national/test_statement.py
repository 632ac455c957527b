"""Coverage statements: aggregate figures only, documented schema, clear errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from telefonspor.errors import InputError
from telefonspor.national import statement as st
from telefonspor.national.municipalities import BY_CODE
from telefonspor.store.records import RunInfo

from .builders import LOCAL_ROWS, write_result


def _personal_values(result_path: Path) -> set[str]:
    """Every name, user id, e-mail and number the full result carries."""
    doc = json.loads(result_path.read_text(encoding="utf-8"))
    values: set[str] = set()
    for h in doc["holders"]:
        values.update({h["user_id"], h["name"], h["email"]})
        for slot in ("direct", "mobile"):
            raw, e164 = h[slot]["raw"], h[slot]["e164"]
            values.update({raw, re.sub(r"\D", "", raw)})
            if e164:
                values.update({e164, e164.removeprefix("+45")})
    for row in LOCAL_ROWS:
        values.update(str(cell) for cell in row[:5])
    return {v for v in values if v}


def test_statement_from_a_result_carries_no_personal_data(tmp_path: Path) -> None:
    result = write_result(tmp_path)
    made = st.from_result_json(st.read_json(result), None, origin=str(result))
    text = st.dumps(made)
    personal = _personal_values(result)
    assert len(personal) > 20  # the check below is only worth something with real values
    assert "anha" in personal and "33663366" in personal and "Bo Ørsted" in personal
    leaked = sorted(v for v in personal if v in text)
    assert leaked == []
    # and no digit run that could be a phone number
    assert re.findall(r"\d{8}", text) == []


def test_statement_schema_and_figures(tmp_path: Path) -> None:
    result = write_result(tmp_path)
    doc = st.to_json(st.from_result_json(st.read_json(result), None))
    assert doc["schema"] == "telefonspor/statement/v1"
    assert doc["municipality"] == {"code": "630", "name": "Vejle", "region": "Region Syddanmark"}
    assert doc["date"] == "2024-05-02"
    summary = json.loads(result.read_text(encoding="utf-8"))["summary"]
    for name in ("roles", "roles_covered", "role_holders", "covered_holders", "coverage_pct"):
        assert doc[name] == summary[name], name
    assert doc["role_holders"] == 5  # the user without roles does not count
    assert doc["causes"] == {k: v for k, v in summary["causes"].items() if v}
    assert set(doc) == {
        "schema", "municipality", "date", "measured_at", "roles", "roles_covered",
        "role_holders", "covered_holders", "coverage_pct", "holder_coverage_pct",
        "causes", "findings", "generator",
    }  # fmt: skip


def test_statement_round_trips() -> None:
    made = st.Statement(BY_CODE["147"], "2024-03-01", 10, 7, 5, 4, {"legacy_klik_user": 1})
    back = st.from_statement_json(json.loads(st.dumps(made)))
    assert (back.municipality, back.date, back.roles, back.coverage_pct) == (
        BY_CODE["147"], "2024-03-01", 10, 70.0,
    )  # fmt: skip
    assert back.causes == {"legacy_klik_user": 1}


def test_counts_keep_only_known_codes() -> None:
    doc = {
        "schema": st.STATEMENT_SCHEMA,
        "municipality": {"code": "101"},
        "date": "2024-01-01",
        "roles": 4, "roles_covered": 2, "role_holders": 2, "covered_holders": 1,
        "causes": {"legacy_klik_user": 1, "anha": 1, "Anna Hansen": 2},
        "findings": {"missing": 1, "33663366": 1},
    }  # fmt: skip
    made = st.from_statement_json(doc)
    assert made.causes == {"legacy_klik_user": 1}
    assert made.findings == {"missing": 1}


def test_statement_from_a_stored_run() -> None:
    run = RunInfo(
        id=3,
        started_at="2024-06-01T07:00:00+00:00",
        finished_at="2024-06-01T07:01:00+00:00",
        coverage_pct=50.0,
        roles=8,
        roles_covered=4,
        role_holders=4,
        covered_holders=2,
        causes={"missing_in_source": 2},
        findings={"missing": 3},
    )
    doc = st.to_json(st.from_run(run, BY_CODE["751"]))
    assert doc["municipality"]["name"] == "Aarhus"
    assert (doc["date"], doc["roles"], doc["coverage_pct"]) == ("2024-06-01", 8, 50.0)


def test_a_result_without_a_known_municipality_is_an_input_error(tmp_path: Path) -> None:
    result = write_result(tmp_path, municipality="Christiansø")
    with pytest.raises(st.UnknownMunicipality, match="Christiansø"):
        st.from_result_json(st.read_json(result), None, origin=str(result))
    # the caller may name it instead
    made = st.from_result_json(st.read_json(result), BY_CODE["400"])
    assert made.municipality.name == "Bornholm"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"roles": -1}, "'roles'"),
        ({"roles_covered": "7"}, "'roles_covered'"),
        ({"roles_covered": 99}, "flere dækkede"),
        ({"date": "i går"}, "dato"),
        ({"schema": "noget/andet"}, "dækningserklæring"),
        ({"municipality": "101"}, "'municipality'"),
    ],
)
def test_bad_statements_name_the_field(change: dict[str, object], message: str) -> None:
    doc: dict[str, object] = {
        "schema": st.STATEMENT_SCHEMA,
        "municipality": {"code": "101"},
        "date": "2024-01-01",
        "roles": 10, "roles_covered": 5, "role_holders": 5, "covered_holders": 2,
    }  # fmt: skip
    doc.update(change)
    with pytest.raises(InputError, match=message) as caught:
        st.from_statement_json(doc, origin="erklaering.json")
    assert "erklaering.json" in str(caught.value)


def test_unreadable_json_names_line_and_file(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"schema": ', encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.json.*linje 1|linje 1.*x\.json"):
        st.read_json(path)
