"""Local web accounts: user name, role and an argon2 password hash, kept in the store's database.

The table ``web_users`` is created by the store's Alembic migration 0003 (0004
adds the OpenID Connect link); :meth:`Accounts.open` opens the store first so
the schema is always migrated.

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

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import SQLAlchemyError

from telefonspor.errors import InputError, StoreError
from telefonspor.settings import Settings
from telefonspor.web.sessions import Sessions, end_all_statement

ROLES: Final = ("admin", "viewer")
ROLE_LABELS: Final = {"admin": "Administrator", "viewer": "Læser"}
MIN_PASSWORD: Final = 10
_NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")

metadata = sa.MetaData()
web_users = sa.Table(
    "web_users",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("oidc_identity", sa.String(255), nullable=True),
    sa.Column("oidc_subject", sa.String(255), nullable=True),
)

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
    """The local accounts of one database."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self.sessions = Sessions(engine)

    @classmethod
    def open(cls, url: str, settings: Settings | None = None) -> Accounts:
        """The accounts in the database at ``url``; ``settings`` say where the store's key is."""
        from telefonspor.store import Store, engine_url, key_options

        # Creates the database and applies the migrations (which need the store's key).
        Store.open(url, **(key_options(settings) if settings else {})).close()
        try:
            engine = sa.create_engine(engine_url(url))
        except SQLAlchemyError as exc:
            raise StoreError(f"Databasen til brugerkonti kan ikke åbnes ({exc}).") from exc
        return cls(engine)

    def close(self) -> None:
        self._engine.dispose()

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
        row = {
            "name": name,
            "role": role,
            "password_hash": NO_PASSWORD if password is None else _hasher.hash(password),
            "created_at": account.created_at,
            "oidc_identity": identity,
        }
        self._write(sa.insert(web_users).values(**row))
        return account

    def link_oidc(self, name: str, identity: str) -> str:
        """Let the provider's ``identity`` sign in to ``name``; returns it as stored."""
        if self.get(name) is None:
            raise InputError(f"Brugeren '{name}' findes ikke. Se 'telefonspor users list'.")
        linked = _linkable(identity)
        self._check_unlinked(linked, name)
        # A new link starts unpinned: the next sign-in pins the provider's subject again.
        change = {"oidc_identity": linked, "oidc_subject": None}
        self._write(sa.update(web_users).where(web_users.c.name == name).values(**change))
        return linked

    def unlink_oidc(self, name: str) -> None:
        if self.get(name) is None:
            raise InputError(f"Brugeren '{name}' findes ikke. Se 'telefonspor users list'.")
        change = {"oidc_identity": None, "oidc_subject": None}
        self._write(sa.update(web_users).where(web_users.c.name == name).values(**change))

    def for_oidc(self, identity: str, subject: str) -> Account | None:
        """The account linked to the provider's ``identity``, if any.

        The first sign-in pins ``subject`` (the provider's ``sub``); a later one
        with another subject is refused with InputError.
        """
        rows = self._read(sa.select(web_users).where(web_users.c.oidc_identity == _fold(identity)))
        if not rows:
            return None
        row = rows[0]
        if row.oidc_subject is None:
            self._write(
                sa.update(web_users)
                .where(web_users.c.name == row.name, web_users.c.oidc_subject.is_(None))
                .values(oidc_subject=subject)
            )
        elif str(row.oidc_subject) != subject:
            raise InputError(
                f"Brugeren '{row.name}' er koblet til en anden person med identiteten "
                f"{identity} hos udstederen. Bed driften koble brugeren igen med "
                f"'telefonspor users link-oidc {row.name}'."
            )
        return _account(row)

    def _check_unlinked(self, identity: str, name: str) -> None:
        rows = self._read(sa.select(web_users.c.name).where(web_users.c.oidc_identity == identity))
        if rows and str(rows[0].name) != name:
            raise InputError(
                f"Identiteten {identity} er allerede koblet til brugeren '{rows[0].name}'."
            )

    def remove(self, name: str) -> None:
        if self.get(name) is None:
            raise InputError(f"Brugeren '{name}' findes ikke. Se 'telefonspor users list'.")
        # The user's sessions end with the account, in the same transaction.
        self._write(sa.delete(web_users).where(web_users.c.name == name), end_all_statement(name))

    def set_password(self, name: str, password: str) -> None:
        """A new password; every session of the user ends (a stolen cookie stops working)."""
        check_password(password)
        if self.get(name) is None:
            raise InputError(f"Brugeren '{name}' findes ikke. Se 'telefonspor users list'.")
        update = (
            sa.update(web_users)
            .where(web_users.c.name == name)
            .values(password_hash=_hasher.hash(password))
        )
        self._write(update, end_all_statement(name))

    def get(self, name: str) -> Account | None:
        rows = self._read(sa.select(web_users).where(web_users.c.name == name))
        return _account(rows[0]) if rows else None

    def all(self) -> list[Account]:
        return [_account(r) for r in self._read(sa.select(web_users).order_by(web_users.c.name))]

    def verify(self, name: str, password: str) -> Account | None:
        """The account when the password is right, else None (same time either way)."""
        rows = self._read(sa.select(web_users).where(web_users.c.name == name))
        stored = str(rows[0].password_hash) if rows else _DUMMY_HASH
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        return _account(rows[0]) if rows else None

    def _read(self, stmt: sa.Select[tuple[object, ...]]) -> list[sa.Row[tuple[object, ...]]]:
        try:
            with self._engine.connect() as conn:
                return list(conn.execute(stmt))
        except SQLAlchemyError as exc:
            raise StoreError(f"Brugerkontiene kan ikke læses ({exc}).") from exc

    def _write(self, *statements: sa.Executable) -> None:
        """Run ``statements`` in one transaction."""
        try:
            with self._engine.begin() as conn:
                for stmt in statements:
                    conn.execute(stmt)
        except SQLAlchemyError as exc:
            raise StoreError(f"Brugerkontiene kan ikke gemmes ({exc}).") from exc


def _account(row: sa.Row[tuple[object, ...]]) -> Account:
    return Account(str(row.name), str(row.role), str(row.created_at), str(row.oidc_identity or ""))


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
