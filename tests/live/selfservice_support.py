"""Shared set-up for the self-service write-back tests: a saved run, a link, a submission."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.store import factory

from telefonspor.model import Hop
from telefonspor.selfservice.review import approve
from telefonspor.store import Store
from telefonspor.store.selfservice import Submission

from .slapd import READER_DN, SELFSERVICE_OU, WRITER_DN


def approved_submission(
    store: Store,
    user_id: str,
    *,
    direct: str = "",
    mobile: str = "",
    before: dict[str, str] | None = None,
    by: str = "anna",
) -> Submission:
    """A run where ``user_id`` lacks a number, a link, what the employee sent, approved."""
    now = datetime.now(UTC)
    holder = factory.holder(user_id)
    store.save_run(factory.result([holder]), started_at=now, finished_at=now)
    service = store.selfservice()
    token = service.issue(
        user_id=user_id,
        run_id=1,
        name=holder.name,
        roles=holder.roles,
        before=before or {"direct": "", "mobile": ""},
        days=14,
    )
    link = service.link(token)
    assert link is not None
    sent = service.submit(link, direct=direct, mobile=mobile)
    return approve(store, sent.id, by)


def source_hop(direct: str = "", mobile: str = "") -> Hop:
    return Hop("ad", "source", True, direct=direct, mobile=mobile, key="user_id")


def write_config(path: Path, body: str) -> Path:
    path.write_text(body, encoding="utf-8")
    return path


def ad_write_source(ldaps_url: str, ca_file: Path) -> str:
    """The ``[[source]]`` entry of a live AD with the read account (T_AD_READ) and the write
    account (T_AD_WRITE) that may change only the two phone attributes."""
    return f"""[[source]]
kind = "ad"
live = true
url = "{ldaps_url}"
ca_file = "{ca_file}"
bind_dn = "{READER_DN}"
password_env = "T_AD_READ"
write_bind_dn = "{WRITER_DN}"
write_password_env = "T_AD_WRITE"
base_dn = "{SELFSERVICE_OU}"
filter = "(objectClass=inetOrgPerson)"
"""
