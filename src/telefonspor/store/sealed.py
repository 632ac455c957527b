"""Encryption of the numbers employees submit, under a key derived from the store's key.

The store's key (``store.key``) lives outside the database, so a stolen
database does not reveal the waiting numbers. A separate key is derived with
HKDF (never the HMAC key itself), and every value is bound to its holder and
purpose as associated data, so a ciphertext cannot be moved to another row.
"""

from __future__ import annotations

import base64
import secrets
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from telefonspor.errors import StoreError

_INFO: Final = b"telefonspor/selfservice-numbers/v1"
_PREFIX: Final = "v1:"
_NONCE_BYTES: Final = 12


class Sealer:
    """AES-256-GCM under a key derived from the store's 64-hex-digit key."""

    def __init__(self, store_key: str) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
            bytes.fromhex(store_key)
        )
        self._aead = AESGCM(derived)

    def seal(self, plain: str, context: str) -> str:
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plain.encode("utf-8"), context.encode("utf-8"))
        return _PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def open(self, text: str, context: str) -> str:
        if not text.startswith(_PREFIX):
            raise StoreError("En gemt selvbetjeningsværdi har et ukendt format.")
        raw = base64.b64decode(text.removeprefix(_PREFIX))
        try:
            plain = self._aead.decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode("utf-8")
            )
        except InvalidTag:
            raise StoreError(
                "En gemt selvbetjeningsværdi kan ikke dekrypteres med historikkens nøgle "
                "(forkert nøgle, eller værdien er flyttet)."
            ) from None
        return plain.decode("utf-8")
