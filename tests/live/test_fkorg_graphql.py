"""FK-ORG live: the GraphQL client against a server that executes every query with
graphql-core against KOMBIT's published schema.

Upstream: kombit/org-graphql api/gql/schemaOrganisationV1.gql
@ 2fee908299e0a4d71dbeacce348f4abb4b04b7b5 (``brugerListe(cvr: CVR!, status:
TilstandStatus!, brugerFilter, first, last, after: Cursor, before: Cursor)``) and its
README.md at the same commit (paging, required headers, error shapes).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from graphql import parse, validate
from msgspec import structs

from telefonspor.errors import AuthError, ConfigError, SourceError
from telefonspor.settings import SourceSpec, defaults
from telefonspor.sources import fkorg, fkorg_api, live
from telefonspor.sources.http import client_from_options
from telefonspor.sources.live_options import FetchState, LiveOptions

from .fakes import serve
from .fkorg_server import GRAPHQL_PATH, TOKEN_PATH, UPSTREAM_COMMIT, FkOrgServer, load_schema
from .people import fkorg_nodes

CVR = "29189838"
TOKEN = "eyJ.fkorg-token.sig"
NO_WAIT: dict[str, Any] = {"retry_delay": 0.0, "timeout": 5.0}
INACTIVE = frozenset({3, 50, 400, 401, 1099})
ROOT = Path(__file__).resolve().parents[2]

#: The query telefonspor sent before issue 13, copied verbatim (``status`` was left out
#: by default): real FK-ORG servers refused it with ValidationError.
OLD_QUERY = """
query TelefonsporBrugere($cvr: String!, $first: Int!, $after: String) {
  brugerListe(cvr: $cvr, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        uuid
        brugernavn
        brugervendtNoegle
        tilstand { status }
        person { navn }
        adresser(rolle: ["5ef6be2d-59f4-4652-a680-585929924ba9", "47c05422-5379-4c27-9ddf-e02b52b3d961"]) {
          uuid
          adresseTekst
          brugervendtNoegle
          adresseRolleTitel
          klassifikation { type rolle indeks }
        }
      }
    }
  }
}
"""
#: The old query with ``status = "AKTIV"`` configured: still ``String`` variables.
OLD_QUERY_WITH_STATUS = OLD_QUERY.replace("cvr: $cvr,", "cvr: $cvr, status: AKTIV,")


@pytest.fixture
def fk() -> Iterator[tuple[FkOrgServer, str]]:
    server = FkOrgServer(fkorg_nodes(1100, inactive=INACTIVE), TOKEN, CVR)
    with serve(server) as url:
        yield server, url + GRAPHQL_PATH


@pytest.fixture(autouse=True)
def token_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("T_FK_TOKEN", TOKEN)


def post(url: str, body: Any, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """A bare HTTP POST, so the test sees exactly what the server answers."""
    sent = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {TOKEN}",
        **fkorg_api.transaction_headers(),
    }
    if headers is not None:
        sent = {"Content-Type": "application/json", **headers}
    request = urllib.request.Request(url, json.dumps(body).encode(), sent, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def fk_spec(url: str, **options: Any) -> SourceSpec:
    return SourceSpec(
        kind="fkorg",
        position="fkorg",
        live=True,
        options={**NO_WAIT, "url": url, "cvr": CVR, "token_env": "T_FK_TOKEN", **options},
    )


def fk_walk(
    url: str,
    *,
    status: str = "AKTIV",
    token: str = TOKEN,
    allow_partial: bool = False,
    page_size: int = 500,
) -> tuple[list[dict[str, Any]], FetchState]:
    spec = SourceSpec(kind="fkorg", position="fkorg", live=True, options={**NO_WAIT, "url": url})
    opts = LiveOptions(spec, defaults(), system="FK-ORG", allowed=fkorg_api.OPTIONS)
    state = FetchState("FK-ORG", allow_partial=allow_partial)
    with client_from_options(opts, credential="Adgangstokenet") as client:
        nodes = fkorg_api.fetch_nodes(
            client,
            fkorg_api.FkOrgToken(static=token),
            cvr=CVR,
            status=status,
            page_size=page_size,
            state=state,
        )
    return nodes, state


def plain(records: Any) -> list[Any]:
    """Records without their location, in a stable order."""
    return sorted(
        (structs.replace(r, location="") for r in records), key=lambda r: (r.uuid, r.user_id)
    )


def sent_variables(server: FkOrgServer) -> list[dict[str, Any]]:
    return [r.json()["variables"] for r in server.requests if r.path == GRAPHQL_PATH]


# --- the query against the published schema ---------------------------------------------


@pytest.mark.parametrize("old", [OLD_QUERY, OLD_QUERY_WITH_STATUS])
def test_old_query_is_refused_with_validation_error_and_no_data(
    fk: tuple[FkOrgServer, str], old: str
) -> None:
    _, url = fk
    status, body = post(url, {"query": old, "variables": {"cvr": CVR, "first": 500}})
    assert status == 200 and "data" not in body
    messages = [e["message"] for e in body["errors"]]
    assert {e["extensions"]["classification"] for e in body["errors"]} == {"ValidationError"}
    assert any("'$cvr' of type 'String!'" in m and "'CVR!'" in m for m in messages)
    assert any("'$after' of type 'String'" in m and "'Cursor'" in m for m in messages)
    if old is OLD_QUERY:
        assert any("status" in m and "TilstandStatus!" in m for m in messages)
    error = body["errors"][0]
    assert set(error) >= {"message", "locations", "extensions"}
    assert set(error["extensions"]) == {"message", "kildeId", "id", "type", "classification"}
    assert error["extensions"]["type"] == "ERROR"


def test_new_query_validates_and_returns_the_asked_roles_only(fk: tuple[FkOrgServer, str]) -> None:
    _, url = fk
    variables = fkorg_api.brugerliste_variables(cvr=CVR, status="AKTIV", first=10, after=None)
    status, body = post(url, {"query": fkorg_api.BRUGERLISTE_QUERY, "variables": variables})
    assert status == 200 and "errors" not in body
    edges = body["data"]["brugerListe"]["edges"]
    assert len(edges) == 10
    roles = {a["klassifikation"]["rolle"] for e in edges for a in e["node"]["adresser"]}
    assert roles == {fkorg_api.TELEFON, fkorg_api.FASTNET_TELEFON, fkorg_api.EMAIL}  # no Lokation
    assert not validate(load_schema(), parse(fkorg_api.BRUGERLISTE_QUERY))


def test_values_in_the_wrong_format_are_validation_errors(fk: tuple[FkOrgServer, str]) -> None:
    _, url = fk
    query = fkorg_api.BRUGERLISTE_QUERY
    for variables in (
        fkorg_api.brugerliste_variables(cvr="2918983", status="AKTIV", first=5, after=None),
        fkorg_api.brugerliste_variables(cvr=CVR, status="ALLE", first=5, after=None),
        {
            **fkorg_api.brugerliste_variables(cvr=CVR, status="AKTIV", first=5, after=None),
            "roller": ["Telefon"],
        },
    ):
        status, body = post(url, {"query": query, "variables": variables})
        assert status == 200 and "data" not in body
        assert body["errors"][0]["extensions"]["classification"] == "ValidationError"
    status, body = post(url, {"query": "query { brugerListe(cvr: ", "variables": {}})
    assert body["errors"][0]["extensions"]["classification"] == "InvalidSyntax"


def test_client_names_a_refused_query(
    fk: tuple[FkOrgServer, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, url = fk
    monkeypatch.setattr(fkorg_api, "BRUGERLISTE_QUERY", OLD_QUERY)
    with pytest.raises(SourceError, match=r"afviste forespørgslen \(ValidationError\)"):
        live.fetch(fk_spec(url), defaults())


def test_schema_keeps_the_published_argument_types() -> None:
    """Guards fkorg_schema.graphql against drifting from the published SDL."""
    schema = load_schema()
    assert schema.query_type is not None
    args = schema.query_type.fields["brugerListe"].args
    assert {name: str(arg.type) for name, arg in args.items()} == {
        "cvr": "CVR!",
        "status": "TilstandStatus!",
        "brugerFilter": "BrugerFilter",
        "first": "Int",
        "last": "Int",
        "after": "Cursor",
        "before": "Cursor",
    }
    fields = schema.type_map["Bruger"].fields  # type: ignore[union-attr]
    assert str(fields["adresser"].type) == "[Adresse!]!"
    assert str(fields["adresser"].args["rolle"].type) == "[UUID!]"
    assert UPSTREAM_COMMIT in (ROOT / "tests/live/fkorg_schema.graphql").read_text()


# --- walks: status, paging --------------------------------------------------------------


def test_reads_aktiv_by_default(fk: tuple[FkOrgServer, str]) -> None:
    server, url = fk
    data = live.fetch(fk_spec(url), defaults())
    assert len(data.records) == 1100 - len(INACTIVE)
    assert all(r.active for r in data.records) and data.complete
    assert {v["status"] for v in sent_variables(server)} == {"AKTIV"}


def test_both_states_take_two_walks_and_inactive_users_are_records_marked_inactive(
    fk: tuple[FkOrgServer, str],
) -> None:
    server, url = fk
    server.server_max = 300
    data = live.fetch(fk_spec(url, status=["AKTIV", "INAKTIV"]), defaults())
    statuses = [v["status"] for v in sent_variables(server)]
    assert statuses == ["AKTIV"] * 4 + ["INAKTIV"]  # 1095 active in pages of 300, then 5
    assert len(data.records) == 1100
    inactive = {r.user_id for r in data.records if not r.active}
    assert inactive == {f"bru{i:04d}" for i in INACTIVE}
    # The same records a saved file of the same users gives (the file reader's converter).
    assert plain(data.records) == plain(
        fkorg.records_from_graphql_nodes(_as_queried(server.users), origin="fil")
    )
    only_inactive = live.fetch(fk_spec(url, status="INAKTIV"), defaults())
    assert {r.user_id for r in only_inactive.records} == inactive


def test_slot_comes_from_klassifikation_rolle_when_the_title_is_empty(
    fk: tuple[FkOrgServer, str],
) -> None:
    """The schema: ``adresseRolleTitel`` "will be empty" when the Klassifikation lookup fails;
    ``klassifikation.rolle`` (UUID!) is always there."""
    server, url = fk
    user = server.users[1]  # bru0001: a mobile and a landline
    for address in user["adresser"]:
        address["adresseRolleTitel"] = None
    user["adresser"][0]["adresseRolleTitel"] = "FastnetTelefon"  # a wrong title loses too
    data = live.fetch(fk_spec(url), defaults())
    record = next(r for r in data.records if r.user_id == "bru0001")
    assert {(p.type, p.raw) for p in record.phones} == {
        ("Telefon", "20000001"),
        ("FastnetTelefon", "80000001"),
    }
    assert record.email == "bru0001@kommune.dk"


def test_status_option_is_checked() -> None:
    spec = fk_spec("https://x", status="alle")
    with pytest.raises(ConfigError, match='status skal være "AKTIV", "INAKTIV" eller begge'):
        fkorg_api.read_statuses(
            LiveOptions(spec, defaults(), system="FK-ORG", allowed=fkorg_api.OPTIONS)
        )
    for value, expected in (
        ("aktiv", ("AKTIV",)),
        ("AKTIV, INAKTIV", ("AKTIV", "INAKTIV")),
        (["INAKTIV", "AKTIV", "INAKTIV"], ("INAKTIV", "AKTIV")),
        ("", ("AKTIV",)),
    ):
        opts = LiveOptions(
            fk_spec("https://x", status=value),
            defaults(),
            system="FK-ORG",
            allowed=fkorg_api.OPTIONS,
        )
        assert fkorg_api.read_statuses(opts) == expected


def test_a_user_in_both_walks_is_kept_once() -> None:
    first = [{"uuid": "a", "tilstand": {"status": "AKTIV"}}]
    second = [{"uuid": "a", "tilstand": {"status": "INAKTIV"}}, {"uuid": "b"}]
    assert fkorg_api.merge_walks(first, second) == [first[0], second[1]]


def test_relay_paging_with_short_pages_and_fresh_transaction_headers(
    fk: tuple[FkOrgServer, str],
) -> None:
    server, url = fk
    server.server_max = 300  # fewer than asked, as the README allows
    nodes, state = fk_walk(url)
    active = [u for u in server.users if u["tilstand"]["status"] == "AKTIV"]
    assert [n["uuid"] for n in nodes] == [u["uuid"] for u in active]
    assert state.complete and state.notes == []
    variables = sent_variables(server)
    assert [v["first"] for v in variables] == [500] * 4
    pages = server.answers
    assert [len(p["data"]["brugerListe"]["edges"]) for p in pages] == [300, 300, 300, 195]
    assert [v["after"] for v in variables[1:]] == [
        p["data"]["brugerListe"]["pageInfo"]["endCursor"] for p in pages[:-1]
    ]
    ids = {r.headers["x-transaktionsid"] for r in server.requests}
    assert len(ids) == len(server.requests)


def test_408_retries_with_a_smaller_page(fk: tuple[FkOrgServer, str]) -> None:
    server, url = fk
    server.slow_above = 200
    nodes, _ = fk_walk(url)
    assert len(nodes) == 1100 - len(INACTIVE)
    assert [v["first"] for v in sent_variables(server)[:3]] == [500, 250, 125]


def test_503_data_synchronisation_once_then_ok(fk: tuple[FkOrgServer, str]) -> None:
    server, url = fk
    server.synchronising = 1
    nodes, state = fk_walk(url)
    assert len(nodes) == 1100 - len(INACTIVE) and state.complete
    assert len(server.requests) == len(server.answers) + 1


def test_warnings_become_notes_errors_stop_or_mark_incomplete(
    fk: tuple[FkOrgServer, str],
) -> None:
    server, url = fk
    server.se_navn = False
    server.server_max = 300
    nodes, state = fk_walk(url)
    assert state.complete and all(n["person"]["navn"] is None for n in nodes)
    assert state.notes == [
        f"FK-ORG advarede ({len(nodes)} gange): "
        "Tokenet mangler dataafgrænsningen SeNavn (Unauthorized)"
    ]
    server.error_on_page = 6
    with pytest.raises(SourceError, match="fejl ved siden af data"):
        fk_walk(url)
    server.pages = 0
    server.error_on_page = 2
    nodes, state = fk_walk(url, allow_partial=True)
    assert len(nodes) == 1100 - len(INACTIVE)
    assert not state.complete


def test_cursor_missing_while_more_pages_is_not_complete(fk: tuple[FkOrgServer, str]) -> None:
    server, url = fk
    server.server_max = 300
    server.drop_cursor_at_page = 2
    with pytest.raises(SourceError, match="ingen ny endCursor"):
        fk_walk(url)


def test_rejected_static_token_is_auth_error_without_token(fk: tuple[FkOrgServer, str]) -> None:
    server, url = fk
    with pytest.raises(AuthError) as caught:
        fk_walk(url, token="expired-token-xyz")
    assert "expired-token-xyz" not in str(caught.value)
    assert len(server.requests) == 1
    status, body = post(
        url,
        {"query": "{ __typename }"},
        headers={"Authorization": "Bearer expired-token-xyz", **fkorg_api.transaction_headers()},
    )
    assert status == 401 and body["error"] == "Unauthorized"


def test_missing_transaction_headers_get_the_documented_400(fk: tuple[FkOrgServer, str]) -> None:
    _, url = fk
    status, body = post(
        url, {"query": "{ __typename }"}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert status == 400
    assert set(body) == {"timestamp", "status", "error", "message", "path"}
    assert (body["status"], body["error"], body["path"]) == (400, "BadRequest", GRAPHQL_PATH)
    headers = {"Authorization": f"Bearer {TOKEN}", **fkorg_api.transaction_headers()}
    headers["x-TransaktionsTid"] = "i går"
    assert post(url, {"query": "{ __typename }"}, headers=headers)[0] == 400
    headers["x-TransaktionsTid"] = "2023-10-10T17:10:11.3441152+02:00[Europe/Berlin]"  # README
    assert post(url, {"query": "{ __typename }"}, headers=headers)[0] == 200


def test_token_from_client_certificate_over_tls(
    tmp_path: Any, pki: Any, fk: tuple[FkOrgServer, str]
) -> None:
    server, graphql_url = fk
    with serve(server, ssl_context=pki.server_context(require_client_cert=True)) as issuer_url:
        spec = SourceSpec(
            kind="fkorg",
            position="fkorg",
            live=True,
            options={
                **NO_WAIT,
                "url": graphql_url,
                "cvr": CVR,
                "token_url": issuer_url + TOKEN_PATH,
                "ca_file": str(pki.ca_file),
                "pkcs12_file": str(pki.client_p12),
                "pkcs12_password_env": "T_P12_PASSWORD",
            },
        )
        opts = LiveOptions(spec, defaults(), system="FK-ORG", allowed=fkorg_api.OPTIONS)
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("T_P12_PASSWORD", pki.p12_password)
            token = fkorg_api._token_from_options(opts, cvr=CVR, sleep=None)
        try:
            assert token.value() == TOKEN
        finally:
            token.close()
    form = next(r.form() for r in server.requests if r.path == TOKEN_PATH)
    assert form["scope"] == f"entityid:{fkorg_api.DEFAULT_CLIENT_ID},anvenderkontekst:{CVR}"


# --- the saved-file format is the server's answer shape ---------------------------------


def _as_queried(users: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The users as the query sees them: addresses of the asked roles only."""
    wanted = {fkorg_api.TELEFON, fkorg_api.FASTNET_TELEFON, fkorg_api.EMAIL}
    return [
        {**u, "adresser": [a for a in u["adresser"] if a["klassifikation"]["rolle"] in wanted]}
        for u in users
    ]


