"""The web app's data folder is private: run folders 0700, reports and uploads 0600 (issue 12,
point 8). Web run folders used to be 0755 and reports 0644 under the usual umask 022."""

from __future__ import annotations

import os
import pwd
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient  # imported in conftest first (warning filtered)
from typer.testing import CliRunner

from telefonspor.cli import app as cli_app
from telefonspor.errors import ConfigError
from telefonspor.sample import generate_chain
from telefonspor.settings import Settings, load
from telefonspor.web import create_app
from telefonspor.web.accounts import Accounts

from .conftest import PASSWORD, csrf_of, sign_in


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def not_private(root: Path) -> dict[str, str]:
    """Entries of ``root`` (itself included) that others could read: path -> mode."""
    wrong = {}
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode != (0o700 if path.is_dir() else 0o600):
            wrong[str(path.relative_to(root))] = f"{mode:04o}"
    return wrong


def test_web_run_writes_only_private_files(tmp_path: Path, umask_022: None) -> None:
    chain = generate_chain(tmp_path / "kommune", holders=40, users=200)
    settings = load(
        chain.config,
        overrides=[f"store.db=sqlite:///{tmp_path / 'db' / 't.db'}", "web.keep_uploads=true"],
        environ={},
    )
    accounts = Accounts.open(settings.db_url())
    accounts.add("anna", "admin", PASSWORD)
    accounts.close()
    web = tmp_path / "web"
    with TestClient(create_app(settings, data_dir=web)) as client:
        sign_in(client, "anna")
        token = csrf_of(client.get("/ny-koersel").text)
        response = client.post(
            "/ny-koersel",
            data={"csrf_token": token, "kaede": "filer", "kilde_type_1": "ad"},
            files={
                "klik": ("klik.xlsx", chain.klik.read_bytes(), "application/octet-stream"),
                "kilde_fil_1": ("ad.csv", chain.sources["ad"].read_bytes(), "text/csv"),
            },
        )
        job_url = str(response.url.path)
        for _ in range(600):  # waits for the background thread; bounded, not a timing assert
            status = client.get(job_url + "/status").json()
            if status["state"] != "running":
                break
            time.sleep(0.1)
        assert status["state"] == "done", status
    run_dirs = list((web / "koersler").iterdir())
    assert len(run_dirs) == 1
    assert {"rapport.xlsx", "rapport.html", "resultat.json", "rettelser"} <= {
        p.name for p in run_dirs[0].iterdir()
    }
    assert any((web / "uploads").rglob("*.xlsx")), "kept uploads are checked too"
    assert not_private(web) == {}
    assert not_private(tmp_path / "db") == {}  # database, its key file, its folder


def _old_data_dir(web: Path) -> None:
    """A data folder as older versions left it: 0755 folders, 0644 reports."""
    run = web / "koersler" / "abc123"
    run.mkdir(parents=True)
    (run / "rapport.html").write_text("<p>Anna Hansen 33 66 33 66</p>", encoding="utf-8")
    (run / "rettelser").mkdir()
    (run / "rettelser" / "ad-rettelser.ps1").write_text("Set-ADUser", encoding="utf-8")
    for path in [web, *web.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def test_existing_open_data_dir_is_tightened_at_start(
    settings: Settings, tmp_path: Path, umask_022: None
) -> None:
    web = tmp_path / "web"
    _old_data_dir(web)
    assert not_private(web)
    create_app(settings, data_dir=web)
    assert not_private(web) == {}
    assert (web / "koersler" / "abc123" / "rapport.html").read_text("utf-8").startswith("<p>")


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_open_data_dir_of_another_user_is_refused_in_danish(
    settings: Settings, tmp_path: Path
) -> None:
    web = tmp_path / "web"
    _old_data_dir(web)
    nobody = pwd.getpwnam("nobody")
    os.chown(web, nobody.pw_uid, nobody.pw_gid)
    with pytest.raises(ConfigError, match="tilhører en anden bruger") as refused:
        create_app(settings, data_dir=web)
    assert "chmod -R go-rwx" in str(refused.value)
    assert stat.S_IMODE(web.stat().st_mode) == 0o755, "another user's folder is not changed"
    done = CliRunner().invoke(
        cli_app, ["serve", "--db", settings.db_url(), "--data-dir", str(web)], env={}
    )
    assert done.exit_code == 2, done.output
    assert "tilhører en anden bruger" in " ".join(done.output.split())
