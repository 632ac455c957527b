"""The one HTTP client the live connectors share.

Timeouts, bounded retries with exponential backoff and jitter on 5xx, 429,
connection errors and timeouts; no retry on 401/403 (an :class:`AuthError`
with a Danish message naming the system and URL, never the secret). httpx
errors are translated here, so connectors only see our error tree.
"""

from __future__ import annotations

import logging
import random
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import httpx

from telefonspor.errors import AuthError, SourceError
from telefonspor.sources.live_options import LiveOptions
from telefonspor.sources.secrets import redact

log = logging.getLogger(__name__)

#: (system, done, total or None) after each page or record batch.
Progress = Callable[[str, int, int | None], None]
Sleep = Callable[[float], None]

RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
_MAX_RETRY_AFTER: Final = 60.0


class HttpStatusError(SourceError):
    """A non-retried error status (other than 401/403); connectors may react to ``status``."""

    def __init__(self, message: str, *, status: int, url: str) -> None:
        super().__init__(message)
        self.status = status
        self.url = url


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    retries: int = 3  # extra attempts after the first
    base_delay: float = 1.0  # seconds before the first retry; doubles each time
    max_delay: float = 30.0

    def delay(self, attempt: int) -> float:
        """Backoff before retry number ``attempt`` (0-based): exponential with equal jitter."""
        cap = min(self.max_delay, self.base_delay * float(2**attempt))
        return cap / 2 + random.uniform(0, cap / 2)


def tls_verify(*, verify: bool, ca_file: str = "") -> bool | ssl.SSLContext:
    """httpx ``verify``: a CA file, the system store, or (test labs only) nothing."""
    if not verify:
        return False
    if ca_file:
        return ssl.create_default_context(cafile=ca_file)
    return True


def short_url(url: httpx.URL | str) -> str:
    """The URL without its query string (offsets and cursors only add noise)."""
    return str(httpx.URL(str(url)).copy_with(query=None))


class HttpClient:
    """An ``httpx.Client`` with our retry, error and progress conventions."""

    def __init__(
        self,
        system: str,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        sleep: Sleep | None = None,
        verify: bool | ssl.SSLContext = True,
        credential: str = "API-nøglen",
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.system = system
        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self.credential = credential
        self._sleep = sleep or time.sleep
        self._client = httpx.Client(
            base_url=self.base_url,
            headers=dict(headers or {}),
            timeout=httpx.Timeout(timeout),
            verify=verify,
            transport=transport,
            follow_redirects=False,
        )

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def set_header(self, name: str, value: str) -> None:
        self._client.headers[name] = value

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | Callable[[], Mapping[str, str]] | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        accept: frozenset[int] = frozenset(),
    ) -> httpx.Response:
        """Send with retries; return a 2xx response or one whose status is in ``accept``.

        ``headers`` may be a callable so per-call headers (transaction ids) are
        fresh on every attempt.
        """
        attempt = 0
        while True:
            extra = headers() if callable(headers) else headers
            try:
                response = self._client.request(
                    method, url, params=params, headers=extra, json=json, data=data
                )
            except httpx.TimeoutException as exc:
                reason = f"svarede ikke inden for tidsgrænsen ({type(exc).__name__})"
                full = short_url(self._client.base_url.join(url))
            except httpx.TransportError as exc:
                reason = f"kunne ikke nås ({type(exc).__name__}: {redact(str(exc))})"
                full = short_url(self._client.base_url.join(url))
            else:
                full = short_url(response.url)
                status = response.status_code
                if status in accept or 200 <= status < 300:
                    return response
                if status in (401, 403):
                    raise AuthError(
                        f"{self.credential} blev afvist af {self.system} på {full} "
                        f"(HTTP {status}). Kontrollér {self.credential.lower()} "
                        "og kontoens rettigheder."
                    )
                if status not in RETRY_STATUSES:
                    raise HttpStatusError(
                        f"{self.system} på {full} svarede HTTP {status}{_detail(response)}.",
                        status=status,
                        url=full,
                    )
                reason = f"svarede HTTP {status}"
                if attempt < self.retry.retries:
                    wait = _retry_after(response) or self.retry.delay(attempt)
                    self._pause(wait, attempt, full, reason)
                    attempt += 1
                    continue
                raise HttpStatusError(
                    f"{self.system} på {full} {reason} efter {attempt + 1} forsøg. "
                    "Prøv igen senere.",
                    status=status,
                    url=full,
                )
            if attempt < self.retry.retries:
                self._pause(self.retry.delay(attempt), attempt, full, reason)
                attempt += 1
                continue
            raise SourceError(
                f"{self.system} på {full} {reason} efter {attempt + 1} forsøg. "
                "Kontrollér adressen, netværket og at tjenesten kører."
            )

    def get_json(self, url: str, **kwargs: Any) -> Any:
        return self.decode(self.request("GET", url, **kwargs))

    def post_json(self, url: str, **kwargs: Any) -> Any:
        return self.decode(self.request("POST", url, **kwargs))

    def decode(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except (ValueError, RecursionError) as exc:  # also 4,300+ digit numbers, deep nesting
            raise SourceError(
                f"{self.system} på {short_url(response.url)} svarede ikke med gyldig JSON."
            ) from exc

    def _pause(self, seconds: float, attempt: int, url: str, reason: str) -> None:
        log.warning(
            "%s %s %s; forsøg %d, venter %.1f s", self.system, url, reason, attempt + 2, seconds
        )
        self._sleep(seconds)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        seconds = float(value)
    except ValueError:
        return None
    return min(max(seconds, 0.0), _MAX_RETRY_AFTER)


def _detail(response: httpx.Response) -> str:
    """A short server message, secrets blanked: FK-ORG and Spring send ``{message}``,
    OS2sync's ``BadRequest(ex.Message)`` sends the message as text/plain."""
    if response.headers.get("Content-Type", "").startswith("text/plain"):
        text = " ".join(response.text.split())
        return f": {redact(text[:200])}" if text else ""
    try:
        body = response.json()
    except (ValueError, RecursionError):
        return ""
    message = body.get("message") or body.get("error") if isinstance(body, dict) else None
    if not isinstance(message, str) or not message:
        return ""
    return f": {redact(message[:200])}"


def retry_policy(opts: LiveOptions) -> RetryPolicy:
    """The ``retries`` and ``retry_delay`` options (rows ``live.retries``, ``live.retry_delay``)."""
    return RetryPolicy(retries=opts.integer("retries"), base_delay=opts.number("retry_delay"))


def client_from_options(
    opts: LiveOptions,
    *,
    headers: Mapping[str, str] | None = None,
    credential: str = "API-nøglen",
    sleep: Sleep | None = None,
    base_url: str | None = None,
) -> HttpClient:
    """An :class:`HttpClient` configured from the common options (:data:`HTTP_OPTIONS`)."""
    verify = opts.flag("tls_verify")
    if not verify:
        log.warning("%s: TLS-certifikatet kontrolleres ikke (tls_verify = false)", opts.system)
    return HttpClient(
        opts.system,
        base_url or opts.url(),
        headers=headers,
        timeout=opts.number("timeout"),
        retry=retry_policy(opts),
        sleep=sleep,
        verify=tls_verify(verify=verify, ca_file=opts.text("ca_file")),
        credential=credential,
    )
