"""Self-service write-back to AD over LDAP, against a real slapd.

The slapd ACL lets the write account change only telephoneNumber and mobile
(tests/live/slapd.py); the audit's read account cannot write at all.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from telefonspor.cli import app
from telefonspor.errors import AuthError
from telefonspor.selfservice.apply import apply_approved
from telefonspor.settings import Settings, load
from telefonspor.sources.ad_ldap import ldap3  # imported there without pyasn1's warnings
from telefonspor.sources.writeback import AdWriter
from telefonspor.store import Store

from .pki import Pki
from .selfservice_support import ad_write_source, approved_submission, write_config
from .slapd import (
    READER_DN,
    READER_PASSWORD,
    SELFSERVICE_OU,
    WRITER_PASSWORD,
    Slapd,
)


@pytest.fixture
def ad_config(tmp_path: Path, slapd: Slapd, pki: Pki, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("T_AD_READ", READER_PASSWORD)
    monkeypatch.setenv("T_AD_WRITE", WRITER_PASSWORD)
    return write_config(
        tmp_path / "kaede.toml",
        f"""
[ad]
user_id_attribute = "uid"

[store]
db = "sqlite:///{tmp_path / "historik.db"}"

{ad_write_source(slapd.ldaps_url, pki.ca_file)}""",
    )


def read_entry(slapd: Slapd, pki: Pki, uid: str) -> dict[str, list[str]]:
    """Re-read the entry live with the read account (never through telefonspor)."""
    tls = ldap3.Tls(ca_certs_file=str(pki.ca_file))
    server = ldap3.Server(slapd.ldaps_url, use_ssl=True, tls=tls)
    conn = ldap3.Connection(server, READER_DN, READER_PASSWORD, auto_bind=True)
    try:
        conn.search(
            f"uid={uid},{SELFSERVICE_OU}",
            "(objectClass=*)",
            ldap3.BASE,
            attributes=["telephoneNumber", "mobile", "title"],
        )
        entry = conn.entries[0]
        names = ("telephoneNumber", "mobile", "title")
        return {a: [str(v) for v in entry[a].values] for a in names}
    finally:
        conn.unbind()  # ldap3's "with" leaves an auto-bound connection open


def test_dry_run_writes_nothing_then_apply_writes_and_logs(
    ad_config: Path, slapd: Slapd, pki: Pki, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = load(ad_config)
    with Store.from_settings(settings) as store:
        sub = approved_submission(store, "sel01", direct="33663301", mobile="20304001")
        dry = apply_approved(store, settings, really=False, by="anna")
        assert [(p.field, p.outcome, p.new_masked) for p in dry] == [
            ("direct", "would_write", "••••••01"),
            ("mobile", "would_write", "••••••01"),
        ]
        assert read_entry(slapd, pki, "sel01")["telephoneNumber"] == []
        assert store.selfservice().submission(sub.id).holds_numbers
        done = apply_approved(store, settings, really=True, by="bent")
        assert {p.outcome for p in done} == {"written"}
        after = store.selfservice().submission(sub.id)
        writes = store.selfservice().writes()
    assert "sel01" in caplog.text  # logs name the user id ...
    assert "33663301" not in caplog.text and "20304001" not in caplog.text  # ... never a number
    entry = read_entry(slapd, pki, "sel01")
    assert entry["telephoneNumber"] == ["33663301"] and entry["mobile"] == ["20304001"]
    assert after.status == "applied" and not after.holds_numbers  # deleted once applied
    assert [(w.field, w.target, w.old_masked, w.new_masked, w.outcome) for w in writes] == [
        ("direct", "ad", "", "••••••01", "written"),
        ("mobile", "ad", "", "••••••01", "written"),
    ]
    assert {(w.approved_by, w.applied_by) for w in writes} == {("anna", "bent")}


def test_value_changed_since_the_link_is_a_conflict_and_nothing_is_written(
    ad_config: Path, slapd: Slapd, pki: Pki
) -> None:
    settings = load(ad_config)
    writer = AdWriter(settings.sources[0], settings)
    writer.write("sel02", {"mobile": "20304099"})  # someone else fixed it meanwhile
    writer.close()
    with Store.from_settings(settings) as store:
        sub = approved_submission(store, "sel02", mobile="20304002")
        rows = apply_approved(store, settings, really=True, by="anna")
        after = store.selfservice().submission(sub.id)
        [logged] = store.selfservice().writes()
    assert [r.outcome for r in rows] == ["conflict"]
    assert read_entry(slapd, pki, "sel02")["mobile"] == ["20304099"]
    assert after.status == "conflict" and after.holds_numbers  # the administrator decides
    assert (logged.old_masked, logged.new_masked, logged.outcome) == (
        "••••••99",
        "••••••02",
        "conflict",
    )


def test_the_write_account_may_change_only_the_phone_attributes(
    ad_config: Path, slapd: Slapd, pki: Pki
) -> None:
    settings = load(ad_config)
    writer = AdWriter(settings.sources[0], settings)
    writer._attrs["direct"] = "title"  # as if ad.direct_attribute pointed at another attribute
    with pytest.raises(AuthError, match="må ikke ændre title"):
        writer.write("sel03", {"direct": "33663303"})
    writer.close()
    assert read_entry(slapd, pki, "sel03")["title"] == ["Medarbejder 3"]


def test_the_read_account_cannot_write(slapd: Slapd, pki: Pki) -> None:
    tls = ldap3.Tls(ca_certs_file=str(pki.ca_file))
    server = ldap3.Server(slapd.ldaps_url, use_ssl=True, tls=tls)
    conn = ldap3.Connection(server, READER_DN, READER_PASSWORD, auto_bind=True)
    try:
        conn.modify(
            f"uid=sel04,{SELFSERVICE_OU}", {"mobile": [(ldap3.MODIFY_REPLACE, ["20304004"])]}
        )
        assert conn.result["description"] == "insufficientAccessRights"
    finally:
        conn.unbind()


def test_cli_apply_is_a_dry_run_by_default(
    ad_config: Path, slapd: Slapd, pki: Pki, tmp_path: Path
) -> None:
    settings: Settings = load(ad_config)
    with Store.from_settings(settings) as store:
        approved_submission(store, "sel05", direct="33663305")
    runner = CliRunner()
    dry = runner.invoke(app, ["selvbetjening", "apply", "--config", str(ad_config)])
    assert dry.exit_code == 0, dry.output
    assert "Ville skrive" in dry.output and "Prøvekørsel" in dry.output
    assert "33663305" not in dry.output and "••••••05" in dry.output
    assert read_entry(slapd, pki, "sel05")["telephoneNumber"] == []
    real = runner.invoke(app, ["selvbetjening", "apply", "--apply", "--config", str(ad_config)])
    assert real.exit_code == 0, real.output
    assert "1 felter skrevet i ad" in real.output
    assert read_entry(slapd, pki, "sel05")["telephoneNumber"] == ["33663305"]


def test_missing_write_credentials_is_a_danish_config_error(
    tmp_path: Path, slapd: Slapd, pki: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("T_AD_READ", READER_PASSWORD)
    config = write_config(
        tmp_path / "k.toml",
        f"""
