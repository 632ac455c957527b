"""Local web accounts: user name, role and an argon2 password hash, kept in the store's database.

The rules live here (names, roles, passwords, argon2 hashes, OIDC links); the
rows in ``web_users`` are read and written by ``telefonspor.store.accounts``,
which opens the store first so the schema is always migrated.

OpenID Connect never signs in to an account because its name equals the
provider's identity: the account must be linked to that identity explicitly
(``telefonspor users link-oidc`` or ``users add --oidc``). The provider's
``sub`` is pinned at the first sign-in, so a reused e-mail address does not
inherit the account.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from telefonspor.errors import InputError
from telefonspor.settings import Settings
from telefonspor.store.accounts import AccountRow, AccountRows

ROLES: Final = ("admin", "viewer")
ROLE_LABELS: Final = {"admin": "Administrator", "viewer": "Læser"}
MIN_PASSWORD: Final = 10
_NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")

_hasher = PasswordHasher()
# Verifying against a dummy hash keeps the time of "no such user" equal to "wrong password".
_DUMMY_HASH: Final = _hasher.hash("telefonspor-dummy-password")
#: The stored "hash" of an account without a password (organisation login only); never verifies.
NO_PASSWORD: Final = "!"  # noqa: S105  (a marker, not a secret)


@dataclass(frozen=True, slots=True)
class Account:
    name: str
    role: str
    created_at: str
    #: The OpenID Connect identity linked to the account; empty = none.
    oidc_identity: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class Accounts:
    """The local accounts of one database (their rows: ``store.accounts``)."""

    def __init__(self, rows: AccountRows) -> None:
        self._rows = rows
        self.sessions = rows.sessions

    @classmethod
    def open(cls, url: str, settings: Settings | None = None) -> Accounts:
        """The accounts in the database at ``url``; ``settings`` say where the store's key is."""
        return cls(AccountRows.open(url, settings))

    def close(self) -> None:
        self._rows.close()

    def add(self, name: str, role: str, password: str | None, *, oidc: str = "") -> Account:
        """A new account; ``password`` None for one that signs in only as ``oidc``."""
        check_name(name)
        if role not in ROLES:
            raise InputError(f"Rollen skal være admin eller viewer, ikke '{role}'.")
        if password is not None:
            check_password(password)
        elif not oidc:
            raise InputError("En bruger uden adgangskode skal kobles til organisationens login.")
        if self.get(name) is not None:
            raise InputError(
                f"Brugeren '{name}' findes allerede. Fjern den først for at ændre den."
            )
        identity = _linkable(oidc) if oidc else None
        if identity is not None:
            self._check_unlinked(identity, name)
        account = Account(
            name, role, datetime.now(UTC).isoformat(timespec="seconds"), identity or ""
        )
        password_hash = NO_PASSWORD if password is None else _hasher.hash(password)
        self._rows.insert(
            AccountRow(name, role, password_hash, account.created_at, account.oidc_identity)
        )
        return account

    def link_oidc(self, name: str, identity: str) -> str:
        """Let the provider's ``identity`` sign in to ``name``; returns it as stored."""
        if self.get(name) is None:
            raise InputError(f"Brugeren '{name}' findes ikke. Se 'telefonspor users list'.")
        linked = _linkable(identity)
        self._check_unlinked(linked, name)
        # A new link starts unpinned: the next sign-in pins the provider's subject again.
        self._rows.set_oidc(name, linked)
        return linked

    def unlink_oidc(self, name: str) -> None:
        if self.get(name) is None:
            raise InputError(f"Brugeren '{name}' findes ikke. Se 'telefonspor users list'.")
        self._rows.set_oidc(name, None)

    def for_oidc(self, identity: str, subject: str) -> Account | None:
        """The account linked to the provider's ``identity``, if any.

        The first sign-in pins ``subject`` (the provider's ``sub``); a later one
        with another subject is refused with InputError.
        """
        row = self._rows.by_oidc(_fold(identity))
        if row is None:
            return None
        if row.oidc_subject is None:
            self._rows.pin_subject(row.name, subject)
        elif row.oidc_subject != subject:
            raise InputError(
                f"Brugeren '{row.name}' er koblet til en anden person med identiteten "
                f"{identity} hos udstederen. Bed driften koble brugeren igen med "
                f"'telefonspor users link-oidc {row.name}'."
            )
        return _account(row)

    def _check_unlinked(self, identity: str, name: str) -> None:
        row = self._rows.by_oidc(identity)
        if row is not None and row.name != name:
            raise InputError(
                f"Identiteten {identity} er allerede koblet til brugeren '{row.name}'."
            )

    def remove(self, name: str) -> None:
        if self.get(name) is None:
            raise InputError(f"Brugeren '{name}' findes ikke. Se 'telefonspor users list'.")
        self._rows.delete(name)  # the user's sessions end with the account

    def set_password(self, name: str, password: str) -> None:
        """A new password; every session of the user ends (a stolen cookie stops working)."""
        check_password(password)
        if self.get(name) is None:
            raise InputError(f"Brugeren '{name}' findes ikke. Se 'telefonspor users list'.")
        self._rows.set_password_hash(name, _hasher.hash(password))

    def get(self, name: str) -> Account | None:
        row = self._rows.get(name)
        return _account(row) if row is not None else None

    def all(self) -> list[Account]:
        return [_account(r) for r in self._rows.all()]

    def verify(self, name: str, password: str) -> Account | None:
        """The account when the password is right, else None (same time either way)."""
        row = self._rows.get(name)
        stored = row.password_hash if row is not None else _DUMMY_HASH
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        return _account(row) if row is not None else None


def _account(row: AccountRow) -> Account:
    return Account(row.name, row.role, row.created_at, row.oidc_identity)


def _fold(identity: str) -> str:
    return identity.strip().casefold()


def _linkable(identity: str) -> str:
    folded = _fold(identity)
    if not folded or len(folded) > 255 or any(c.isspace() for c in folded):
        raise InputError(
            "Identiteten hos organisationens login skal være et brugernavn eller en "
            f"e-mailadresse uden mellemrum (højst 255 tegn), ikke '{identity}'."
        )
    return folded


def check_name(name: str) -> None:
    if not _NAME.match(name):
        raise InputError(
            "Brugernavnet må kun indeholde bogstaver a-z, tal og . _ @ - (højst 64 tegn)."
        )


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"Adgangskoden skal være mindst {MIN_PASSWORD} tegn.")
