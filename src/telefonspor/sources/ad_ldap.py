"""Active Directory (or any LDAP directory) live, with ldap3.

LDAPS or StartTLS with CA verification (``tls_verify = false`` only for test
labs), simple bind, a paged search (1,000 per page) under ``base_dn``. Every
entry becomes the attribute mapping the AD file reader converts, so live and
file agree: ``objectGUID`` (or, on OpenLDAP, ``entryUUID`` via
``guid_attribute``) as the canonical UUID string, ``userAccountControl`` as
its decimal text.
"""

from __future__ import annotations

import ssl
import uuid
import warnings
from collections.abc import Iterable, Mapping
from typing import Any, Final

with warnings.catch_warnings():
    # ldap3 2.9 imports pyasn1 names that newer pyasn1 deprecates; harmless, and not ours.
    warnings.simplefilter("ignore", DeprecationWarning)
    import ldap3
    from ldap3.core import exceptions as ldap_errors

import contextlib

from telefonspor.errors import AuthError, ConfigError, SourceError
from telefonspor.model import SourceData, SourceRecord
from telefonspor.settings import Key, Settings, SourceSpec
from telefonspor.sources.http import Progress
from telefonspor.sources.live_options import FetchState, LiveOptions
from telefonspor.sources.secrets import read_secret

SYSTEM: Final = "AD"
OPTIONS: Final = frozenset(
    {
        "url",
        "starttls",
        "ca_file",
        "tls_verify",
        "bind_dn",
        "password_env",
        "password_file",
        "base_dn",
        "filter",
        "guid_attribute",
        "page_size",
        "timeout",
        "allow_partial",
        "attributes",
        # self-service write-back (``telefonspor selvbetjening apply``): a separate account
        "write_bind_dn",
        "write_password_env",
        "write_password_file",
    }
)
#: The phone and identity attributes every read asks for (plus the slot mapping's).
USUAL_ATTRIBUTES: Final = (
    "sAMAccountName",
    "userPrincipalName",
    "mail",
    "displayName",
    "cn",
    "givenName",
    "sn",
    "employeeID",
    "employeeNumber",
    "userAccountControl",
    "telephoneNumber",
    "mobile",
    "ipPhone",
    "pager",
    "homePhone",
    "otherTelephone",
    "otherMobile",
)


def fetch(
    spec: SourceSpec,
    settings: Settings,
    *,
    progress: Progress | None = None,
    max_entries: int | None = None,
) -> SourceData:
    opts = LiveOptions(spec, settings, system=SYSTEM, allowed=OPTIONS)
    url = opts.text("url", required=True)
    if not url.startswith(("ldap://", "ldaps://")):
        raise ConfigError(
            f"{opts.where}: url skal starte med ldaps:// eller ldap://, ikke '{url}'."
        )
    starttls = opts.flag("starttls")
    if url.startswith("ldap://") and not starttls:
        raise ConfigError(
            f"{opts.where}: {url} er ukrypteret. Brug ldaps://, eller sæt starttls = true."
        )
    user_id_attribute = settings.get(Key.AD_USER_ID_ATTRIBUTE)
    guid_attribute = opts.text("guid_attribute")
    attributes = attribute_list(
        (
            user_id_attribute,
            settings.get(Key.AD_DIRECT_ATTRIBUTE),
            settings.get(Key.AD_MOBILE_ATTRIBUTE),
            guid_attribute,
        ),
        opts.strings("attributes"),
    )
    state = FetchState(SYSTEM, allow_partial=opts.flag("allow_partial"))
    connection = connect(opts, url=url, starttls=starttls)
    from telefonspor.sources import ad  # the file reader's converter

    records: list[SourceRecord] = []
    try:
        for entry in search(
            connection,
            base_dn=opts.text("base_dn", required=True),
            search_filter=opts.text("filter"),
            attributes=attributes,
            page_size=opts.integer("page_size"),
            state=state,
            url=url,
            max_entries=max_entries,
        ):
            attrs = attributes_from_entry(entry, attributes, guid_attribute=guid_attribute)
            records.append(
                ad.record_from_attributes(
                    attrs,
                    location=f"{url} {entry.get('dn', '')}",
                    user_id_attribute=user_id_attribute,
                )
            )
            if progress is not None and len(records) % 500 == 0:
                progress(SYSTEM, len(records), None)
    finally:
        connection.unbind()
    if progress is not None:
        progress(SYSTEM, len(records), len(records))
    return SourceData(
        kind="ad",
        position=spec.position,
        records=tuple(records),
        origin=url,
        complete=state.complete,
        notes=tuple(state.notes),
    )


def attribute_list(configured: Iterable[str], extra: Iterable[str]) -> list[str]:
    """Requested attributes, in order, without case-insensitive duplicates or blanks."""
    seen: dict[str, str] = {}
    for name in (*configured, *USUAL_ATTRIBUTES, *extra):
        if name and name.lower() not in seen:
            seen[name.lower()] = name
    return list(seen.values())


