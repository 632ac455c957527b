"""telefonspor: find KLIK roles without a usable phone number and trace why."""

from telefonspor.errors import (
    AuthError,
    ConfigError,
    InputError,
    SourceError,
    StoreError,
    TelefonsporError,
)

__version__ = "0.1.0"

__all__ = [
    "AuthError",
    "ConfigError",
    "InputError",
    "SourceError",
    "StoreError",
    "TelefonsporError",
    "__version__",
]
