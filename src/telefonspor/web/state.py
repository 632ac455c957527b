"""What every request handler shares: settings, the store, accounts, sessions, jobs."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.requests import Request

from telefonspor.settings import Settings
from telefonspor.web.accounts import Accounts
from telefonspor.web.auth import LoginLimiter, SessionCodec
from telefonspor.web.jobs import Jobs
from telefonspor.web.oidc import OidcConfig
from telefonspor.web.rundata import DetailCache

if TYPE_CHECKING:
    from telefonspor.store import Store


def default_data_dir(db_url: str) -> Path:
    """Next to a SQLite database; else in the user's data folder."""
    if db_url.startswith("sqlite:///"):
        return Path(db_url.removeprefix("sqlite:///")).resolve().parent / "web"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "telefonspor" / "web"


@dataclass
class WebState:
    settings: Settings
    db_url: str
    data_dir: Path
    accounts: Accounts
    codec: SessionCodec
    limiter: LoginLimiter = field(default_factory=LoginLimiter)
    #: Unknown self-service links and refused forms per client (``views.selfservice``).
    selfservice_limiter: LoginLimiter = field(
        default_factory=lambda: LoginLimiter(attempts=10, window_s=600.0)
    )
    jobs: Jobs = field(default_factory=Jobs)
    details: DetailCache = field(default_factory=DetailCache)
    oidc: OidcConfig | None = None
    _store: Store | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def runs_dir(self) -> Path:
        return self.data_dir / "koersler"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    def store(self) -> Store:
        """The store, opened (and migrated) once on first use."""
        with self._lock:
            if self._store is None:
                from telefonspor.store import Store, key_options

                self._store = Store.open(self.db_url, **key_options(self.settings))
            return self._store

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
        self.accounts.close()


def state_of(request: Request) -> WebState:
    state = request.app.state.web
    if not isinstance(state, WebState):
        raise RuntimeError("create_app() was not used")  # programming error, never user-facing
    return state
