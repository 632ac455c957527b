"""Each live connector yields exactly the records the file reader's converter makes
from the same data: the transport adds and loses nothing (locations aside)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import msgspec
import pytest

from telefonspor.model import SourceRecord
from telefonspor.settings import SourceSpec, defaults
from telefonspor.sources import live

from .fakes import Os2sofdApi, Os2syncApi, serve
from .fkorg_server import GRAPHQL_PATH, FkOrgServer
from .os2mo_server import Os2moApi
from .people import fkorg_nodes, os2mo_employees, os2sync_users, sofd_persons

CVR = "29189838"
SECRET = "live-fil-hemmelighed-1"


def comparable(records: Sequence[SourceRecord]) -> list[SourceRecord]:
    return sorted(
        (msgspec.structs.replace(r, location="") for r in records),
        key=lambda r: (r.uuid, r.user_id),
    )


def spec(kind: str, **options: Any) -> SourceSpec:
    return SourceSpec(
        kind=kind, position="local", live=True, options={"retry_delay": 0.0, **options}
    )


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("T_LIVE_SECRET", SECRET)


def test_os2sofd_live_equals_converter() -> None:
    from telefonspor.sources import os2sofd

    persons = sofd_persons(250)
    with serve(Os2sofdApi(persons, SECRET)) as url:
        data = live.fetch(spec("os2sofd", url=url, api_key_env="T_LIVE_SECRET"), defaults())
    expected = os2sofd.records_from_persons(persons, origin="fil", today=date.today())
    assert data.complete and data.kind == "os2sofd"
    assert comparable(data.records) == comparable(expected)


def test_os2sync_live_equals_converter() -> None:
    from telefonspor.sources import fkorg

    users = os2sync_users(60)
    with serve(Os2syncApi(users, SECRET, CVR)) as url:
        data = live.fetch(
            spec("fkorg", api="os2sync", url=url, cvr=CVR, api_key_env="T_LIVE_SECRET"), defaults()
        )
    assert data.kind == "fkorg" and data.complete
    assert comparable(data.records) == comparable(
        fkorg.records_from_os2sync_users(users, origin="fil")
    )


def test_os2sync_hierarchy_marks_landline_unknown_and_says_so() -> None:
    users = os2sync_users(10)
    api = Os2syncApi(users, SECRET, CVR)
    with serve(api) as url:
        data = live.fetch(
            spec(
                "fkorg",
                api="os2sync",
                url=url,
                cvr=CVR,
                api_key_env="T_LIVE_SECRET",
                use_hierarchy=True,
                hierarchy_poll=0.01,
            ),
            defaults(),
        )
    assert all("landline_unknown" in r.flags for r in data.records)
    assert any("kun har Telefon" in n for n in data.notes)


def test_os2mo_live_equals_converter() -> None:
    from telefonspor.sources import os2mo

    employees = os2mo_employees(150)
    with serve(Os2moApi(employees, SECRET)) as url:
        data = live.fetch(
            spec(
                "os2mo",
                url=url,
                token_url=f"{url}/auth/realms/mo/protocol/openid-connect/token",
                client_id="telefonspor",
                client_secret_env="T_LIVE_SECRET",
            ),
            defaults(),
        )
    assert comparable(data.records) == comparable(
        os2mo.records_from_employees(employees, origin="fil")
    )


def test_fkorg_graphql_live_equals_converter() -> None:
    """Against the server that executes the query with graphql-core (kombit/org-graphql
    api/gql/schemaOrganisationV1.gql @ 2fee908299e0a4d71dbeacce348f4abb4b04b7b5)."""
    from telefonspor.sources import fkorg, fkorg_api

    nodes = fkorg_nodes(700)
    asked = {fkorg_api.TELEFON, fkorg_api.FASTNET_TELEFON, fkorg_api.EMAIL}
    with serve(FkOrgServer(nodes, SECRET, CVR)) as url:
        data = live.fetch(
            spec("fkorg", url=url + GRAPHQL_PATH, cvr=CVR, token_env="T_LIVE_SECRET"), defaults()
        )
    # The query asks for the phone and e-mail roles; Lokation stays on the server.
    queried = [
        {**n, "adresser": [a for a in n["adresser"] if a["klassifikation"]["rolle"] in asked]}
        for n in nodes
    ]
    assert comparable(data.records) == comparable(
        fkorg.records_from_graphql_nodes(queried, origin="fil")
    )
    assert all(r.email for r in data.records)