[[source]]
kind = "ad"
live = true
url = "{slapd.ldaps_url}"
ca_file = "{pki.ca_file}"
bind_dn = "{READER_DN}"
password_env = "T_AD_READ"
base_dn = "{SELFSERVICE_OU}"
""",
    )
    run = CliRunner().invoke(
        app,
        ["selvbetjening", "apply", "--config", str(config), "--db", f"sqlite:///{tmp_path}/h.db"],
    )
    assert run.exit_code == 0  # nothing approved: nothing to connect for
    settings = load(config, overrides=[f"store.db=sqlite:///{tmp_path}/h.db"])
    with Store.from_settings(settings) as store:
        approved_submission(store, "sel06", direct="33663306")
    run = CliRunner().invoke(
        app,
        ["selvbetjening", "apply", "--config", str(config), "--db", f"sqlite:///{tmp_path}/h.db"],
    )
    assert run.exit_code == 2, run.output
    assert "write_bind_dn" in run.output


def test_the_web_page_writes_to_live_ad_after_its_dry_run(
    ad_config: Path, slapd: Slapd, pki: Pki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/selvbetjening: dry run, confirm, write over LDAP, logged; the same apply as the CLI."""
    from argon2 import PasswordHasher
    from fastapi.testclient import TestClient
    from tests.web.conftest import PASSWORD, csrf_of, sign_in

    from telefonspor.web import accounts as accounts_module
    from telefonspor.web import create_app
    from telefonspor.web.accounts import Accounts

    monkeypatch.setattr(
        accounts_module, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    settings = load(ad_config)
    accounts = Accounts.open(settings.db_url())
    accounts.add("anna", "admin", PASSWORD)
    accounts.close()
    with Store.from_settings(settings) as store:
        approved_submission(store, "sel07", direct="33663307")
    with TestClient(create_app(settings, data_dir=tmp_path / "web")) as client:
        sign_in(client, "anna")
        page = client.get("/selvbetjening")
        assert "Numrene skrives i: <strong>AD</strong>" in page.text
        token = csrf_of(page.text)
        dry = client.post("/selvbetjening/proevekoersel", data={"csrf_token": token})
        assert "Ville skrive" in dry.text and "••••••07" in dry.text
        assert read_entry(slapd, pki, "sel07")["telephoneNumber"] == []
        done = client.post("/selvbetjening/skriv", data={"csrf_token": token, "bekraeft": "ja"})
        assert "1 felter skrevet, 0 konflikter" in done.text, done.text
    assert read_entry(slapd, pki, "sel07")["telephoneNumber"] == ["33663307"]
    with Store.from_settings(settings) as store:
        [write] = store.selfservice().writes()
    assert (write.target, write.outcome, write.applied_by) == ("ad", "written", "anna")
