"""A run, start to finish, the same for every front end; and a stored run read back.

:func:`make_run` is what ``telefonspor audit``, ``telefonspor demo`` and the web
app's "Ny kørsel" do: audit (``run.audit_files``) -> save in the history (when
asked, unless it looks like a wrong file) -> reports -> fix files, and it
returns what it made. A saved run records its report folder (absolute), so
the web app shows any saved run in full, whichever front end made it.

:func:`load_run` reads a run back, by its number in the history or from its
report folder, as a :class:`~telefonspor.model.LoadedRun`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

from telefonspor.edge.run import Progress, audit_files
from telefonspor.errors import StoreError
from telefonspor.model import AuditResult, LoadedRun, ReportContext
from telefonspor.settings import Key, Settings, SourceSpec

if TYPE_CHECKING:
    from telefonspor.store import Store

#: The fix files' folder inside a run's report folder.
FIX_DIR: Final = "rettelser"
#: The result's file inside a run's report folder.
RESULT_FILE: Final = "resultat.json"


@dataclass(frozen=True, slots=True)
class MadeRun:
    """What :func:`make_run` made."""

    result: AuditResult
    #: rapport.xlsx, rapport.html, resultat.json (empty when a held-back run wrote none)
    reports: tuple[Path, ...] = ()
    #: the fix files (written for a saved run)
    fix_files: tuple[Path, ...] = ()
    #: the run's number in the history; None when not saved
    run_id: int | None = None
    #: the history's database, password hidden ("" when not saved)
    store_label: str = ""
    #: trend, changes and decisions the reports showed (saved runs)
    context: ReportContext | None = None
    #: why the run was not saved (Danish): its role holders dropped below half of the previous
    #: run's, which looks like a wrong file. "" when saved or not asked to save.
    held_back: str = ""


def make_run(
    klik: Path,
    settings: Settings,
    out: Path,
    *,
    sources: Sequence[SourceSpec] | None = None,
    save: bool = False,
    db_url: str | None = None,
    accept_drop: bool = False,
    fix_files: bool | None = None,
    json_to: str | None = None,
    rerun: tuple[str, ...] = (),
    reports_when_held_back: bool = True,
    progress: Progress | None = None,
    after_read: Callable[[], None] | None = None,
    processes: int = 1,
) -> MadeRun:
    """Audit ``klik`` with the chain of ``settings`` and write the reports into ``out``.

    ``save`` keeps the run in the history (``db_url``, default ``store.db``) with
    ``store.keep_names``; a run whose role holders dropped below half of the
    previous run's is held back unless ``accept_drop`` (see ``store.plausible``).
    ``fix_files`` (default: when saved) writes the fix files into ``out/rettelser``.
    ``json_to`` writes resultat.json once more there ("-" = stdout). ``rerun`` is the
    command-line arguments that read the same inputs again (printed report commands).
    ``after_read`` runs between reading and auditing (the command line freezes the
    collector there; a server must not). ``processes=2`` reads the chain's files in two
    processes (``edge.parallel_read``): for the command line only, a server runs threads.
    """
    from telefonspor.reports import write_reports
    from telefonspor.reports.jsonout import write_json

    started = datetime.now(UTC)
    result = audit_files(
        klik,
        settings,
        sources=sources,
        progress=progress,
        after_read=after_read,
        processes=processes,
    )
    if rerun:
        result = replace(result, rerun=rerun)
    out = Path(out)
    folder = out.resolve()  # what the history records: the web app finds it from anywhere
    made = MadeRun(result)
    if save:
        if progress is not None:
            progress("Gemmer kørslen", 0, None)
        made = _save(made, settings, db_url, started, folder, accept_drop=accept_drop)
        if made.held_back and not reports_when_held_back:
            return made
    if progress is not None:
        progress("Skriver rapporter", 0, None)
    reports = write_reports(result, out, context=made.context)
    if json_to:
        write_json(result, json_to, context=made.context)
    fixes: list[Path] = []
    if fix_files is None:
        fix_files = made.run_id is not None
    if fix_files:
        from telefonspor.fixfiles import write_fix_files

        decisions = made.context.decisions if made.context is not None else {}
        fixes = write_fix_files(result, out / FIX_DIR, decisions=decisions, settings=settings)
    return replace(made, reports=tuple(reports), fix_files=tuple(fixes))


def _save(
    made: MadeRun,
    settings: Settings,
    db_url: str | None,
    started: datetime,
    folder: Path,
    *,
    accept_drop: bool,
) -> MadeRun:
    from telefonspor.store.plausible import likely_wrong_file

    with open_store(settings, db_url) as store:
        warning = likely_wrong_file(store.latest(), made.result.summary.role_holders)
        if warning and not accept_drop:
            return replace(made, store_label=store.label, held_back=warning)
        run_id = store.save_run(
            made.result,
            started_at=started,
            finished_at=datetime.now(UTC),
            keep_names=settings.get(Key.STORE_KEEP_NAMES),
            report_dir=str(folder),
        )
        return replace(
            made, run_id=run_id, store_label=store.label, context=store.report_context(run_id)
        )


def open_store(settings: Settings, db_url: str | None = None) -> Store:
    """The history: ``db_url``, else ``store.db``; the key from the settings either way."""
    from telefonspor.store import Store, key_options  # loaded only when a run is kept

    if db_url is None:
        return Store.from_settings(settings)
    return Store.open(db_url, **key_options(settings))


def load_run(
    run: int | Path | str,
    *,
    store: Store | None = None,
    settings: Settings | None = None,
) -> LoadedRun:
    """A run read back: by its number in the history, or from its report folder (or file).

    A number is looked up in ``store``, else in the history of ``settings`` (``store.db``);
    the run's recorded report folder is read. A folder is read as it is: its resultat.json.
    """
    from telefonspor.reports.jsonin import load_result_json

    if isinstance(run, bool):
        raise TypeError("load_run takes a run number or a folder, not a bool")
    if isinstance(run, int):
        if store is None:
            if settings is None:
                raise TypeError("load_run(number) needs store= or settings=")
            with open_store(settings) as opened:
                return load_run(run, store=opened)
        info = store.run(run)
        if not info.report_dir:
            raise StoreError(
                f"Kørsel nr. {info.id} har ingen rapportmappe i historikken (den er gemt af en "
                "ældre version uden mappen); kør analysen igen med --save."
            )
        loaded = load_result_json(Path(info.report_dir) / RESULT_FILE)
        return replace(loaded, run_id=info.id)
    path = Path(run)
    return load_result_json(path / RESULT_FILE if path.is_dir() else path)
