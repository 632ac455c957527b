"""The HTTP connectors against real servers on 127.0.0.1 that misbehave on demand."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from telefonspor.errors import AuthError, ConfigError, SourceError
from telefonspor.settings import SourceSpec, defaults
from telefonspor.sources import fkorg, os2mo_api, os2sofd_api, os2sync_api
from telefonspor.sources.http import HttpClient, client_from_options
from telefonspor.sources.live_options import FetchState, LiveOptions
from telefonspor.sources.secrets import install_log_redaction, read_secret, redact

from .fakes import Fault, Os2sofdApi, Os2syncApi, bad_request, serve
from .os2mo_server import Os2moApi
from .people import os2mo_employees, os2sync_users, sofd_persons

KEY = "sofd-noegle-hemmelig-123"
CVR = "29189838"
NO_WAIT: dict[str, Any] = {"retry_delay": 0.0, "timeout": 2.0}


def options(kind: str, system: str, allowed: frozenset[str], **values: Any) -> LiveOptions:
    spec = SourceSpec(kind=kind, position="local", live=True, options={**NO_WAIT, **values})
    return LiveOptions(spec, defaults(), system=system, allowed=allowed)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("T_SOFD_KEY", KEY)
    return monkeypatch


# --- OS2sofd ----------------------------------------------------------------------------


@pytest.fixture
def sofd() -> Iterator[tuple[Os2sofdApi, str]]:
    api = Os2sofdApi(sofd_persons(250), KEY)
    with serve(api) as url:
        yield api, url


def sofd_client(url: str, **values: Any) -> HttpClient:
    opts = options("os2sofd", "OS2sofd", os2sofd_api.OPTIONS, url=url, **values)
    return client_from_options(opts, headers={"ApiKey": KEY})


def test_os2sofd_follows_next_offset_to_the_end(sofd: tuple[Os2sofdApi, str]) -> None:
    api, url = sofd
    with sofd_client(url) as client:
        state = FetchState("OS2sofd", allow_partial=False)
        persons = os2sofd_api.fetch_persons(client, page_size=100, state=state)
    # Within a page the persons come in HashSet order; the walk still gets each once.
    assert sorted(p["uuid"] for p in persons) == [p["uuid"] for p in api.persons]
    assert [p["uuid"] for p in persons[:100]] != [p["uuid"] for p in api.persons[:100]]
    offsets = [r.query.get("offset", "") for r in api.requests]
    assert offsets == [
        "",
        api.persons[99]["uuid"],
        api.persons[199]["uuid"],
        api.persons[249]["uuid"],
    ]
    assert all(r.headers["apikey"] == KEY for r in api.requests)
    assert state.complete


def test_os2sofd_retries_500_twice_then_succeeds(sofd: tuple[Os2sofdApi, str]) -> None:
    api, url = sofd
    api.fail(500, times=2)
    with sofd_client(url) as client:
        persons = os2sofd_api.fetch_persons(
            client, page_size=100, state=FetchState("x", allow_partial=False)
        )
    assert len(persons) == 250
    assert [r.query.get("offset", "") for r in api.requests[:3]] == ["", "", ""]


def test_os2sofd_gives_up_after_bounded_retries(sofd: tuple[Os2sofdApi, str]) -> None:
    api, url = sofd
    api.fail(503, times=100, path="/api/v2/persons")
    with (
        sofd_client(url, retries=2) as client,
        pytest.raises(SourceError, match="HTTP 503 efter 3 forsøg"),
    ):
        os2sofd_api.fetch_persons(
            client, page_size=100, state=FetchState("OS2sofd", allow_partial=False)
        )
    assert len(api.requests) == 3


def test_os2sofd_401_is_not_retried_and_names_system_and_url_not_key(
    sofd: tuple[Os2sofdApi, str],
) -> None:
    api, url = sofd
    with (
        HttpClient("OS2sofd", url, headers={"ApiKey": "forkert-noegle"}) as client,
        pytest.raises(AuthError) as caught,
    ):
        os2sofd_api.fetch_persons(client, page_size=100, state=FetchState("x", allow_partial=True))
    message = str(caught.value)
    assert message.startswith(f"API-nøglen blev afvist af OS2sofd på {url}/api/v2/persons")
    assert "forkert-noegle" not in message
    assert len(api.requests) == 1


def test_os2sofd_slow_reply_times_out_then_retry_succeeds(sofd: tuple[Os2sofdApi, str]) -> None:
    api, url = sofd
    api.fail(200, times=1, delay=1.0)
    with sofd_client(url, timeout=0.2) as client:
        persons = os2sofd_api.fetch_persons(
            client, page_size=100, state=FetchState("x", allow_partial=False)
        )
    assert len(persons) == 250


def test_os2sofd_only_slow_replies_fail_with_timeout_message(sofd: tuple[Os2sofdApi, str]) -> None:
    api, url = sofd
    api.fail(200, times=10, delay=0.6)
    with (
        sofd_client(url, timeout=0.2, retries=1) as client,
        pytest.raises(SourceError, match="tidsgrænsen"),
    ):
        os2sofd_api.fetch_persons(client, page_size=100, state=FetchState("x", allow_partial=False))


def test_os2sofd_cursor_ending_early_raises_or_marks_incomplete(
    sofd: tuple[Os2sofdApi, str],
) -> None:
    api, url = sofd
    api.drop_cursor_after = 100
    with sofd_client(url) as client:
        with pytest.raises(SourceError, match="fuld side uden nextOffset"):
            os2sofd_api.fetch_persons(
                client, page_size=100, state=FetchState("OS2sofd", allow_partial=False)
            )
        state = FetchState("OS2sofd", allow_partial=True)
        persons = os2sofd_api.fetch_persons(client, page_size=100, state=state)
    assert len(persons) == 200
    assert not state.complete
    assert "ufuldstændig" in state.notes[0]


def test_os2sofd_failure_mid_way_with_allow_partial_keeps_pages(
    sofd: tuple[Os2sofdApi, str],
) -> None:
    api, url = sofd
    with sofd_client(url, retries=0) as client:
        state = FetchState("OS2sofd", allow_partial=True)
        os2sofd_api.fetch_persons(client, page_size=100, state=state, max_pages=1)
        api.fail(500, times=5)
        persons = os2sofd_api.fetch_persons(client, page_size=100, state=state)
    assert persons == []
    assert not state.complete


# --- OS2sync ----------------------------------------------------------------------------


@pytest.fixture
def sync() -> Iterator[tuple[Os2syncApi, str]]:
    api = Os2syncApi(os2sync_users(120), KEY, CVR)
    with serve(api) as url:
        yield api, url


def sync_client(url: str) -> HttpClient:
    opts = options("fkorg", "OS2sync", os2sync_api.OPTIONS, url=url)
    return client_from_options(opts, headers={"cvr": CVR, "apiKey": KEY})


def test_os2sync_reads_every_user_with_bounded_concurrency(sync: tuple[Os2syncApi, str]) -> None:
    api, url = sync
    seen: list[tuple[int, int | None]] = []
    with sync_client(url) as client:
        users = os2sync_api.fetch_users(
            client,
            concurrency=4,
            state=FetchState("OS2sync", allow_partial=False),
            progress=lambda _s, done, total: seen.append((done, total)),
        )
    assert [u["Uuid"] for u in users] == api.listed
    assert 1 <= api.max_active <= 4
    assert seen[-1] == (120, 120)


def test_os2sync_user_that_404s_is_never_silently_dropped(sync: tuple[Os2syncApi, str]) -> None:
    api, url = sync
    api.listed.insert(5, "00000000-dead-4000-8000-000000000000")
    with sync_client(url) as client:
        with pytest.raises(SourceError, match=r"1 af 121 brugere .* 404"):
            os2sync_api.fetch_users(
                client, concurrency=8, state=FetchState("OS2sync", allow_partial=False)
            )
        state = FetchState("OS2sync", allow_partial=True)
        users = os2sync_api.fetch_users(client, concurrency=8, state=state)
    assert len(users) == 120
    assert not state.complete


def test_os2sync_hierarchy_polls_until_ready_and_has_no_landline(
    sync: tuple[Os2syncApi, str],
) -> None:
    api, url = sync
    naps: list[float] = []
    with sync_client(url) as client:
        users = os2sync_api.fetch_hierarchy_users(
            client,
            state=FetchState("OS2sync", allow_partial=False),
            wait=10,
            poll=0.5,
            sleep=naps.append,
        )
    assert naps == [0.5, 0.5]
    assert len(users) == 120
    assert all(u["Landline"] is None for u in users)
    assert users[0]["PhoneNumber"] == api.users[users[0]["Uuid"]]["PhoneNumber"]


def test_os2sync_hierarchy_wait_is_bounded(sync: tuple[Os2syncApi, str]) -> None:
    api, url = sync
    api.hierarchy_not_ready = 100
    naps: list[float] = []
    with sync_client(url) as client, pytest.raises(SourceError, match="ikke klar efter 2 sekunder"):
        os2sync_api.fetch_hierarchy_users(
            client,
            state=FetchState("OS2sync", allow_partial=False),
            wait=2,
            poll=1,
            sleep=naps.append,
        )
    assert naps == [1, 1]


def test_os2sync_errors_in_upstream_shapes(sync: tuple[Os2syncApi, str]) -> None:
    """OS2sync/OS2sync ServiceLayer/Controllers/UserController.cs (commit 7c8a175a):
    ``Unauthorized()`` is a 401 with an empty body, ``BadRequest(ex.Message)`` a 400 whose
    text/plain body is the message, ``NotFound()`` a 404 with an empty body."""
    api, url = sync
    opts = options("fkorg", "OS2sync", os2sync_api.OPTIONS, url=url)
    with (
        client_from_options(opts, headers={"cvr": CVR, "apiKey": "forkert"}) as client,
        pytest.raises(AuthError, match="HTTP 401"),
    ):
        os2sync_api.fetch_users(client, concurrency=2, state=FetchState("x", allow_partial=True))
    api.faults.append(
        Fault(lambda r: r.path == "/api/user/all", bad_request("Kunne ikke læse fra FK ORG"), 1)
    )
    with sync_client(url) as client, pytest.raises(SourceError) as caught:
        os2sync_api.fetch_users(client, concurrency=2, state=FetchState("x", allow_partial=True))
    assert "HTTP 400: Kunne ikke læse fra FK ORG" in str(caught.value)


def test_os2sync_hierarchy_job_id_is_plain_text_and_failure_is_reported(
    sync: tuple[Os2syncApi, str],
) -> None:
    """OS2sync/OS2sync ServiceLayer/Controllers/HierarchyController.cs (commit 7c8a175a):
    ``Ok(uuid)`` returns a bare string (ASP.NET writes it as text/plain), and a failed
    read is cached as ``{Result: null, Status: 1}`` (FAILURE)."""
    api, url = sync
    api.hierarchy_not_ready = 0
    api.hierarchy_fails = True
    with sync_client(url) as client, pytest.raises(SourceError, match="FAILURE"):
        os2sync_api.fetch_hierarchy_users(
            client, state=FetchState("x", allow_partial=False), wait=1, poll=1, sleep=lambda _: None
        )
    start = next(r for r in api.requests if r.path == "/api/hierarchy")
    assert "application/json" not in start.headers.get("accept", "")


def test_os2sync_status_is_an_integer_enum(sync: tuple[Os2syncApi, str]) -> None:
    """OS2sync/OS2sync BusinessLayer/Source/dto/read/Status.cs (commit 7c8a175a): enum
    UNKNOWN, ACTIVE, INACTIVE serialised by Newtonsoft as 0, 1, 2. Old string forms in
    saved files are still read."""
    api, url = sync
    first, second, third = list(api.users)[:3]
    api.users[first]["Status"] = 2
    api.users[second]["Status"] = 0
    api.users[third]["Status"] = "INACTIVE"  # a file saved by an older tool
    with sync_client(url) as client:
        users = os2sync_api.fetch_users(
            client, concurrency=2, state=FetchState("x", allow_partial=False), limit=4
        )
    records = fkorg.records_from_os2sync_users(users, origin=url)
    assert [r.active for r in records] == [False, True, False, True]


# --- OS2mo -----------------------------------------------------------------------------

MO_SECRET = "mo-klienthemmelighed-42"


@pytest.fixture
def mo() -> Iterator[tuple[Os2moApi, str]]:
    api = Os2moApi(os2mo_employees(230), MO_SECRET)
    with serve(api) as url:
        yield api, url


def mo_fetch(
    url: str, secret: str = MO_SECRET, **kw: Any
) -> tuple[list[dict[str, Any]], os2mo_api.ClientCredentialsToken]:
    opts = options("os2mo", "OS2mo", os2mo_api.OPTIONS, url=url)
    with client_from_options(opts, credential="Adgangstokenet") as client:
        token = os2mo_api.ClientCredentialsToken(
            client,
            token_url=f"{url}/auth/realms/mo/protocol/openid-connect/token",
            client_id="telefonspor",
            client_secret=secret,
        )
        employees = os2mo_api.fetch_employees(
            client,
            token,
            path="/graphql/v22",
            page_size=100,
            state=FetchState("OS2mo", allow_partial=False),
            **kw,
        )
    return employees, token


def test_os2mo_pages_by_cursor_with_one_token(mo: tuple[Os2moApi, str]) -> None:
    api, url = mo
    employees, token = mo_fetch(url)
    assert [e["uuid"] for e in employees] == [e["uuid"] for e in api.employees]
    assert token.fetched == 1
    queries = [r.json() for r in api.requests if r.path == "/graphql/v22"]
    assert [q["variables"]["cursor"] for q in queries] == [None, "100", "200"]
    assert "cpr" not in queries[0]["query"]


def test_os2mo_expired_token_is_renewed_once(mo: tuple[Os2moApi, str]) -> None:
    api, url = mo
    calls = 0

    def expire_after_first_page(_s: str, _d: int, _t: int | None) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            api.expire_tokens()

    employees, token = mo_fetch(url, progress=expire_after_first_page)
    assert len(employees) == 230
    assert token.fetched == 2


def test_os2mo_token_near_expiry_is_renewed_before_use(mo: tuple[Os2moApi, str]) -> None:
    api, url = mo
    api.expires_in = 10  # inside the 30 s margin: every call renews
    _, token = mo_fetch(url)
    assert token.fetched == 3


def test_os2mo_wrong_client_secret_is_auth_error(mo: tuple[Os2moApi, str]) -> None:
    _, url = mo
    with pytest.raises(AuthError, match="tokenudsteder") as caught:
        mo_fetch(url, secret="forkert-hemmelighed")
    assert "forkert-hemmelighed" not in str(caught.value)


# --- secrets and options ---------------------------------------------------------------


def test_secret_from_env_file_never_literal(tmp_path: Any, env: pytest.MonkeyPatch) -> None:
    key_file = tmp_path / "nøgle.txt"
    key_file.write_text("fil-hemmelighed-1\n", encoding="utf-8")
    assert read_secret({"api_key_env": "T_SOFD_KEY"}, "api_key", where="w") == KEY
    assert read_secret({"api_key_file": str(key_file)}, "api_key", where="w") == "fil-hemmelighed-1"
    with pytest.raises(ConfigError, match="må ikke stå direkte"):
        read_secret({"api_key": "abc"}, "api_key", where="w")
    with pytest.raises(ConfigError, match="T_MANGLER"):
        read_secret({"api_key_env": "T_MANGLER"}, "api_key", where="w")
    with pytest.raises(ConfigError, match="findes ikke"):
        read_secret({"api_key_file": str(tmp_path / "ingen")}, "api_key", where="w")


def test_known_secrets_are_redacted_from_text_and_logs(
    env: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    read_secret({"api_key_env": "T_SOFD_KEY"}, "api_key", where="w")
    assert redact(f"svar: {KEY}!") == "svar: ***!"
    logger = logging.getLogger("telefonspor.test.redaction")
    install_log_redaction(logger)
    with caplog.at_level(logging.INFO, logger="telefonspor.test.redaction"):
        logger.info("nøgle %s brugt", KEY)
    assert KEY not in caplog.text
    assert "nøgle *** brugt" in caplog.text


def test_unknown_option_and_bad_values_are_danish_config_errors() -> None:
    with pytest.raises(ConfigError, match="ukendt indstilling 'pagesize'"):
        options("os2sofd", "OS2sofd", os2sofd_api.OPTIONS, url="https://x", pagesize=10)
    opts = options("os2sofd", "OS2sofd", os2sofd_api.OPTIONS, url="ftp://x", page_size="mange")
    with pytest.raises(ConfigError, match="skal starte med https://"):
        opts.url()
    with pytest.raises(ConfigError, match="page_size skal være et heltal"):
        opts.integer("page_size", 100)
