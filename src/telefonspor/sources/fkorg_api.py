"""FK-ORG live: KOMBIT's GraphQL read API, ``brugerListe`` with Relay paging.

``brugerListe`` requires one ``status`` per walk: AKTIV by default, INAKTIV as
well when asked (two walks, merged). The query's variables carry the schema's
own scalar types, or FK-ORG refuses it with ValidationError.

Every call carries a bearer token and fresh ``x-TransaktionsId`` (UUID) and
``x-TransaktionsTid`` (timestamp) headers. The token comes from the config
(env/file) or is issued for the municipality's client certificate (PEM or
PKCS#12). HTTP 408 (query too slow) is retried with a smaller page; 500/503
are retried later by the shared client; ``errors[]`` beside data are notes
(WARNING) or an incomplete fetch (ERROR).
"""

from __future__ import annotations

import os
import ssl
import tempfile
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from telefonspor.errors import AuthError, ConfigError, SourceError
from telefonspor.model import SourceData
from telefonspor.settings import Key, Settings, SourceSpec
from telefonspor.sources.http import (
    HttpClient,
    HttpStatusError,
    Progress,
    Sleep,
    client_from_options,
    retry_policy,
    short_url,
)
from telefonspor.sources.live_options import HTTP_OPTIONS, FetchState, LiveOptions
from telefonspor.sources.secrets import read_secret, remember

SYSTEM: Final = "FK-ORG"
OPTIONS: Final = HTTP_OPTIONS | {
    "api",
    "cvr",
    "status",
    "page_size",
    "token_env",
    "token_file",
    "token_url",
    "client_id",
    "cert_file",
    "key_file",
    "key_password_env",
    "key_password_file",
    "pkcs12_file",
    "pkcs12_password_env",
    "pkcs12_password_file",
}
#: The smallest page a 408 (query over 120 s) halves to: the page_size row's minimum.
MIN_PAGE: Final = int(Key.LIVE_FKORG_PAGE_SIZE.minimum or 10)
DEFAULT_CLIENT_ID: Final = Key.LIVE_FKORG_CLIENT_ID.default
TELEFON: Final = "5ef6be2d-59f4-4652-a680-585929924ba9"
FASTNET_TELEFON: Final = "47c05422-5379-4c27-9ddf-e02b52b3d961"
EMAIL: Final = "5d13e891-162a-456b-abf2-fd9b864df96d"

#: ``brugerListe`` demands one state per walk; reading both takes two walks.
STATUSES: Final = ("AKTIV", "INAKTIV")
DEFAULT_STATUS: Final = "AKTIV"

#: Variables typed with the schema's own scalars (``CVR!``, ``TilstandStatus!``, ``Cursor``,
#: ``UUID``): FK-ORG answers ``String`` in their place with ValidationError and no data
#: (kombit/org-graphql api/gql/schemaOrganisationV1.gql, see docs/upstream/fkorg.md).
BRUGERLISTE_QUERY: Final = """
query TelefonsporBrugere(
  $cvr: CVR!, $status: TilstandStatus!, $first: Int!, $after: Cursor, $roller: [UUID!]
) {
  brugerListe(cvr: $cvr, status: $status, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        uuid
        brugernavn
        brugervendtNoegle
        tilstand { status }
        person { navn }
        adresser(rolle: $roller) {
          uuid
          adresseTekst
          brugervendtNoegle
          adresseRolleTitel
          klassifikation { type rolle indeks }
        }
      }
    }
  }
}
"""


def brugerliste_variables(
    *, cvr: str, status: str, first: int, after: str | None
) -> dict[str, Any]:
    """One page's variables; addresses by role UUID: both phone slots and the e-mail
    (the file reader reads e-mail too, and identity falls back to it)."""
    return {
        "cvr": cvr,
        "status": status,
        "first": first,
        "after": after,
        "roller": [TELEFON, FASTNET_TELEFON, EMAIL],
    }


def transaction_headers() -> dict[str, str]:
    return {
        "x-TransaktionsId": str(uuid.uuid4()),
        "x-TransaktionsTid": datetime.now(UTC).isoformat(timespec="milliseconds"),
    }


