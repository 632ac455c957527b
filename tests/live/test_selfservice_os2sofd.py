"""Self-service write-back to OS2sofd: ``PATCH /api/v2/persons/{uuid}`` on a test server.

The server models OS2sofd/os2sofd commit 88a368a65e8e6f5fb022d6b344f7f6a52543afb7,
ui/src/main/java/dk/digitalidentity/sofd/controller/api/v2/PersonApi.java:
``patchPerson`` (404 unknown uuid, 304 NOT_MODIFIED without changes, 200 with the person),
``patchCollection`` for ``phones`` (a non-null list REPLACES the collection: entries are
matched by (master, masterId), matched ones are updated field by field where the request's
field is non-null (``patchPhoneEntityFields``), new ones are added, and the person's entries
missing from the request are REMOVED), ``getPersonByADUserId`` (GET
/api/v2/persons/byADUserId/{userId}) and ``@RequireApiWriteAccess`` on PATCH
(security/RequireApiWriteAccess.java: ``hasRole('ROLE_WRITE_ACCESS')``, else 403).
Before the save, ``PrimeService.setPrimePhone`` (service/PrimeService.java, called from
interceptor/AbstractBeforeSaveInterceptor.java) leaves exactly one typePrime per phone type:
when a type has not exactly one, the first phone of the type becomes the typePrime.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from telefonspor.selfservice.apply import apply_approved
from telefonspor.settings import load
from telefonspor.store import Store

from .fakes import EMPTY, FakeApi, Reply, Request, serve, spring_error
from .selfservice_support import approved_submission, write_config

READ_KEY = "laese-noegle"
WRITE_KEY = "skrive-noegle"
PERSONS = "/api/v2/persons/"
PATCHED_FIELDS = ("functionType", "phoneNumber", "phoneType", "visibility")


class Os2sofdPatchApi(FakeApi):
    def __init__(self, persons: list[dict[str, Any]]) -> None:
        super().__init__()
        self.persons = {p["uuid"]: copy.deepcopy(p) for p in persons}

    def route(self, request: Request) -> Reply:
        key = request.headers.get("apikey")
        if key not in (READ_KEY, WRITE_KEY):
            return spring_error(401, "Unauthorized", request.path)
        rest = request.path.removeprefix(PERSONS)
        if request.method == "GET" and rest.startswith("byADUserId/"):
            user_id = rest.removeprefix("byADUserId/")
            for person in self.persons.values():
                if any(u.get("userId") == user_id for u in person.get("users", [])):
                    return Reply(200, person)
            return Reply(404, raw=EMPTY)
        person = self.persons.get(rest)
        if request.method == "GET":
            return Reply(200, person) if person else Reply(404, raw=EMPTY)
        if request.method != "PATCH":
            return spring_error(405, "Method Not Allowed", request.path)
        if key != WRITE_KEY:
            return spring_error(403, "Forbidden", request.path)
        if person is None:
            return Reply(404, raw=EMPTY)
        record = request.json()
        changed = False
        if record.get("phones") is not None:
            changed = patch_collection(person, record["phones"])
        if changed:
            set_prime_phone(person)
        return Reply(200, person) if changed else Reply(304, raw=EMPTY)


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a.get("master") == b.get("master") and a.get("masterId") == b.get("masterId")


def patch_collection(person: dict[str, Any], wanted: list[dict[str, Any]]) -> bool:
    phones: list[dict[str, Any]] = person.setdefault("phones", [])
    if not wanted:
        changed = bool(phones)
        phones.clear()
        return changed
    changed = False
    for entry in wanted:
        match = next((p for p in phones if _same(p, entry)), None)
        if match is None:
            phones.append(dict(entry))
            changed = True
            continue
        for field in PATCHED_FIELDS:
            if entry.get(field) is not None and entry[field] != match.get(field):
                match[field] = entry[field]
                changed = True
    kept = [p for p in phones if any(_same(p, e) for e in wanted)]
    if len(kept) != len(phones):
        phones[:] = kept
        changed = True
    return changed


def set_prime_phone(person: dict[str, Any]) -> None:
    phones = person.get("phones") or []
    for kind in {p["phoneType"] for p in phones}:
        of_type = [p for p in phones if p["phoneType"] == kind]
        if sum(1 for p in of_type if p.get("typePrime")) != 1:
            for p in of_type:
                p["typePrime"] = False
            of_type[0]["typePrime"] = True


def _person(uuid: str, user_id: str, phones: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "uuid": uuid,
        "firstname": "Selv",
        "surname": user_id,
        "users": [{"userId": user_id, "userType": "ACTIVE_DIRECTORY"}],
        "phones": phones,
    }


FAX = {
    "master": "SOFD",
    "masterId": "fax-1",
    "phoneNumber": "86000001",
    "phoneType": "FAX_NUMBER",
    "visibility": "VISIBLE",
    "prime": True,
    "typePrime": True,
}
DEPARTMENT = {
    "master": "SOFD",
    "masterId": "afd-7",
    "phoneNumber": "86000007",
    "phoneType": "DEPARTMENT_NUMBER",
    "visibility": "HIDDEN_FOR_CITIZENS",
    "prime": False,
    "typePrime": True,
}
OPUS_MOBILE = {
    "master": "OPUS",
    "masterId": "m-9",
    "phoneNumber": "20000009",
    "phoneType": "MOBILE",
    "visibility": "HIDDEN_FOR_CITIZENS",
    "prime": True,
    "typePrime": True,
}


@pytest.fixture
def sofd() -> Iterator[tuple[Os2sofdPatchApi, str]]:
    api = Os2sofdPatchApi(
        [
            _person("11111111-0000-0000-0000-000000000001", "sofd01", [FAX, DEPARTMENT]),
            _person("11111111-0000-0000-0000-000000000002", "sofd02", []),
            _person("11111111-0000-0000-0000-000000000003", "sofd03", [OPUS_MOBILE]),
        ]
    )
    with serve(api) as url:
        yield api, url


def _config(tmp_path: Path, url: str, monkeypatch: pytest.MonkeyPatch, key: str) -> Path:
    monkeypatch.setenv("T_SOFD_READ", READ_KEY)
    monkeypatch.setenv("T_SOFD_WRITE", key)
    return write_config(
        tmp_path / "kaede.toml",
        f"""
