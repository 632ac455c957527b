"""The run module (issue 14.1-2): one way through for every front end, one reader of a run."""

from __future__ import annotations

import ast
import gc
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from telefonspor.cli import app
from telefonspor.errors import InputError, StoreError
from telefonspor.model import LoadedRun
from telefonspor.runs import FIX_DIR, RESULT_FILE, load_run, make_run
from telefonspor.sample import SampleChain, generate_chain
from telefonspor.settings import Settings, load
from telefonspor.store import Store

SRC = Path(__file__).resolve().parents[1] / "src" / "telefonspor"
runner = CliRunner()


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> SampleChain:
    return generate_chain(tmp_path_factory.mktemp("kaede"), holders=80, users=300, seed=7)


def _settings(chain: SampleChain, db: Path, *extra: str) -> Settings:
    return load(chain.config, overrides=[f"store.db=sqlite:///{db}", *extra], environ={})


@pytest.fixture
def freezes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts gc.freeze calls instead of freezing the test process."""
    calls: list[int] = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append(1))
    return calls


def test_a_saved_run_records_its_folder_and_writes_fix_files(
    chain: SampleChain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, freezes: list[int]
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = _settings(chain, tmp_path / "h.db")
    made = make_run(chain.klik, settings, Path("rapport"), save=True)
    assert made.run_id == 1
    assert [p.name for p in made.reports] == ["rapport.xlsx", "rapport.html", "resultat.json"]
    assert made.fix_files and all(p.parent == Path("rapport") / FIX_DIR for p in made.fix_files)
    assert not freezes, "the library never freezes the collector; only the CLI edge does"
    with Store.from_settings(settings) as store:
        assert store.run(1).report_dir == str(tmp_path / "rapport"), "absolute, from any folder"
    unsaved = make_run(chain.klik, settings, tmp_path / "kladde")
    assert unsaved.run_id is None and unsaved.fix_files == () and unsaved.context is None


def test_load_run_by_number_and_by_folder_give_the_same_loaded_run(
    chain: SampleChain, tmp_path: Path, freezes: list[int]
) -> None:
    settings = _settings(chain, tmp_path / "h.db")
    made = make_run(chain.klik, settings, tmp_path / "r", save=True)
    with Store.from_settings(settings) as store:
        by_number = load_run(made.run_id or 0, store=store)
    by_folder = load_run(tmp_path / "r")
    by_file = load_run(tmp_path / "r" / RESULT_FILE)
    assert type(by_number) is type(by_folder) is LoadedRun
    assert by_number == by_folder == by_file
    assert by_number.run_id == made.run_id
    assert by_number.summary == made.result.summary
    assert {h.user_id for h in by_number.holders} == {h.user_id for h in made.result.holders}
    assert len(by_number.uncovered()) == len(made.result.uncovered())
    # A loaded run claims only what resultat.json keeps: no empty look-alike of the rest.
    for absent in ("findings", "by_role", "systemic", "sources", "settings_used"):
        assert not hasattr(by_number, absent)
    assert load_run(made.run_id or 0, settings=settings) == by_number


def test_load_run_names_what_is_missing(chain: SampleChain, tmp_path: Path) -> None:
    settings = _settings(chain, tmp_path / "h.db")
    with Store.from_settings(settings) as store:
        result = make_run(chain.klik, settings, tmp_path / "r").result
        now = datetime.now(UTC)
        old = store.save_run(result, started_at=now, finished_at=now)  # no report folder
        with pytest.raises(StoreError, match="ingen rapportmappe"):
            load_run(old, store=store)
    with pytest.raises(InputError, match="findes ikke"):
        load_run(tmp_path / "ingen")


def test_a_likely_wrong_file_is_held_back_and_the_web_writes_nothing(
    chain: SampleChain, tmp_path: Path
) -> None:
    small = generate_chain(tmp_path / "lille", holders=20, users=80, seed=7)
    settings = _settings(chain, tmp_path / "h.db")
    make_run(chain.klik, settings, tmp_path / "a", save=True)
    small_settings = _settings(small, tmp_path / "h.db")
    held = make_run(
        small.klik, small_settings, tmp_path / "b", save=True, reports_when_held_back=False
    )
    assert held.held_back and held.run_id is None and not (tmp_path / "b").exists()
    cli_like = make_run(small.klik, small_settings, tmp_path / "c", save=True)
    assert cli_like.held_back and (tmp_path / "c" / RESULT_FILE).is_file()
    assert not (tmp_path / "c" / FIX_DIR).exists(), "no fix files for a run that was not kept"


def test_the_cli_freezes_after_reading_and_the_web_job_does_not(
    chain: SampleChain, tmp_path: Path, freezes: list[int]
) -> None:
    from telefonspor.web.jobs import AuditRequest, Job, audit_work

    settings = _settings(chain, tmp_path / "h.db")
    request = AuditRequest(
        klik=chain.klik,
        settings=settings,
        sources=settings.sources,
        db_url=settings.db_url(),
        report_dir=tmp_path / "web" / "koersel",
    )
    run_id = audit_work(request)(Job("j", "anna", "nu"))
    assert run_id == 1 and not freezes, "gc.freeze() in a long-running server never frees"
    assert (tmp_path / "web" / "koersel" / FIX_DIR / "ad-rettelser.ps1").is_file()
    out = runner.invoke(
        app, ["audit", str(chain.klik), "--config", str(chain.config), "-o", str(tmp_path / "x")]
    )
    assert out.exit_code == 0, out.output
    assert freezes == [1]


@pytest.mark.parametrize("keep", [True, False])
def test_demo_honours_store_keep_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, freezes: list[int], keep: bool
) -> None:
    monkeypatch.setenv("TELEFONSPOR_STORE_KEEP_NAMES", "true" if keep else "false")
    db = tmp_path / "demo.db"
    result = runner.invoke(
        app,
        [
            "demo",
            "--out",
            str(tmp_path / "d"),
            "--holders",
            "40",
            "--users",
            "120",
            "--db",
            f"sqlite:///{db}",
        ],
    )
    assert result.exit_code == 0, result.output
    with Store.open(f"sqlite:///{db}") as store:
        names = [h.name for h in store.holders(1)]
        assert store.run(1).report_dir == str(tmp_path / "d" / "rapport")
    assert any(names) is keep


# --- one owner per thing ------------------------------------------------------------------


def _strings(path: Path) -> Iterator[str]:
    """The string constants of a module that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield node.value


