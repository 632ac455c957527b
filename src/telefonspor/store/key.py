"""The key of the phone-number hashes, kept outside the database.

With the key next to the hashes, every stored number is found again by
hashing the 10^8 Danish numbers (milliseconds). So the key lives in an
environment variable (``store.key_env``, default ``TELEFONSPOR_STORE_KEY``) or
in a key file (``store.key_file``; for SQLite by default ``<database>.key`` next
to the file, mode 0600). The database keeps only a check value (an HMAC of a
constant under the key), so a missing or wrong key is refused instead of
silently starting new hashes that no longer match the history.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from telefonspor.errors import StoreError
from telefonspor.private import PRIVATE_FILE, make_private_dir

DEFAULT_ENV: Final = "TELEFONSPOR_STORE_KEY"
KEY_BYTES: Final = 32
#: ``meta`` row with the check value of the key (migration 0005_phone_key).
CHECK_ROW: Final = "phone_hash_key_check"
#: ``meta`` row where versions before migration 0005_phone_key kept the key itself.
LEGACY_ROW: Final = "phone_hash_salt"
_HEX: Final = re.compile(r"^[0-9a-f]{64}$")
_CHECK_TEXT: Final = b"telefonspor/phone-hash-key-check/v1"


def new_key() -> str:
    return secrets.token_hex(KEY_BYTES)


def key_check(key: str) -> str:
    """A value that tells whether a key is the database's, and gives nothing of the key away."""
    return hmac.new(bytes.fromhex(key), _CHECK_TEXT, hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class KeySource:
    """Where one database's key is read from and, when new, written to."""

    env_name: str = DEFAULT_ENV
    file: Path | None = None
    ephemeral: bool = False  # an in-memory database: its key dies with it

    def describe(self) -> str:
        """Danish: where the key is expected."""
        places = []
        if self.env_name:
            places.append(f"miljøvariablen {self.env_name}")
        if self.file is not None:
            places.append(f"nøglefilen {self.file}")
        return " eller ".join(places) or "ingen steder"

    def read(self) -> str | None:
        """The key from the environment variable, else from the key file; None when neither."""
        if self.env_name and os.environ.get(self.env_name, "").strip():
            return _valid(os.environ[self.env_name], f"Miljøvariablen {self.env_name}")
        if self.file is None:
            return None
        try:
            info = self.file.stat()
            text = self.file.read_text(encoding="ascii")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreError(f"Nøglefilen {self.file} kan ikke læses ({exc}).") from exc
        if info.st_mode & 0o077 and info.st_uid == os.geteuid():
            with contextlib.suppress(OSError):
                self.file.chmod(PRIVATE_FILE)  # copied in with cp: only the owner may read it
        return _valid(text, f"Nøglefilen {self.file}")

    def keep(self, key: str) -> str:
        """Write a new key to the key file (0600, never over an existing one); the key in force."""
        if self.file is None:
            if self.ephemeral:
                return key
            raise StoreError(missing_place_message(self.env_name))
        try:
            make_private_dir(self.file.parent)
            fd = os.open(self.file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        except FileExistsError:
            found = self.read()  # another process made it a moment ago
            if found is None:
                raise StoreError(f"Nøglefilen {self.file} kan ikke læses.") from None
            return found
        except OSError as exc:
            raise StoreError(f"Nøglefilen {self.file} kan ikke oprettes ({exc}).") from exc
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        if stat.S_IMODE(self.file.stat().st_mode) != PRIVATE_FILE:
            self.file.chmod(PRIVATE_FILE)
        return key


def missing_place_message(env_name: str) -> str:
    return (
        "Nøglen til telefonnumrenes hash skal ligge uden for databasen. Ved PostgreSQL: sæt "
        f"miljøvariablen {env_name or DEFAULT_ENV} (64 hex-tegn, fx fra 'openssl rand -hex 32') "
        "eller indstillingen store.key_file (en fil kun telefonspor kan læse, fx "
        "/etc/telefonspor/historik.key)."
    )


def missing_key_message(source: KeySource) -> str:
    return (
        f"Nøglen til telefonnumrenes hash mangler ({source.describe()}), men historikken har "
        "gemte kørsler, der er lavet med den. Uden nøglen kan ændrede numre ikke genkendes, så "
        "telefonspor laver ikke en ny. Læg nøglefilen tilbage fra sikkerhedskopien (den tages "
        "sammen med databasen), eller sæt miljøvariablen til nøglen."
    )


def wrong_key_message(source: KeySource) -> str:
    return (
        f"Nøglen til telefonnumrenes hash ({source.describe()}) passer ikke til historikken. "
        "Brug nøglefilen fra samme sikkerhedskopi som databasen."
    )


def _valid(text: str, where: str) -> str:
    key = text.strip().lower()
    if not _HEX.match(key):
        raise StoreError(
            f"{where} indeholder ikke en gyldig nøgle (64 hex-tegn, fx fra 'openssl rand -hex 32')."
        )
    return key
