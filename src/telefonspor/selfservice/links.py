"""Personal links for the employees the notify step writes to (one holder, one run each).

A new link replaces the holder's earlier live ones (they are revoked), so
only the newest e-mail works. The numbers the source holds at this moment are
kept, encrypted, with the link: applying compares against them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from telefonspor.errors import ConfigError
from telefonspor.fixfiles.plan import open_holders
from telefonspor.model import Decision, HolderResult, Holders
from telefonspor.notify.compose import is_address
from telefonspor.settings import Key, Settings

if TYPE_CHECKING:
    from telefonspor.store import Store

PAGE_PATH = "/mit-nummer/"


def enabled(settings: Settings) -> bool:
    return bool(settings.get(Key.SELFSERVICE_BASE_URL).strip())


def source_numbers(holder: HolderResult) -> dict[str, str]:
    """What each system of the chain held for the holder, as ``<kind>.<slot>`` (``ad.direct``),
    so applying compares with the system it writes to."""
    held: dict[str, str] = {}
    for hop in holder.trace:
        if hop.found and hop.system not in ("klik", "fkorg"):
            held.setdefault(f"{hop.system}.direct", hop.direct)
            held.setdefault(f"{hop.system}.mobile", hop.mobile)
    return held


def issue_links(
    store: Store,
    result: Holders,
    settings: Settings,
    decisions: Mapping[str, Decision] | None = None,
) -> dict[str, str]:
    """user_id -> personal link for every open holder whose number is missing in the source."""
    base = settings.get(Key.SELFSERVICE_BASE_URL).strip().rstrip("/")
    if not base.startswith(("https://", "http://")):
        raise ConfigError(
            "selfservice.base_url skal være webappens adresse med https://, fx "
            "https://telefonspor.kommune.dk."
        )
    latest = store.latest()
    if latest is None:
        raise ConfigError(
            "Personlige links bindes til en gemt kørsel. Gem kørslen først med "
            "'telefonspor audit ... --save'."
        )
    service = store.selfservice()
    days = settings.get(Key.SELFSERVICE_LINK_DAYS)
    quiet_days = settings.get(Key.NOTIFY_MIN_DAYS_BETWEEN)
    now = datetime.now(UTC)
    links: dict[str, str] = {}
    for holder in open_holders(result, decisions):
        address = holder.email.strip()
        if holder.cause != "missing_in_source" or not is_address(address):
            continue  # the same holders ``employee_messages`` writes to
        if store.was_notified(address, quiet_days, now):
            continue  # no mail goes out now: the link in the last one must keep working
        service.revoke(holder.user_id)
        token = service.issue(
            user_id=holder.user_id,
            run_id=latest.id,
            name=holder.name,
            roles=holder.roles,
            before=source_numbers(holder),
            days=days,
        )
        links[holder.user_id] = f"{base}{PAGE_PATH}{token}"
    return links
