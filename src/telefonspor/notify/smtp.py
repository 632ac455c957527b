"""Send e-mail over SMTP with STARTTLS and login from the settings.

The password is read from the environment variable named by
``smtp.password_env``: never from the command line, a file or a log.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from types import TracebackType

from telefonspor.errors import AuthError, ConfigError, SourceError
from telefonspor.settings import Key, Settings


class SmtpTransport:
    """A connection that sends messages; use it as a context manager."""

    def __init__(
        self,
        settings: Settings,
        *,
        environ: Mapping[str, str] | None = None,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.host = settings.get(Key.SMTP_HOST).strip()
        self.port = settings.get(Key.SMTP_PORT)
        self.starttls = settings.get(Key.SMTP_STARTTLS)
        self.username = settings.get(Key.SMTP_USERNAME).strip()
        self._password_env = settings.get(Key.SMTP_PASSWORD_ENV)
        self._environ = os.environ if environ is None else environ
        self._ssl_context = ssl_context
        self._timeout = timeout
        self._smtp: smtplib.SMTP | None = None
        if not self.host:
            raise ConfigError("Angiv SMTP-serveren i indstillingen smtp.host for at sende e-mails.")

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"

    def __enter__(self) -> SmtpTransport:
        password = ""
        if self.username:
            password = self._environ.get(self._password_env, "")
            if not password:
                raise ConfigError(
                    f"SMTP-adgangskoden mangler: sæt miljøvariablen {self._password_env} "
                    "(navnet står i indstillingen smtp.password_env)."
                )
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self._timeout)
        except (OSError, smtplib.SMTPException) as exc:
            raise SourceError(
                f"SMTP-serveren {self.server} kan ikke nås ({exc}). Tjek smtp.host og smtp.port."
            ) from exc
        self._smtp = smtp
        try:
            smtp.ehlo()
            if self.starttls:
                smtp.starttls(context=self._ssl_context or ssl.create_default_context())
                smtp.ehlo()
            if self.username:
                smtp.login(self.username, password)
        except smtplib.SMTPAuthenticationError as exc:
            self._close()
            raise AuthError(
                f"SMTP-serveren {self.server} afviste brugeren {self.username} (kode {exc.smtp_code}). "
                f"Tjek smtp.username og adgangskoden i {self._password_env}."
            ) from None
        except UnicodeEncodeError:
            self._close()
            raise ConfigError(
                f"Brugernavnet eller adgangskoden i {self._password_env} indeholder tegn uden for "
                "ASCII (fx æøå), som SMTP-login ikke kan sende. Vælg en adgangskode uden dem."
            ) from None
        except smtplib.SMTPNotSupportedError as exc:
            self._close()
            raise SourceError(
                f"SMTP-serveren {self.server} understøtter ikke STARTTLS eller login ({exc}). "
                "Sæt smtp.starttls = false kun, hvis forbindelsen er beskyttet på anden vis."
            ) from exc
        except (OSError, smtplib.SMTPException, ssl.SSLError) as exc:
            self._close()
            raise SourceError(
                f"Forbindelsen til SMTP-serveren {self.server} fejlede ({exc})."
            ) from exc
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._close()

    def send(self, email: EmailMessage, *, kind: str = "") -> None:
        if self._smtp is None:
            raise SourceError(f"Ingen forbindelse til SMTP-serveren {self.server}.")
        try:
            self._smtp.send_message(email)
        except (OSError, smtplib.SMTPException) as exc:
            raise SourceError(
                f"SMTP-serveren {self.server} afviste en besked ({type(exc).__name__})."
            ) from exc

    def _close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