class FkOrgToken:
    """A token from the config, or issued for the client certificate (renewable)."""

    def __init__(
        self,
        *,
        static: str = "",
        issuer: HttpClient | None = None,
        form: dict[str, str] | None = None,
    ) -> None:
        self._token = static
        self._issuer = issuer
        self._form = form or {}

    @property
    def renewable(self) -> bool:
        return self._issuer is not None

    def value(self) -> str:
        if not self._token:
            self.renew()
        return self._token

    def renew(self) -> None:
        if self._issuer is None:
            raise AuthError(
                f"Adgangstokenet til {SYSTEM} blev afvist og kan ikke fornys: det kommer fra "
                "konfigurationen (token_env/token_file). Hent et nyt, eller brug "
                "klientcertifikatet."
            )
        try:
            body = self._issuer.post_json(self._issuer.base_url, data=self._form)
        except (AuthError, HttpStatusError) as exc:
            if isinstance(exc, HttpStatusError) and exc.status != 400:
                raise
            raise AuthError(
                f"Klientcertifikatet blev afvist af {SYSTEM}s tokenudsteder på "
                f"{short_url(self._issuer.base_url)}. Kontrollér certifikatet, CVR og "
                "serviceaftalen for organisation/3."
            ) from None
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise SourceError(f"{SYSTEM}s tokenudsteder svarede uden access_token.")
        remember(token)
        self._token = token

    def close(self) -> None:
        if self._issuer is not None:
            self._issuer.close()


def fetch(
    spec: SourceSpec,
    settings: Settings,
    *,
    progress: Progress | None = None,
    sleep: Sleep | None = None,
    max_pages: int | None = None,
) -> SourceData:
    opts = LiveOptions(spec, settings, system=SYSTEM, allowed=OPTIONS)
    cvr = opts.cvr()
    statuses = read_statuses(opts)
    page_size = opts.integer("page_size")
    state = FetchState(SYSTEM, allow_partial=opts.flag("allow_partial"))
    token = _token_from_options(opts, cvr=cvr, sleep=sleep)
    nodes: list[dict[str, Any]] = []
    try:
        with client_from_options(opts, credential="Adgangstokenet", sleep=sleep) as client:
            for status in statuses:
                walk = fetch_nodes(
                    client,
                    token,
                    cvr=cvr,
                    status=status,
                    page_size=page_size,
                    state=state,
                    progress=_offset(progress, len(nodes)),
                    max_pages=max_pages,
                )
                nodes = merge_walks(nodes, walk)
    finally:
        token.close()
    from telefonspor.sources import fkorg  # the file reader's converter

    # An INAKTIV user keeps its tilstand.status, so its record is active=False, as in a file.
    records = fkorg.records_from_graphql_nodes(nodes, origin=client.base_url)
    return SourceData(
        kind="fkorg",
        position=spec.position,
        records=tuple(records),
        origin=client.base_url,
        complete=state.complete,
        notes=tuple(state.notes),
    )


def read_statuses(opts: LiveOptions) -> tuple[str, ...]:
    """The ``status`` option: AKTIV (default), INAKTIV, or both (one walk each)."""
    value = opts.values.get("status")
    given = [value] if isinstance(value, str) else value
    if not isinstance(given, list) or not all(isinstance(item, str) for item in given):
        given = ["?"]
    wanted = [part.upper() for item in given for part in item.replace(",", " ").split()]
    if any(status not in STATUSES for status in wanted):
        raise ConfigError(
            f'{opts.where}: status skal være "AKTIV", "INAKTIV" eller begge: '
            f'status = ["AKTIV", "INAKTIV"].'
        )
    return tuple(dict.fromkeys(wanted)) or (DEFAULT_STATUS,)


