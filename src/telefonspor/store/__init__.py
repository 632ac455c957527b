"""Run history: every saved audit, decisions, the KLIK task's steps and the notification log.

SQLAlchemy Core over SQLite (default) or PostgreSQL, schema kept by the Alembic
migrations shipped in ``migrations/`` and applied by :meth:`Store.open`.
"""

from __future__ import annotations

from telefonspor.store.records import (
    NotificationLog,
    RunInfo,
    SourceStatus,
    StoredHolder,
    StoredInput,
)
from telefonspor.store.store import Store, engine_url, key_options
from telefonspor.store.task import TASK_TITLES

__all__ = [
    "TASK_TITLES",
    "NotificationLog",
    "RunInfo",
    "SourceStatus",
    "Store",
    "StoredHolder",
    "StoredInput",
    "engine_url",
    "key_options",
]
