"""`telefonspor demo`: a full audit on generated sample data (what `make demo` runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from telefonspor.cli.app import DbOption, app, console, freeze_inputs, guarded
from telefonspor.cli.audit_cmd import print_summary, rerun_arguments
from telefonspor.cli.progress import DelayedProgress
from telefonspor.edge.quick_exit import keep_until_exit
from telefonspor.errors import ConfigError
from telefonspor.hints import command
from telefonspor.runs import make_run
from telefonspor.sample import PRESETS, generate_chain
from telefonspor.selfservice.demo import add_demo_submissions
from telefonspor.settings import Key, load


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
    preset: Annotated[
        str,
        typer.Option(
            "--preset",
            help="Kædens form: os2sync-ad = AD synkroniseres direkte til FK-ORG med OS2sync-AD "
            "(ingen OS2sofd/OS2mo; --local bruges ikke).",
        ),
    ] = "",
    db: DbOption = None,
) -> None:
    """Lav en realistisk eksempelkommune (KLIK-eksport, AD, OS2sofd, OS2sync, FK-ORG) og kør en fuld analyse."""
    out = out.resolve()
    preset = preset.strip().lower()
    if preset and preset not in PRESETS:
        raise ConfigError(
            f"--preset '{preset}' kendes ikke. Gyldige værdier: {', '.join(PRESETS)}."
        )
    console.print(f"Laver eksempeldata for en mellemstor kommune i {escape(str(out / 'data'))} …")
    chain = generate_chain(
        out / "data", holders=holders, users=users, seed=seed, local=local, preset=preset
    )
    # The same default database as audit --save and serve: one history, not two (issue 16.4).
    settings = load(chain.config, overrides=[f"store.db={db}"] if db else ())
    with DelayedProgress(console) as progress:
        made = make_run(
            chain.klik,
            settings,
            out / "rapport",
            save=True,
            accept_drop=True,  # a demo is generated: a drop against earlier runs is no wrong file
            rerun=rerun_arguments(chain.klik, chain.config, None, None, None),
            progress=progress,
            after_read=freeze_inputs,
            processes=settings.get(Key.AUDIT_PROCESSES),
        )
    keep_until_exit(made)  # freed by the operating system at exit, not object by object
    run_id, where = made.run_id, made.store_label
    if run_id is not None:
        from telefonspor.store import Store

        with Store.from_settings(settings) as store:
            # the Selvbetjening page has something to show
            add_demo_submissions(store, made.result, run_id)
    print_summary(console, made.result, list(made.reports))
    # Commands are printed unwrapped so they can be copied as they stand, and name the program
    # the way it was called (after `make demo` it is .venv/bin/telefonspor, not on PATH).
    lines = [
        "",
        f"[bold]Åbn rapporten:[/bold] {(out / 'rapport' / 'rapport.html').as_uri()}",
        f"Demo-kørslen er gemt som kørsel nr. {run_id} i {where}; fjern den igen med:",
        "  " + command("history", "delete", str(run_id), db=db),
        f"Kæden er beskrevet i {chain.config}; kør selv analysen igen med:",
        "  " + command("audit", str(chain.klik), "--out", "rapport", config=chain.config),
        "",
        "[bold]Åbn demoen i webappen:[/bold]",
        "  " + command("users", "add", "demo", "--role", "admin", db=db),
        "  " + command("serve", config=chain.config, db=db),
        "  og gå til http://127.0.0.1:8000 (log ind som demo).",
    ]
    for line in lines:
        head, sep, tail = line.partition("[/bold]")
        console.print(head + sep + escape(tail) if sep else escape(line), soft_wrap=True)
