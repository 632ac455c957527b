"""A run killed mid-save (SIGKILL, no chance to clean up) leaves the history as it was."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from datetime import UTC, datetime
from multiprocessing.synchronize import Event
from pathlib import Path

import sqlalchemy as sa
from tests.store.factory import many

from telefonspor.store import Store, schema

ROUNDS = int(os.environ.get("TELEFONSPOR_KILL_ROUNDS", "20"))
HOLDERS = 2000


def _save_forever(url: str, ready: Event) -> None:
    """The child: save the same big run again and again until it is killed."""
    res = many(HOLDERS)
    with Store.open(url) as store:
        ready.set()
        while True:
            now = datetime.now(UTC)
            store.save_run(res, started_at=now, finished_at=now)


def _holder_counts(url: str) -> dict[int, int]:
    engine = sa.create_engine(url)
    t = schema.run_holders
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.c.run_id, sa.func.count()).group_by(t.c.run_id)).all()
    engine.dispose()
    return {int(run_id): int(n) for run_id, n in rows}


def test_sigkill_mid_save_leaves_only_complete_runs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'historik.db'}"
    Store.open(url).close()
    chooser = random.Random(20260105)  # varied kill points, same every time
    context = multiprocessing.get_context("fork")
    journal = tmp_path / "historik.db-journal"
    mid_save = 0
    for _ in range(ROUNDS):
        ready = context.Event()
        child = context.Process(target=_save_forever, args=(url, ready))
        child.start()
        assert ready.wait(60), "the writer never opened the store"
        time.sleep(chooser.uniform(0.0, 0.2))  # where the kill lands, not a timing assert
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        assert child.exitcode == -signal.SIGKILL
        mid_save += journal.exists()  # a hot journal: the kill landed inside a transaction
        with Store.open(url) as store:
            runs = store.runs()
        # every run present is complete, and no holder rows belong to an unfinished run
        assert _holder_counts(url) == {run.id: run.role_holders for run in runs}
        assert all(run.role_holders == HOLDERS for run in runs)
    with Store.open(url) as store:
        assert store.runs(), "some saves finished between the kills"
        assert len(store.holders(store.run().id)) == HOLDERS
    assert mid_save > 0, "no kill landed inside a save: the test proved nothing"
