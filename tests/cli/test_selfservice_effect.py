"""The next audit shows self-service's effect: diff, the report context and the task status."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.store.factory import holder, result
from typer.testing import CliRunner

from telefonspor.cli import app
from telefonspor.reports.html import render_html
from telefonspor.reports.jsonout import to_json
from telefonspor.store import Store
from telefonspor.store.selfservice import WriteLog

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def _runs(url: str, *, written_at: datetime) -> None:
    with Store.open(url) as store:
        before = result([holder("mette"), holder("bo"), holder("carl")])
        store.save_run(before, started_at=T0, finished_at=T0)
        store.selfservice().log_write(
            WriteLog(
                1,
                "Mette",
                "direct",
                "ad",
                "",
                "••••••66",
                "written",
                "anna",
                T0.isoformat(),
                "anna",
                written_at.isoformat(timespec="seconds"),
            )
        )
        after = result([holder("mette", covered=True), holder("bo", covered=True), holder("carl")])
        later = T0 + timedelta(days=2)
        store.save_run(after, started_at=later, finished_at=later)


def test_diff_and_task_status_attribute_the_fix_to_self_service(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    _runs(url, written_at=T0 + timedelta(days=1))
    runner = CliRunner()
    out = runner.invoke(app, ["diff", "--db", url, "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["fixed"] == ["bo", "mette"] and doc["fixed_by_selfservice"] == ["mette"]
    table = runner.invoke(app, ["diff", "--db", url])
    assert "Rettet (selvbetjening)" in table.output
    assert "Heraf rettet via selvbetjening: 1" in table.output
    status = runner.invoke(app, ["task", "status", "--db", url, "--json"])
    assert json.loads(status.output)["covered_by_selfservice"] == 1
    text = runner.invoke(app, ["task", "status", "--db", url])
    assert "Har nummer via selvbetjening i nyeste kørsel: 1" in text.output
    with Store.open(url) as store:
        context = store.report_context()
    assert context.changes is not None and context.changes.via_selfservice == ("mette",)
    after = result([holder("mette", covered=True), holder("bo", covered=True), holder("carl")])
    assert to_json(after, context)["changes"]["fixed_by_selfservice"] == ["mette"]
    html = render_html(after, context)
    assert "Heraf via selvbetjening" in html and "mette" in html


def test_a_write_after_the_run_is_not_credited(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    _runs(url, written_at=T0 + timedelta(days=3))  # the run read the sources before the write
    doc = json.loads(CliRunner().invoke(app, ["diff", "--db", url, "--json"]).output)
    assert doc["fixed_by_selfservice"] == []
