"""`telefonspor demo`: a full audit on generated sample data (what `make demo` runs)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from telefonspor.cli.app import app, console, guarded
from telefonspor.cli.audit_cmd import print_summary
from telefonspor.progress import DelayedProgress
from telefonspor.reports import write_reports
from telefonspor.run import audit_files
from telefonspor.sample import generate_chain
from telefonspor.settings import load


@app.command("demo")
@guarded
def demo_command(
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Mappe til eksempeldata, rapporter og demo-database."),
    ] = Path("demo-output"),
    holders: Annotated[int, typer.Option("--holders", help="Antal rolleindehavere i KLIK.")] = 1500,
    users: Annotated[
        int, typer.Option("--users", help="Antal medarbejdere i AD, OS2sofd og FK-ORG.")
    ] = 8000,
    seed: Annotated[
        int, typer.Option("--seed", help="Frø til tilfældige data (samme frø, samme data).")
    ] = 1,
    local: Annotated[
        str,
        typer.Option(
            "--local", help="Lokal organisationsløsning i eksemplet: os2sofd eller os2mo."
        ),
    ] = "os2sofd",
) -> None:
    """Lav en realistisk eksempelkommune (KLIK-eksport, AD, OS2sofd, OS2sync, FK-ORG) og kør en fuld analyse."""
    out = out.resolve()
    console.print(f"Laver eksempeldata for en mellemstor kommune i {escape(str(out / 'data'))} …")
    chain = generate_chain(out / "data", holders=holders, users=users, seed=seed, local=local)
    settings = load(chain.config, overrides=[f"store.db=sqlite:///{out / 'telefonspor.db'}"])
    started = datetime.now(UTC)
    with DelayedProgress(console) as progress:
        result = audit_files(chain.klik, settings, progress=progress)
    from telefonspor.store import Store  # loaded only when used: keeps the CLI quick to start

    # The demo keeps its own history next to its data, so `history`, `diff` and the web app work on it.
    with Store.from_settings(settings) as store:
        run_id = store.save_run(
            result,
            started_at=started,
            finished_at=datetime.now(UTC),
            report_dir=str(out / "rapport"),
        )
        context = store.report_context(run_id)
    paths = write_reports(result, out / "rapport", context=context)
    print_summary(console, result, paths)
    db = settings.db_url()
    # Commands are printed unwrapped so they can be copied as they stand.
    lines = [
        "",
        f"[bold]Åbn rapporten:[/bold] {(out / 'rapport' / 'rapport.html').as_uri()}",
        f"Kæden er beskrevet i {chain.config}; kør selv analysen igen med:",
        f"  .venv/bin/telefonspor audit {chain.klik} --config {chain.config} --out rapport",
        "",
        "[bold]Åbn demoen i webappen:[/bold]",
        f"  .venv/bin/telefonspor users add demo --role admin --db {db}",
        f"  .venv/bin/telefonspor serve --db {db} --config {chain.config}",
        "  og gå til http://127.0.0.1:8000 (log ind som demo).",
    ]
    for line in lines:
        head, sep, tail = line.partition("[/bold]")
        console.print(head + sep + escape(tail) if sep else escape(line), soft_wrap=True)
