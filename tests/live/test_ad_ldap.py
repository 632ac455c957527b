"""AD/LDAP live against a real OpenLDAP slapd (TLS with a generated CA, 2,500 users)."""

from __future__ import annotations

from typing import Any

import pytest
from msgspec import structs

from telefonspor.errors import AuthError, ConfigError, SourceError
from telefonspor.settings import SourceSpec, defaults
from telefonspor.sources import ad_ldap
from telefonspor.sources.live_options import FetchState, LiveOptions

from .pki import Pki
from .slapd import READER_DN, READER_PASSWORD, USERS, Slapd

pytestmark = pytest.mark.ldap

OPENLDAP_SETTINGS = defaults().replace({"ad.user_id_attribute": "uid"})


def ldap_options(slapd: Slapd, pki: Pki, **values: Any) -> LiveOptions:
    base: dict[str, Any] = {
        "url": slapd.ldaps_url,
        "ca_file": str(pki.ca_file),
        "bind_dn": READER_DN,
        "password_env": "T_LDAP_PASSWORD",
        "base_dn": f"ou=people,{slapd.base_dn}",
        "filter": "(objectClass=inetOrgPerson)",
        "guid_attribute": "entryUUID",
    }
    spec = SourceSpec(kind="ad", position="source", live=True, options={**base, **values})
    return LiveOptions(spec, OPENLDAP_SETTINGS, system="AD", allowed=ad_ldap.OPTIONS)


@pytest.fixture(autouse=True)
def password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("T_LDAP_PASSWORD", READER_PASSWORD)


def read_all(opts: LiveOptions, *, starttls: bool = False) -> list[dict[str, object]]:
    url = opts.text("url")
    attributes = ad_ldap.attribute_list(("uid", "telephoneNumber", "mobile", "entryUUID"), ())
    connection = ad_ldap.connect(opts, url=url, starttls=starttls)
    try:
        return [
            ad_ldap.attributes_from_entry(e, attributes, guid_attribute="entryUUID")
            for e in ad_ldap.search(
                connection,
                base_dn=opts.text("base_dn"),
                search_filter=opts.text("filter"),
                attributes=attributes,
                page_size=opts.integer("page_size", 1000),
                state=FetchState("AD", allow_partial=False),
                url=url,
            )
        ]
    finally:
        connection.unbind()


def test_ldaps_paged_search_reads_every_user(slapd: Slapd, pki: Pki) -> None:
    entries = read_all(ldap_options(slapd, pki))
    assert len(entries) == USERS  # the server caps one search at 1,000: only paging gets all
    by_uid = {e["uid"]: e for e in entries}
    first = by_uid["bru0001"]
    assert first["mobile"] == "20000001"
    assert first["telephoneNumber"] == "80000001"
    assert "telephoneNumber" not in by_uid["bru0003"]
    assert by_uid["bru0050"]["telephoneNumber"] == ["80000050", "+45 90000050"]
    guid = str(first["objectGUID"])
    assert len(guid) == 36 and guid == guid.lower() and guid.count("-") == 4


def test_starttls_with_ca_verification(slapd: Slapd, pki: Pki) -> None:
    entries = read_all(ldap_options(slapd, pki, url=slapd.ldap_url, starttls=True), starttls=True)
    assert len(entries) == USERS


def test_plain_ldap_without_starttls_is_refused_by_config(slapd: Slapd, pki: Pki) -> None:
    spec = SourceSpec(kind="ad", position="source", live=True, options={"url": slapd.ldap_url})
    with pytest.raises(ConfigError, match="ukrypteret"):
        ad_ldap.fetch(spec, OPENLDAP_SETTINGS)


def test_untrusted_certificate_fails_unless_verification_is_off(
    slapd: Slapd, pki: Pki, tmp_path: Any
) -> None:
    other_ca = tmp_path / "anden-ca.pem"
    other_ca.write_text(pki.ca_file.read_text().replace("A", "A"), encoding="utf-8")
    from .pki import make_pki

    stranger = make_pki(tmp_path)
    opts = ldap_options(slapd, pki, ca_file=str(stranger.ca_file))
    with pytest.raises(SourceError, match="TLS"):
        ad_ldap.connect(opts, url=slapd.ldaps_url, starttls=False)
    lab = ldap_options(slapd, pki, ca_file="", tls_verify=False)
    ad_ldap.connect(lab, url=slapd.ldaps_url, starttls=False).unbind()


def test_wrong_password_is_auth_error_without_password(
    slapd: Slapd, pki: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("T_LDAP_PASSWORD", "forkert-kode-99")
    opts = ldap_options(slapd, pki)
    with pytest.raises(AuthError, match="blev afvist af AD") as caught:
        ad_ldap.connect(opts, url=slapd.ldaps_url, starttls=False)
    assert "forkert-kode-99" not in str(caught.value)


def test_guid_text_decodes_ad_bytes_and_text() -> None:
    raw = bytes.fromhex("78563412341278569abcdef012345678")
    assert ad_ldap.guid_text(raw) == "12345678-1234-5678-9abc-def012345678"
    assert (
        ad_ldap.guid_text(b"{12345678-1234-5678-9ABC-DEF012345678}")
        == "12345678-1234-5678-9abc-def012345678"
    )


def test_live_read_equals_ldif_export_of_the_same_directory(
    slapd: Slapd, pki: Pki, tmp_path: Any
) -> None:
    import os
    import subprocess

    from telefonspor.sources import live, read_source

    spec = SourceSpec(
        kind="ad", position="source", live=True, options=dict(ldap_options(slapd, pki).values)
    )
    data = live.fetch(spec, OPENLDAP_SETTINGS)
    assert data.complete and len(data.records) == USERS
    export = tmp_path / "ad.ldif"
    with export.open("wb") as fh:
        subprocess.run(
            [
                "ldapsearch",
                "-LLL",
                "-x",
                "-o",
                "ldif-wrap=no",
                "-H",
                slapd.ldaps_url,
                "-D",
                READER_DN,
                "-w",
                READER_PASSWORD,
                "-b",
                f"ou=people,{slapd.base_dn}",
                "-E",
                "pr=1000/noprompt",
                "(objectClass=inetOrgPerson)",
                "*",
                "entryUUID",
            ],
            check=True,
            stdout=fh,
            env={**os.environ, "LDAPTLS_CACERT": str(pki.ca_file)},
        )
    from_file = read_source(
        SourceSpec(kind="ad", position="source", path=str(export)), OPENLDAP_SETTINGS
    )

    def key(records: Any) -> list[Any]:
        return sorted((structs.replace(r, location="") for r in records), key=lambda r: r.uuid)

    assert key(data.records) == key(from_file.records)