def test_saved_answers_read_as_the_live_fetch(fk: tuple[FkOrgServer, str], tmp_path: Path) -> None:
    server, url = fk
    server.server_max = 400
    fetched = live.fetch(fk_spec(url, status=["AKTIV", "INAKTIV"]), defaults())
    pages = tmp_path / "brugerliste-sider.json"
    pages.write_text(json.dumps(server.answers, ensure_ascii=False), encoding="utf-8")
    one = tmp_path / "brugerliste.json"
    one.write_text(json.dumps(server.answers[0], indent=2), encoding="utf-8")

    from_pages = fkorg.read_fkorg(pages, options={}, settings=defaults())
    assert plain(from_pages.records) == plain(fetched.records) and from_pages.notes == ()
    assert len(fkorg.read_fkorg(one, options={}, settings=defaults()).records) == 400


def test_saved_refusal_is_an_input_error(fk: tuple[FkOrgServer, str], tmp_path: Path) -> None:
    from telefonspor.errors import InputError

    _, url = fk
    _, body = post(url, {"query": OLD_QUERY, "variables": {"cvr": CVR, "first": 500}})
    path = tmp_path / "afvist.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    with pytest.raises(InputError, match="ValidationError"):
        fkorg.read_fkorg(path, options={}, settings=defaults())


def test_the_documented_query_for_saving_a_file_validates() -> None:
    text = (ROOT / "docs/readme/kilder-filer.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```graphql\n(.*?)```", text, re.S) if "brugerListe" in b]
    assert blocks
    schema = load_schema()
    for block in blocks:
        assert validate(schema, parse(block)) == []