def connect(opts: LiveOptions, *, url: str, starttls: bool, account: str = "") -> ldap3.Connection:
    """Open, secure and bind; errors become our Danish errors.

    ``account`` = "write" binds with ``write_bind_dn``/``write_password_*`` (self-service
    write-back) on a connection that may modify; the default reads only.
    """
    verify = opts.flag("tls_verify")
    ca_file = opts.text("ca_file")
    tls = ldap3.Tls(
        validate=ssl.CERT_REQUIRED if verify else ssl.CERT_NONE,
        ca_certs_file=ca_file or None,
        version=ssl.PROTOCOL_TLS_CLIENT if verify else ssl.PROTOCOL_TLS,
    )
    timeout = opts.number("timeout", minimum=0.1)
    prefix = f"{account}_" if account else ""
    bind_dn = opts.text(f"{prefix}bind_dn", required=True)
    password = read_secret(opts.values, f"{prefix}password", where=opts.where) or ""
    server = ldap3.Server(
        url,
        use_ssl=url.startswith("ldaps://"),
        tls=tls,
        get_info=ldap3.NONE,
        connect_timeout=int(max(1, timeout)),
    )
    connection = ldap3.Connection(
        server,
        user=bind_dn,
        password=password,
        authentication=ldap3.SIMPLE,
        receive_timeout=int(max(1, timeout)),
        raise_exceptions=True,
        read_only=not account,
        check_names=False,
    )
    try:
        with warnings.catch_warnings():
            # ldap3 checks the host name with ssl.match_hostname, deprecated since 3.7.
            warnings.simplefilter("ignore", DeprecationWarning)
            connection.open()
            if starttls:
                connection.start_tls()
        connection.bind()
    except (ldap_errors.LDAPInvalidCredentialsResult, ldap_errors.LDAPBindError):
        _discard(connection)
        raise AuthError(
            f"Brugernavn eller adgangskode blev afvist af {SYSTEM} på {url} (bind som {bind_dn})."
        ) from None
    except ldap_errors.LDAPException as exc:
        _discard(connection)
        raise SourceError(
            f"{SYSTEM} på {url} kunne ikke nås eller TLS fejlede ({type(exc).__name__}). "
            "Kontrollér adressen, porten, ca_file og at certifikatet passer til værtsnavnet."
        ) from None
    return connection


def _discard(connection: ldap3.Connection) -> None:
    """Close a half-open connection; ldap3 leaves the socket open when TLS or bind fails."""
    sock = getattr(connection, "socket", None)
    with contextlib.suppress(ldap_errors.LDAPException):
        connection.unbind()
    if sock is not None:
        sock.close()


def search(
    connection: ldap3.Connection,
    *,
    base_dn: str,
    search_filter: str,
    attributes: list[str],
    page_size: int,
    state: FetchState,
    url: str,
    max_entries: int | None = None,
) -> Iterable[Mapping[str, Any]]:
    """The matching entries, fetched in pages of ``page_size`` (LDAP paged results control)."""
    seen = 0
    try:
        for entry in connection.extend.standard.paged_search(
            search_base=base_dn,
            search_filter=search_filter,
            search_scope=ldap3.SUBTREE,
            attributes=attributes,
            paged_size=page_size,
            generator=True,
        ):
            if entry.get("type") != "searchResEntry":
                continue
            yield entry
            seen += 1
            if max_entries is not None and seen >= max_entries:
                return
    except ldap_errors.LDAPInvalidFilterError:
        raise ConfigError(
            f"{SYSTEM}: filteret '{search_filter}' er ikke et gyldigt LDAP-filter."
        ) from None
    except ldap_errors.LDAPNoSuchObjectResult:
        raise ConfigError(f"{SYSTEM} på {url}: base_dn '{base_dn}' findes ikke.") from None
    except ldap_errors.LDAPInsufficientAccessRightsResult:
        raise AuthError(f"Kontoen har ikke læseadgang til {base_dn} i {SYSTEM} på {url}.") from None
    except ldap_errors.LDAPException as exc:
        state.stop_early(
            f"{SYSTEM}-søgningen på {url} stoppede efter {seen} poster ({type(exc).__name__}).",
            cause=exc,
        )


def attributes_from_entry(
    entry: Mapping[str, Any], requested: list[str], *, guid_attribute: str
) -> dict[str, object]:
    """Raw LDAP values as the file reader's attribute mapping (names as requested)."""
    by_lower = {name.lower(): name for name in requested}
    raw: Mapping[str, list[bytes]] = entry.get("raw_attributes") or {}
    attrs: dict[str, object] = {}
    for returned, values in raw.items():
        name = by_lower.get(returned.lower(), returned)
        if not values:
            continue
        if name.lower() == guid_attribute.lower():
            attrs["objectGUID"] = guid_text(values[0])
            continue
        texts = [v.decode("utf-8", errors="replace") for v in values]
        attrs[name] = texts[0] if len(texts) == 1 else texts
    return attrs


def guid_text(value: bytes) -> str:
    """AD's 16-byte little-endian objectGUID, or a textual UUID (entryUUID), as canonical text."""
    if len(value) == 16:
        return str(uuid.UUID(bytes_le=value))
    text = value.decode("ascii", errors="replace").strip().strip("{}")
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return text.lower()
