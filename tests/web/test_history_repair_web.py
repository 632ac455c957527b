"""Issue 16.4 in the web app: an admin deletes a wrong run after confirming; a run whose role
holders dropped by more than half is held back unless the admin says the file is right."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.cli.test_audit_cmd import ROWS, write_klik

from telefonspor.settings import Settings
from telefonspor.store import Store

from .conftest import csrf_of
from .test_uploads import _post, _wait_for


def _ids(settings: Settings) -> list[int]:
    with Store.open(settings.db_url()) as store:
        return [r.id for r in store.runs()]


def test_admin_deletes_a_run_after_confirming(
    admin: TestClient, settings: Settings, stored_run: int
) -> None:
    run_page = admin.get(f"/koersler/{stored_run}").text
    assert f'href="/koersler/{stored_run}/slet"' in run_page
    confirm = admin.get(f"/koersler/{stored_run}/slet")
    assert confirm.status_code == 200 and "Det kan ikke fortrydes" in confirm.text
    token = csrf_of(confirm.text)
    unconfirmed = admin.post(f"/koersler/{stored_run}/slet", data={"csrf_token": token})
    assert unconfirmed.status_code == 400
    assert _ids(settings) == [1, 2]
    done = admin.post(
        f"/koersler/{stored_run}/slet",
        data={"csrf_token": token, "bekraeft": "ja"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert _ids(settings) == [1]


def test_viewer_cannot_delete(viewer: TestClient, settings: Settings, stored_run: int) -> None:
    assert "/slet" not in viewer.get(f"/koersler/{stored_run}").text
    assert viewer.get(f"/koersler/{stored_run}/slet").status_code == 403
    token = csrf_of(viewer.get("/").text)
    refused = viewer.post(
        f"/koersler/{stored_run}/slet", data={"csrf_token": token, "bekraeft": "ja"}
    )
    assert refused.status_code == 403
    assert _ids(settings) == [1, 2]


@pytest.mark.slow
def test_a_sudden_drop_is_held_back_in_the_web(
    admin: TestClient, settings: Settings, tmp_path: Path
) -> None:
    full = write_klik(tmp_path / "fuld.xlsx", ROWS).read_bytes()
    part = write_klik(tmp_path / "del.xlsx", ROWS[:1]).read_bytes()
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    first = _post(admin, {"klik": ("klik.xlsx", full, kind)}, kaede="filer")
    assert _wait_for(admin, str(first.url.path))["state"] == "done"
    second = _post(admin, {"klik": ("klik.xlsx", part, kind)}, kaede="filer")
    status = _wait_for(admin, str(second.url.path))
    assert status["state"] == "failed"
    assert "ikke gemt" in str(status["error"])
    assert _ids(settings) == [1]
    third = _post(admin, {"klik": ("klik.xlsx", part, kind)}, kaede="filer", accept_drop="ja")
    assert _wait_for(admin, str(third.url.path))["state"] == "done"
    assert _ids(settings) == [1, 2]
