"""Writing an approved number back to the authoritative system: AD over LDAP or OS2sofd's API.

Each writer reads the holder's current values first (for compare-before-write)
and writes only the fields given. Both use credentials separate from the
audit's read-only ones: ``write_bind_dn``/``write_password_env|file`` for AD,
``write_api_key_env|file`` for OS2sofd.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, Final, Protocol

with warnings.catch_warnings():
    # ldap3 2.9 imports pyasn1 names that newer pyasn1 deprecates (as in ad_ldap).
    warnings.simplefilter("ignore", DeprecationWarning)
    import ldap3
    from ldap3.core import exceptions as ldap_errors
    from ldap3.utils.conv import escape_filter_chars

from telefonspor.errors import AuthError, ConfigError, SourceError
from telefonspor.settings import Key, Settings, SourceSpec
from telefonspor.sources import ad_ldap, os2sofd_api
from telefonspor.sources.http import HttpClient, client_from_options
from telefonspor.sources.live_options import LiveOptions
from telefonspor.sources.secrets import read_secret

#: OS2sofd's phoneType we write per slot.
SOFD_TYPES: Final = {"direct": "LANDLINE", "mobile": "MOBILE"}
#: The typePrime phone types OS2sofd sends for a slot, first found wins (DOMAIN.md, OS2sofd).
SOFD_SENT: Final = {"direct": ("LANDLINE", "IP", "BROADBAND"), "mobile": ("MOBILE",)}
#: Our phones in OS2sofd carry this master, so a later write updates the same entry.
SOFD_MASTER: Final = "telefonspor"


class Writer(Protocol):
    target: str

    def current(self, user_id: str) -> dict[str, str]: ...

    def write(self, user_id: str, values: Mapping[str, str]) -> None: ...

    def close(self) -> None: ...


class AdWriter:
    """Replace ``ad.direct_attribute`` / ``ad.mobile_attribute`` of one account, found by user id."""

    target = "ad"

    def __init__(self, spec: SourceSpec, settings: Settings) -> None:
        opts = LiveOptions(spec, settings, system=ad_ldap.SYSTEM, allowed=ad_ldap.OPTIONS)
        url = opts.text("url")
        starttls = opts.flag("starttls")
        if not url.startswith("ldaps://") and not (url.startswith("ldap://") and starttls):
            raise ConfigError(
                f"{opts.where}: numre skrives kun krypteret: brug ldaps://, eller sæt starttls = true."
            )
        if not opts.has("write_bind_dn"):
            raise ConfigError(
                f'{opts.where}: angiv write_bind_dn = "..." og write_password_env eller '
                "write_password_file: kontoen, der må skrive telefonnumre (kun de to attributter)."
            )
        self._where = f"AD på {url}"
        self._base = opts.text("base_dn")
        self._filter = opts.text("filter")
        self._user_attr = settings.get(Key.AD_USER_ID_ATTRIBUTE)
        self._attrs = {
            "direct": settings.get(Key.AD_DIRECT_ATTRIBUTE),
            "mobile": settings.get(Key.AD_MOBILE_ATTRIBUTE),
        }
        self._conn = ad_ldap.connect(opts, url=url, starttls=starttls, account="write")

    def _entry(self, user_id: str) -> tuple[str, dict[str, str]]:
        query = f"(&{self._filter}({self._user_attr}={escape_filter_chars(user_id)}))"
        try:
            self._conn.search(
                self._base, query, ldap3.SUBTREE, attributes=list(self._attrs.values())
            )
        except ldap_errors.LDAPException as exc:
            raise SourceError(
                f"{self._where}: {user_id} kunne ikke slås op ({type(exc).__name__})."
            ) from None
        found = [e for e in self._conn.response or [] if e.get("type") == "searchResEntry"]
        if len(found) != 1:
            what = "findes ikke" if not found else f"findes {len(found)} gange"
            raise SourceError(f"{self._where}: brugeren {user_id} {what} under {self._base}.")
        raw: Mapping[str, list[bytes]] = found[0].get("raw_attributes") or {}
        by_lower = {k.lower(): v for k, v in raw.items()}
        values = {
            slot: " / ".join(v.decode("utf-8", "replace") for v in by_lower.get(attr.lower(), []))
            for slot, attr in self._attrs.items()
        }
        return str(found[0]["dn"]), values

    def current(self, user_id: str) -> dict[str, str]:
        return self._entry(user_id)[1]

    def write(self, user_id: str, values: Mapping[str, str]) -> None:
        dn, _ = self._entry(user_id)
        changes: dict[str, Any] = {
            self._attrs[slot]: [(ldap3.MODIFY_REPLACE, [number])] for slot, number in values.items()
        }
        try:
            self._conn.modify(dn, changes)
        except ldap_errors.LDAPInsufficientAccessRightsResult:
            raise AuthError(
                f"{self._where}: skrivekontoen må ikke ændre "
                f"{', '.join(self._attrs[s] for s in values)} på {user_id}."
            ) from None
        except ldap_errors.LDAPException as exc:
            raise SourceError(
                f"{self._where}: {user_id} kunne ikke opdateres ({type(exc).__name__})."
            ) from None

    def close(self) -> None:
        self._conn.unbind()


class SofdWriter:
    """``PATCH /api/v2/persons/{uuid}`` with the person's whole phones collection plus ours.

    OS2sofd's PATCH replaces the phones collection: an entry whose (master, masterId) is
    not in the request is removed. So every phone the person has is sent back as read,
    and ours (master ``telefonspor``) is added or updated next to them.
    """

    target = "os2sofd"

    def __init__(self, spec: SourceSpec, settings: Settings) -> None:
        opts = LiveOptions(spec, settings, system=os2sofd_api.SYSTEM, allowed=os2sofd_api.OPTIONS)
        if not (opts.has("write_api_key_env") or opts.has("write_api_key_file")):
            raise ConfigError(
                f"{opts.where}: angiv write_api_key_env eller write_api_key_file: en API-nøgle "
                "med skriveadgang til OS2sofd."
            )
        key = read_secret(opts.values, "write_api_key", where=opts.where) or ""
        self._client: HttpClient = client_from_options(opts, headers={"ApiKey": key})

    def _person(self, user_id: str) -> dict[str, Any]:
        response = self._client.request(
            "GET", f"{os2sofd_api.PERSONS_PATH}/byADUserId/{user_id}", accept=frozenset({404})
        )
        if response.status_code == 404:
            raise SourceError(f"OS2sofd: ingen person med AD-brugeren {user_id}.")
        person = self._client.decode(response)
        if not isinstance(person, dict) or not person.get("uuid"):
            raise SourceError(f"OS2sofd: svaret for {user_id} har ingen uuid.")
        return person

    def current(self, user_id: str) -> dict[str, str]:
        """Per slot the number OS2sofd sends on (its typePrime phone of the slot's types)."""
        phones = [p for p in self._person(user_id).get("phones") or [] if isinstance(p, dict)]
        return {slot: _sent(phones, slot)[1] for slot in SOFD_SENT}

    def write(self, user_id: str, values: Mapping[str, str]) -> None:
        person = self._person(user_id)
        phones = [p for p in person.get("phones") or [] if isinstance(p, dict)]
        for slot, number in values.items():
            master_id = f"{user_id}:{slot}"
            other, held = _sent(phones, slot)
            if held and other.get("master") != SOFD_MASTER:
                # PATCH cannot take typePrime from another master's phone, and OS2sofd keeps
                # the first typePrime of a type: ours would never be sent on.
                raise SourceError(
                    f"OS2sofd har allerede et primært nummer ({other.get('phoneType')}) fra "
                    f"{other.get('master')} på {user_id}; ret det dér i stedet."
                )
            ours = {
                "master": SOFD_MASTER,
                "masterId": master_id,
                "phoneNumber": number,
                "phoneType": SOFD_TYPES[slot],
                "visibility": "VISIBLE",
                "prime": False,
                "typePrime": True,
            }
            phones = [
                p
                for p in phones
                if not (p.get("master") == SOFD_MASTER and p.get("masterId") == master_id)
            ]
            phones.append(ours)
        self._client.request(
            "PATCH",
            f"{os2sofd_api.PERSONS_PATH}/{person['uuid']}",
            json={"uuid": person["uuid"], "phones": phones},
            accept=frozenset({304}),
        )

    def close(self) -> None:
        self._client.close()


def _sent(phones: list[dict[str, Any]], slot: str) -> tuple[dict[str, Any], str]:
    for kind in SOFD_SENT[slot]:
        for phone in phones:
            if phone.get("phoneType") == kind and phone.get("typePrime"):
                return phone, str(phone.get("phoneNumber") or "")
    return {}, ""
