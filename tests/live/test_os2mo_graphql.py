"""The OS2mo live client against OS2mo's published GraphQL schema, version by version.

Upstream read: OS2mo/os2mo at d0aa37189df5143899a80dbcee4f0bd388b8ca15
(``mora/graphapi/version.py``: v21-v30; ``mora/graphapi/paged.py``: short or empty
pages until ``next_cursor`` is null; ``mora/graphapi/query.py`` and
``collections/employee.py``: ``employees`` and Employee.addresses/itusers/engagements
deprecated for ``persons`` and ``*_response``, added 2025-11-19 in ed3aaf4a6 and
1387fd545, before v26 appeared on 2026-01-20 in 6d00daaf7), and the published schema
snapshots in magenta-aps/os2mo-os2sync-export ``schema.graphql`` (v22 at 1556caa,
v23 at 828bb69, v25 at de1ba43 and efa2600), cut to tests/live/os2mo_schema/.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest
from graphql import parse, validate
from graphql.validation import NoDeprecatedCustomRule, specified_rules

from telefonspor.errors import ConfigError
from telefonspor.model import SourceRecord
from telefonspor.settings import SourceSpec, defaults
from telefonspor.sources import live, os2mo, os2mo_api
from telefonspor.sources.http import client_from_options
from telefonspor.sources.live_options import FetchState, LiveOptions

from .fakes import serve
from .os2mo_server import SCHEMA_DIR, SCHEMA_FOR_VERSION, TOKEN_PATH, Os2moApi, schema
from .people import AD_SYSTEM, os2mo_employees

SECRET = "mo-graphql-hemmelighed-7"
VERSIONS = sorted(SCHEMA_FOR_VERSION)


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("T_MO_SECRET", SECRET)


def spec(url: str, version: int, **options: Any) -> SourceSpec:
    return SourceSpec(
        kind="os2mo",
        position="local",
        live=True,
        options={
            "retry_delay": 0.0,
            "url": url,
            "graphql_path": f"/graphql/v{version}",
            "token_url": url + TOKEN_PATH,
            "client_id": "telefonspor",
            "client_secret_env": "T_MO_SECRET",
            **options,
        },
    )


def comparable(records: Sequence[SourceRecord]) -> list[SourceRecord]:
    return sorted(
        (msgspec.structs.replace(r, location="") for r in records),
        key=lambda r: (r.uuid, r.user_id),
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_the_query_for_each_version_validates_against_its_published_schema(version: int) -> None:
    query, field = os2mo_api.query_for(f"/graphql/v{version}")
    assert validate(schema(SCHEMA_FOR_VERSION[version]), parse(query)) == []
    assert field == ("persons" if version >= 26 else "employees")


@pytest.mark.parametrize("version", [v for v in VERSIONS if v >= 26])
def test_from_v26_no_deprecated_field_is_used(version: int) -> None:
    """Fails for the ``employees`` query, deprecated from v25 (December 2025 schema)."""
    query, _ = os2mo_api.query_for(f"/graphql/v{version}")
    rules = [*specified_rules, NoDeprecatedCustomRule]
    assert validate(schema(SCHEMA_FOR_VERSION[version]), parse(query), rules) == []
    used_before = validate(
        schema(SCHEMA_FOR_VERSION[version]), parse(os2mo_api.EMPLOYEES_QUERY), rules
    )
    assert any("employees" in e.message and "deprecated" in e.message for e in used_before)


def test_the_v26_query_would_not_run_on_a_v22_server() -> None:
    """Why the query is chosen by version: v22 has no ``persons`` nor ``*_response``."""
    errors = validate(schema("v22"), parse(os2mo_api.PERSONS_QUERY))
    assert any("persons" in e.message for e in errors)


def test_schema_subsets_name_their_upstream_source() -> None:
    for path in sorted(SCHEMA_DIR.glob("*.graphql")):
        head = path.read_text(encoding="utf-8").splitlines()[2]
        assert head.startswith("# Source: magenta-aps/os2mo-os2sync-export schema.graphql at ")


def test_the_server_rejects_what_os2mo_would_reject() -> None:
    """The test server is not permissive: an unknown field is a GraphQL error, no data."""
    api = Os2moApi(os2mo_employees(3), SECRET)
    with serve(api) as url:
        opts = LiveOptions(spec(url, 22), defaults(), system="OS2mo", allowed=os2mo_api.OPTIONS)
        with client_from_options(opts, credential="Adgangstokenet") as client:
            token = os2mo_api.ClientCredentialsToken(
                client, token_url=url + TOKEN_PATH, client_id="telefonspor", client_secret=SECRET
            )
            body = client.post_json(
                "/graphql/v22",
                json={"query": "{ employees { objects { current { phones } } } }"},
                headers=token.header,
            )
    assert body["data"] is None
    assert "phones" in body["errors"][0]["message"]


@pytest.mark.parametrize("version", [22, 25, 26, 30])
def test_short_and_empty_pages_do_not_end_the_walk(version: int) -> None:
    """OS2mo mora/graphapi/paged.py: "Sometimes the caller may receive a shorter list (or
    even an empty list) ... continue until the next_cursor is null"."""
    employees = os2mo_employees(12)
    gaps = {0: 5, 3: 7, 4: 12, 9: 3, 12: 9}  # whole empty pages, short pages, empty tail
    api = Os2moApi(employees, SECRET, gaps=gaps)
    with serve(api) as url:
        data = live.fetch(spec(url, version, page_size=5), defaults())
    assert [r.person_key for r in data.records] == [e["uuid"] for e in employees]
    assert data.complete
    assert api.pages_served == -(-(12 + sum(gaps.values())) // 5)  # every page, to the null
    top = "persons" if version >= 26 else "employees"
    assert set(api.queries) == {(version, top)}


def test_a_repeated_cursor_stops_instead_of_looping() -> None:
    api = Os2moApi(os2mo_employees(4), SECRET)
    api._page = lambda limit, cursor: {  # type: ignore[method-assign]
        "page_info": {"next_cursor": "MA=="},
        "objects": [],
    }
    with serve(api) as url:
        data = live.fetch(spec(url, 22, allow_partial=True), defaults())
    assert not data.complete
    assert any("gentog cursoren" in n for n in data.notes)


def _employees_with_new_mode_cases() -> list[dict[str, Any]]:
    """Future engagement on the it-user, an ended one, and a FK-ORG-UUID it-user."""
    employees = copy.deepcopy(os2mo_employees(6))
    later = (datetime.now(UTC) + timedelta(days=40)).date().isoformat()
    earlier = (datetime.now(UTC) - timedelta(days=40)).date().isoformat()
    future = {"uuid": "e0000000-0000-4000-8000-00000000f001", "user_key": "F1",
              "validity": {"from": f"{later}T00:00:00+01:00", "to": None}}  # fmt: skip
    ended = {"uuid": "e0000000-0000-4000-8000-00000000f002", "user_key": "F2",
             "validity": {"from": "2019-01-01T00:00:00+01:00", "to": f"{earlier}T00:00:00+01:00"}}  # fmt: skip
    employees[0]["engagements"] = [future]
    employees[0]["itusers"][0]["engagement"] = [future]
    employees[1]["itusers"][0]["engagement"] = [ended]
    ad = employees[2]["itusers"][0]
    employees[2]["itusers"].append(
        {
            "uuid": "f0000000-0000-4000-8000-0000000000aa",
            "user_key": ad["external_id"],
            "external_id": "f0000000-0000-4000-8000-0000000000bb",
            "itsystem": {
                "uuid": AD_SYSTEM[:-3] + "fff",
                "user_key": "FK-ORG-UUID",
                "name": "FK-ORG",
            },
            "engagement": [],
        }
    )
    return employees


@pytest.mark.parametrize("version", [22, 23, 24, 25, 26, 30])
def test_live_records_equal_the_file_reader_for_every_query_shape(version: int) -> None:
    employees = _employees_with_new_mode_cases()
    with serve(Os2moApi(employees, SECRET)) as url:
        data = live.fetch(spec(url, version), defaults())
    expected = os2mo.records_from_employees(employees, origin="fil")
    assert comparable(data.records) == comparable(expected)
    by_person = {r.person_key: r for r in data.records}
    first, second, third = (by_person[e["uuid"]] for e in employees[:3])
    assert first.flags == {"no_engagement"}  # only a future engagement: the new mode sends
    assert second.flags == {"no_it_user_engagement"}  # its it-user's engagement has ended
    assert third.uuid == "f0000000-0000-4000-8000-0000000000bb"  # from the FK-ORG-UUID it-user


def test_a_version_before_v22_is_refused_before_any_request() -> None:
    api = Os2moApi(os2mo_employees(2), SECRET)
    with serve(api) as url, pytest.raises(ConfigError, match="v21"):
        live.fetch(spec(url, 21), defaults())
    assert api.requests == []


def test_a_server_without_the_configured_version_stops_the_walk() -> None:
    """An older OS2mo no longer (or not yet) serving the path answers 404."""
    api = Os2moApi(os2mo_employees(2), SECRET, versions=[26])
    with serve(api) as url:
        opts = LiveOptions(spec(url, 26), defaults(), system="OS2mo", allowed=os2mo_api.OPTIONS)
        with client_from_options(opts, credential="Adgangstokenet") as client:
            token = os2mo_api.ClientCredentialsToken(
                client, token_url=url + TOKEN_PATH, client_id="telefonspor", client_secret=SECRET
            )
            state = FetchState("OS2mo", allow_partial=True)
            found = os2mo_api.fetch_employees(
                client, token, path="/graphql/v22", page_size=10, state=state
            )
    assert found == [] and not state.complete