def test_the_result_schema_id_is_defined_once() -> None:
    holders = [
        path.relative_to(SRC).as_posix()
        for path in sorted(SRC.rglob("*.py"))
        for text in _strings(path)
        if "telefonspor/audit/" in text
    ]
    assert holders == ["reports/jsonout.py"]


def test_sql_lives_in_the_store_only() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path.is_relative_to(SRC / "store"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(n == "sqlalchemy" or n.startswith("sqlalchemy.") for n in names):
                offenders.append(path.relative_to(SRC).as_posix())
    assert offenders == []
    accounts = (SRC / "web" / "accounts.py").read_text(encoding="utf-8")
    assert "web_users" not in accounts.replace("``web_users``", "")


def test_notifications_are_assembled_in_one_place() -> None:
    """The CLI and the web app both go through notify.lists, with no copied strings."""
    for front in ("cli/notify_cmd.py", "web/views/send.py"):
        tree = ast.parse((SRC / front).read_text(encoding="utf-8"))
        called = {
            node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
        }
        assert {"plan", "send"} <= called, front
        assert not called & {"deliver", "party_messages", "employee_messages"}, front
    copies = [
        path.relative_to(SRC).as_posix()
        for path in sorted(SRC.rglob("*.py"))
        for text in _strings(path)
        if text in ("telefonspor@localhost",) or text.startswith("Angiv afsenderadressen")
    ]
    assert copies == ["notify/lists.py", "notify/lists.py"]
