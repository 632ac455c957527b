"""Fixtures for the web app: a fresh database, two users, a stored run with reports."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI

with warnings.catch_warnings():
    # Starlette 1.x warns that its TestClient wants httpx2; httpx works (reported to the lead).
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

from telefonspor.fixfiles import write_fix_files
from telefonspor.model import (
    EMPTY_PHONE,
    AuditResult,
    HolderResult,
    Hop,
    PhoneValue,
    Summary,
)
from telefonspor.reports import write_reports
from telefonspor.settings import Settings, load
from telefonspor.store import Store
from telefonspor.web import accounts as accounts_module
from telefonspor.web import create_app
from telefonspor.web.accounts import Accounts

PASSWORD = "korrekt hest batteri"
HOSTILE = "<script>alert(1)</script>"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load(
        None, overrides=[f"store.db=sqlite:///{tmp_path / 'db' / 'telefonspor.db'}"], environ={}
    )


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    # Production argon2 parameters cost ~0.1 s a hash; the tests only need it to be argon2.
    monkeypatch.setattr(
        accounts_module, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def app(settings: Settings, tmp_path: Path) -> FastAPI:
    accounts = Accounts.open(settings.db_url())
    accounts.add("anna", "admin", PASSWORD)
    accounts.add("viggo", "viewer", PASSWORD)
    accounts.close()
    return create_app(settings, data_dir=tmp_path / "web")


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> None:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "username": name,
            "password": password,
            "csrf_token": csrf_of(page.text),
            "next": "/",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


@pytest.fixture
def admin(client: TestClient) -> TestClient:
    sign_in(client, "anna")
    return client


@pytest.fixture
def viewer(client: TestClient) -> TestClient:
    sign_in(client, "viggo")
    return client


def _holder(
    user_id: str,
    name: str,
    *,
    cause: str | None,
    responsible: str = "",
    unit: str = "Borgerservice",
    roles: tuple[str, ...] = ("Sikkerhedsansvarlig",),
) -> HolderResult:
    covered = cause is None
    phone = PhoneValue("33 66 33 66", "+4533663366", "landline") if covered else EMPTY_PHONE
    trace = (
        Hop("ad", "source", True, direct="33 66 33 66", mobile="", key="user_id"),
        Hop("fkorg", "fkorg", True, key="uuid"),
    )
    return HolderResult(
        user_id=user_id,
        name=name,
        email=f"{user_id}@kommune.dk",
        unit=unit,
        municipality="Eksempel Kommune",
        roles=roles,
        row=2,
        direct=phone,
        mobile=EMPTY_PHONE,
        covered=covered,
        direct_reach=covered,
        cause=cause,
        responsible=responsible,
        action="Ret nummeret i OS2sofd." if cause else "",
        trace=trace,
    )


def sample_result(extra_uncovered: int = 0) -> AuditResult:
    holders = [
        _holder("hans", "Hans Hansen", cause=None),
        _holder("xss", HOSTILE, cause="lost_source_to_local", responsible="supplier"),
        _holder(
            "mette",
            "Mette Østergård",
            cause="missing_in_source",
            responsible="employee",
            unit="Løn",
            roles=("Løn-administrator", "Sikkerhedsansvarlig"),
        ),
        _holder("gl", "Gammel Bruger", cause="legacy_klik_user", responsible="klik_admin"),
    ]
    holders += [
        _holder(
            f"u{i:04d}", f"Person {i:04d}", cause="lost_local_to_fkorg", responsible="sync_operator"
        )
        for i in range(extra_uncovered)
    ]
    uncovered = [h for h in holders if not h.covered]
    causes: dict[str, int] = {}
    for h in uncovered:
        causes[h.cause or ""] = causes.get(h.cause or "", 0) + 1
    roles = sum(len(h.roles) for h in holders)
    covered_roles = sum(len(h.roles) for h in holders if h.covered)
    summary = Summary(
        len(holders),
        roles,
        len(holders) - len(uncovered),
        covered_roles,
        1,
        {"missing": len(uncovered)},
        causes,
    )
    return AuditResult(summary, tuple(holders), (), (), (), (), datetime.now(UTC).isoformat())


@pytest.fixture(scope="session")
def report_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, AuditResult]:
    """Reports and fix files of the sample result, written once (pages only read them)."""
    folder = tmp_path_factory.mktemp("koersel")
    result = sample_result(extra_uncovered=60)
    write_reports(result, folder)
    write_fix_files(result, folder / "rettelser", settings=load(None, environ={}))
    return folder, result


@pytest.fixture
def stored_run(app: FastAPI, settings: Settings, report_folder: tuple[Path, AuditResult]) -> int:
    """Two runs; the latest with reports and fix files."""
    folder, result = report_folder
    with Store.open(settings.db_url()) as store:
        earlier = datetime.now(UTC) - timedelta(days=7)
        store.save_run(sample_result(), started_at=earlier, finished_at=earlier)
        run_id = store.save_run(
            result,
            started_at=datetime.now(UTC),
            finished_at=datetime.now(UTC),
            report_dir=str(folder),
        )
    return run_id