def merge_walks(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Both walks in order; a user whose state changed between them is kept once."""
    if not first:
        return second
    seen = {node.get("uuid") for node in first}
    return first + [node for node in second if node.get("uuid") not in seen]


def _offset(progress: Progress | None, done: int) -> Progress | None:
    if progress is None or not done:
        return progress

    def report(system: str, count: int, total: int | None) -> None:
        progress(system, done + count, total)

    return report


def _token_from_options(opts: LiveOptions, *, cvr: str, sleep: Sleep | None) -> FkOrgToken:
    if opts.has("token_env") or opts.has("token_file"):
        return FkOrgToken(static=read_secret(opts.values, "token", where=opts.where) or "")
    if not (opts.has("cert_file") or opts.has("pkcs12_file")):
        raise ConfigError(
            f"{opts.where}: angiv token_env/token_file, eller klientcertifikatet med cert_file + "
            "key_file (PEM) eller pkcs12_file, samt token_url."
        )
    context = _client_cert_context(opts)
    issuer = HttpClient(
        f"{SYSTEM}s tokenudsteder",
        opts.url("token_url"),
        timeout=opts.number("timeout"),
        retry=retry_policy(opts),
        sleep=sleep,
        verify=context,
        credential="Klientcertifikatet",
    )
    client_id = opts.text("client_id")
    form = {
        "client_id": client_id,
        "grant_type": "client_credentials",
        "scope": f"entityid:{client_id},anvenderkontekst:{cvr}",
    }
    return FkOrgToken(issuer=issuer, form=form)


def _client_cert_context(opts: LiveOptions) -> ssl.SSLContext:
    """A TLS context that verifies the server and presents the municipality's certificate."""
    ca_file = opts.text("ca_file")
    context = ssl.create_default_context(cafile=ca_file or None)
    if not opts.flag("tls_verify"):
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    try:
        if opts.has("pkcs12_file"):
            password = read_secret(opts.values, "pkcs12_password", where=opts.where, required=False)
            _load_pkcs12(context, Path(opts.text("pkcs12_file")), password, where=opts.where)
        else:
            password = read_secret(opts.values, "key_password", where=opts.where, required=False)
            context.load_cert_chain(
                opts.text("cert_file"), opts.text("key_file", opts.text("cert_file")), password
            )
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(
            f"{opts.where}: klientcertifikatet kan ikke indlæses ({type(exc).__name__}). "
            "Kontrollér stien, formatet (PEM eller PKCS#12) og adgangskoden."
        ) from None
    return context


def _load_pkcs12(context: ssl.SSLContext, path: Path, password: str | None, *, where: str) -> None:
    # ssl only loads PEM files: convert in a private temporary directory, removed at once.
    from cryptography.hazmat.primitives.serialization import (
        BestAvailableEncryption,
        Encoding,
        PrivateFormat,
        pkcs12,
    )

    secret = password.encode() if password else None
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(path.read_bytes(), secret)
    except ValueError:
        raise ConfigError(
            f"{where}: {path} er ikke en PKCS#12-fil, eller adgangskoden er forkert."
        ) from None
    if key is None or cert is None:
        raise ConfigError(f"{where}: {path} indeholder ikke både nøgle og certifikat.")
    temp_password = os.urandom(24).hex()
    with tempfile.TemporaryDirectory(prefix="telefonspor-") as tmp:
        pem = Path(tmp) / "client.pem"
        pem.touch(mode=0o600)
        chain = b"".join(c.public_bytes(Encoding.PEM) for c in [cert, *extra])
        key_pem = key.private_bytes(
            Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(temp_password.encode())
        )
        pem.write_bytes(chain + key_pem)
        context.load_cert_chain(str(pem), password=temp_password)


def fetch_nodes(
    client: HttpClient,
    token: FkOrgToken,
    *,
    cvr: str,
    status: str,
    page_size: int,
    state: FetchState,
    progress: Progress | None = None,
    max_pages: int | None = None,
) -> list[dict[str, Any]]:
    """Every ``brugerListe`` node in one state, following ``endCursor`` until
    ``hasNextPage`` is false (a page may be shorter than asked)."""
    nodes: list[dict[str, Any]] = []
    warnings: Counter[str] = Counter()
    after: str | None = None
    size = page_size
    pages = 0
    while max_pages is None or pages < max_pages:
        variables = brugerliste_variables(cvr=cvr, status=status, first=size, after=after)
        try:
            body = _post(client, token, BRUGERLISTE_QUERY, variables)
        except HttpStatusError as exc:
            if exc.status == 408 and size > MIN_PAGE:
                size = max(MIN_PAGE, size // 2)  # FK-ORG stops queries over 120 s
                continue
            state.stop_early(f"{exc} ({len(nodes)} brugere var hentet).", cause=exc)
            break
        except AuthError:
            raise
        except SourceError as exc:
            state.stop_early(f"{exc} ({len(nodes)} brugere var hentet).", cause=exc)
            break
        pages += 1
        _refuse_rejected(body, client)
        _collect_errors(body, warnings, state)
        listing = (body.get("data") or {}).get("brugerListe")
        if not isinstance(listing, dict):
            state.stop_early(
                f"{SYSTEM} svarede uden data.brugerListe ({len(nodes)} brugere var hentet)."
            )
            break
        for edge in listing.get("edges") or []:
            node = edge.get("node") if isinstance(edge, dict) else None
            if isinstance(node, dict):
                nodes.append(node)
        if progress is not None:
            progress(SYSTEM, len(nodes), None)
        info = listing.get("pageInfo") or {}
        if not info.get("hasNextPage"):
            break
        cursor = info.get("endCursor")
        if not isinstance(cursor, str) or not cursor or cursor == after:
            state.stop_early(
                f"{SYSTEM} meldte flere sider, men gav ingen ny endCursor "
                f"efter {len(nodes)} brugere."
            )
            break
        after = cursor
    for message, count in warnings.most_common(5):
        state.note(f"{SYSTEM} advarede ({count} gange): {message}")
    return nodes


def _post(
    client: HttpClient, token: FkOrgToken, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    payload = {"query": query, "variables": variables}

    def headers() -> dict[str, str]:
        return {"Authorization": f"Bearer {token.value()}", **transaction_headers()}

    try:
        body = client.post_json(client.base_url, json=payload, headers=headers)
    except AuthError:
        if not token.renewable:
            raise
        token.renew()  # an issued token may have expired: renew once, retry once
        body = client.post_json(client.base_url, json=payload, headers=headers)
    if not isinstance(body, dict):
        raise SourceError(
            f"{SYSTEM} på {short_url(client.base_url)} svarede ikke med et GraphQL-svar."
        )
    return body


def _refuse_rejected(body: dict[str, Any], client: HttpClient) -> None:
    """``errors`` without ``data`` classified ValidationError/InvalidSyntax: FK-ORG refused
    the query itself. Every page would fail alike, so this is never a partial result."""
    errors = body.get("errors")
    if body.get("data") is not None or not isinstance(errors, list) or not errors:
        return
    first = errors[0] if isinstance(errors[0], dict) else {}
    extensions = first.get("extensions")
    classification = (
        str(extensions.get("classification", "")) if isinstance(extensions, dict) else ""
    )
    if classification in {"ValidationError", "InvalidSyntax"}:
        raise SourceError(
            f"{SYSTEM} på {short_url(client.base_url)} afviste forespørgslen ({classification}): "
            f"{str(first.get('message', ''))[:200]}. Den passer ikke til FK-ORGs GraphQL-skema; "
            "kontrollér url (version 1) og opdatér telefonspor."
        )


def _collect_errors(body: dict[str, Any], warnings: Counter[str], state: FetchState) -> None:
    for error in body.get("errors") or []:
        if not isinstance(error, dict):
            continue
        extensions = error.get("extensions") or {}
        kind = str(extensions.get("type", "ERROR")).upper()
        message = str(error.get("message", ""))[:200]
        classification = str(extensions.get("classification", ""))
        text = f"{message} ({classification})" if classification else message
        if kind == "WARNING":
            warnings[text] += 1
        else:
            state.stop_early(f"{SYSTEM} meldte en fejl ved siden af data: {text}.")