[store]
db = "sqlite:///{tmp_path / "historik.db"}"

[[source]]
kind = "os2sofd"
live = true
url = "{url}"
api_key_env = "T_SOFD_READ"
write_api_key_env = "T_SOFD_WRITE"
retry_delay = 0.0
""",
    )


def test_the_server_models_upstreams_replace_semantics(
    sofd: tuple[Os2sofdPatchApi, str],
) -> None:
    """A naive PATCH with only the new phone would delete the person's other phones."""
    api, _ = sofd
    person = copy.deepcopy(api.persons["11111111-0000-0000-0000-000000000001"])
    patch_collection(person, [{"master": "x", "masterId": "y", "phoneNumber": "33663301"}])
    assert [p["masterId"] for p in person["phones"]] == ["y"]


def test_patch_adds_our_phone_and_keeps_every_other(
    sofd: tuple[Os2sofdPatchApi, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, url = sofd
    settings = load(_config(tmp_path, url, monkeypatch, WRITE_KEY))
    with Store.from_settings(settings) as store:
        sub = approved_submission(store, "sofd01", direct="33663301", mobile="20304001")
        dry = apply_approved(store, settings, really=False, by="anna")
        assert {p.outcome for p in dry} == {"would_write"}
        assert not [r for r in api.requests if r.method == "PATCH"]
        done = apply_approved(store, settings, really=True, by="anna")
        after = store.selfservice().submission(sub.id)
    assert {(p.target, p.outcome) for p in done} == {("os2sofd", "written")}
    assert after.status == "applied" and not after.holds_numbers
    phones = api.persons["11111111-0000-0000-0000-000000000001"]["phones"]
    assert FAX in phones and DEPARTMENT in phones  # nothing else was lost
    ours = {p["phoneType"]: p for p in phones if p["master"] == "telefonspor"}
    assert ours["LANDLINE"]["phoneNumber"] == "33663301" and ours["LANDLINE"]["typePrime"]
    assert ours["MOBILE"]["phoneNumber"] == "20304001"
    [patch] = [r for r in api.requests if r.method == "PATCH"]
    assert patch.path == "/api/v2/persons/11111111-0000-0000-0000-000000000001"
    assert patch.headers["apikey"] == WRITE_KEY


def test_a_number_added_meanwhile_is_a_conflict(
    sofd: tuple[Os2sofdPatchApi, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, url = sofd
    settings = load(_config(tmp_path, url, monkeypatch, WRITE_KEY))
    with Store.from_settings(settings) as store:
        sub = approved_submission(store, "sofd02", mobile="20304002")
        api.persons["11111111-0000-0000-0000-000000000002"]["phones"].append(
            {**OPUS_MOBILE, "masterId": "new"}
        )
        rows = apply_approved(store, settings, really=True, by="anna")
        assert store.selfservice().submission(sub.id).status == "conflict"
    assert [r.outcome for r in rows] == ["conflict"]
    assert not [r for r in api.requests if r.method == "PATCH"]


def test_a_read_only_key_is_refused_and_nothing_is_logged_as_written(
    sofd: tuple[Os2sofdPatchApi, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, url = sofd
    settings = load(_config(tmp_path, url, monkeypatch, READ_KEY))
    with Store.from_settings(settings) as store:
        sub = approved_submission(store, "sofd02", direct="33663302")
        rows = apply_approved(store, settings, really=True, by="anna")
        assert store.selfservice().writes() == []
        assert store.selfservice().submission(sub.id).status == "approved"  # try again later
    assert [r.outcome for r in rows] == ["failed"]
    assert "HTTP 403" in rows[0].message
    assert api.persons["11111111-0000-0000-0000-000000000002"]["phones"] == []


def test_another_masters_primary_number_is_not_shadowed(
    sofd: tuple[Os2sofdPatchApi, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OS2sofd keeps the first typePrime of a type: an added mobile would never be sent on."""
    api, url = sofd
    settings = load(_config(tmp_path, url, monkeypatch, WRITE_KEY))
    with Store.from_settings(settings) as store:
        approved_submission(store, "sofd03", mobile="20304003", before={"mobile": "20000009"})
        rows = apply_approved(store, settings, really=True, by="anna")
    assert [r.outcome for r in rows] == ["failed"] and "fra OPUS" in rows[0].message
    assert api.persons["11111111-0000-0000-0000-000000000003"]["phones"] == [OPUS_MOBILE]


def test_the_server_keeps_one_type_prime_per_type() -> None:
    person = _person("u", "x", [dict(OPUS_MOBILE)])
    patch_collection(person, [OPUS_MOBILE, {**OPUS_MOBILE, "masterId": "b", "master": "y"}])
    set_prime_phone(person)
    assert [p["typePrime"] for p in person["phones"]] == [True, False]
