"""`telefonspor history`, `diff`, `decide` and `task ...`: follow the KLIK task over runs."""

from __future__ import annotations

import getpass
import json
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from telefonspor.cli.app import ConfigOption, DbOption, app, console, guarded, load_settings
from telefonspor.errors import InputError
from telefonspor.localtime import danish_datetime, short_datetime
from telefonspor.model import Changes, Decision
from telefonspor.settings import Key
from telefonspor.store import Store, StoredHolder
from telefonspor.store.kombit_message import kombit_message
from telefonspor.texts import cause_label

#: Which command does each of the KLIK task's five steps.
STEP_COMMANDS = (
    "telefonspor audit KLIK-EKSPORT --save",
    "telefonspor audit KLIK-EKSPORT --config kaede.toml --save",
    "telefonspor decide / telefonspor task decide",
    "telefonspor fix, telefonspor notify, derefter en ny kørsel",
    "telefonspor task complete (og task message)",
)
DECISION_LABELS = {"fix": "sikre nummeret", "accept": "accepteret uden nummer"}

JsonOption = Annotated[bool, typer.Option("--json", help="Skriv resultatet som JSON.")]
DecisionOption = Annotated[
    str,
    typer.Option(
        "--decision",
        help="fix = nummeret skal sikres; accept = sagen accepteres uden nummer (kræver --reason).",
    ),
]
ReasonOption = Annotated[
    str, typer.Option("--reason", help="Begrundelse (skal angives ved accept).")
]
ByOption = Annotated[
    str | None,
    typer.Option("--by", help="Hvem der træffer beslutningen (standard: din brugerkonto)."),
]

task_app = typer.Typer(
    help="KLIK-opgavens fem trin: status, beslutning for hele opgaven og markering som fuldført.",
    no_args_is_help=True,
)
app.add_typer(task_app, name="task")


def _open(config: ConfigOption, db: DbOption) -> Store:
    return Store.from_settings(load_settings(config, db=db))


def _who(by: str | None) -> str:
    if by and by.strip():
        return by.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "ukendt"


def _print_json(data: Any) -> None:
    # plain print: rich would wrap long lines and break the JSON
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _pct(value: float) -> str:
    return f"{value:.1f} %".replace(".", ",")


history_app = typer.Typer(
    help="Vis de gemte kørsler med dækning, ældste først (eller slet en forkert kørsel).",
    invoke_without_command=True,
)
app.add_typer(history_app, name="history")


@history_app.callback(invoke_without_command=True)
@guarded
def history_command(
    ctx: typer.Context,
    config: ConfigOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Vis de gemte kørsler med dækning, ældste først."""
    if ctx.invoked_subcommand is not None:
        return
    with _open(config, db) as store:
        runs = store.runs()
    if as_json:
        _print_json(
            [
                {
                    "id": r.id,
                    "started_at": r.started_at,
                    "coverage_pct": r.coverage_pct,
                    "roles": r.roles,
                    "roles_covered": r.roles_covered,
                    "role_holders": r.role_holders,
                    "covered_holders": r.covered_holders,
                }
                for r in runs
            ]
        )
        return
    if not runs:
        console.print(
            "Der er ingen gemte kørsler endnu. Gem en med 'telefonspor audit ... --save'."
        )
        return
    table = Table(
        "Nr.", "Startet", "Dækning", "Roller med nummer", "Uden nummer", "Filer",
        title="Kørsler",
    )  # fmt: skip
    for r in runs:
        table.add_row(
            str(r.id),
            short_datetime(r.started_at),
            _pct(r.coverage_pct),
            f"{r.roles_covered} af {r.roles}",
            f"{r.uncovered_holders} af {r.role_holders} personer",
            escape(", ".join(i.name for i in r.inputs)),
        )
    console.print(table)
    console.print(f"Database: {escape(store.label)}")


@history_app.command("delete")
@guarded
def history_delete_command(
    run_id: Annotated[int, typer.Argument(help="Nummeret på kørslen, der skal slettes.")],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Slet uden at spørge (til scripts).")
    ] = False,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Slet en kørsel, der blev gemt ved en fejl (fx en forkert KLIK-eksport).

    Beslutninger og opgavens status bevares; kun kørslen og dens rolleindehavere slettes.
    """
    with _open(config, db) as store:
        run = store.run(run_id)
        what = (
            f"kørsel nr. {run.id} fra {danish_datetime(run.started_at)} "
            f"({run.role_holders} rolleindehavere, {_pct(run.coverage_pct)}) i {store.label}"
        )
        if not yes:
            console.print(f"Du er ved at slette {escape(what)}.")
            try:
                answer = typer.prompt("Skriv ja for at slette", default="", show_default=False)
            except typer.Abort:
                answer = ""
            if answer.strip().lower() != "ja":
                raise InputError(
                    "Intet er slettet. Skriv ja ved spørgsmålet, eller brug --yes i et script."
                )
        store.delete_run(run_id)
        latest = store.latest()
    console.print(f"[green]Slettet:[/green] {escape(what)}.")
    if latest is not None:
        console.print(f"Den nyeste kørsel er nu nr. {latest.id}.")


@app.command("diff")
@guarded
def diff_command(
    run_a: Annotated[
        int | None, typer.Argument(help="Kørslen der sammenlignes fra (standard: den forrige).")
    ] = None,
    run_b: Annotated[
        int | None, typer.Argument(help="Kørslen der sammenlignes med (standard: den nyeste).")
    ] = None,
    config: ConfigOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Vis hvem der er rettet, hvem der nu mangler nummer, og hvem der har fået en anden årsag."""
    with _open(config, db) as store:
        stored = store.runs()
        if run_a is None and len(stored) < 2:
            # Nothing to compare with yet is a normal state of a new installation, not a fault.
            only = f"kun én gemt kørsel (nr. {stored[0].id})" if stored else "ingen gemte kørsler"
            console.print(
                f"Der er {only} i {escape(store.label)}, så der er intet at sammenligne med "
                "endnu. Gem næste kørsel med 'audit --save', og kør diff igen."
            )
            return
        changes = store.diff(run_a, run_b)
        after = {h.user_id: h for h in store.holders(changes.to_run)}
    if as_json:
        _print_json(_changes_json(changes))
        return
    _print_changes(changes, after)


def _changes_json(changes: Changes) -> dict[str, Any]:
    return {
        "from_run": changes.from_run,
        "to_run": changes.to_run,
        "fixed": list(changes.fixed),
        "fixed_by_selfservice": list(changes.via_selfservice),
        "newly_missing": list(changes.newly_missing),
        "changed_cause": [
            {"user_id": c.user_id, "old": c.old, "new": c.new} for c in changes.changed_cause
        ],
        "gone": list(changes.gone),
    }


def _print_changes(changes: Changes, after: dict[str, StoredHolder]) -> None:
    console.print(f"[bold]Ændringer fra kørsel {changes.from_run} til {changes.to_run}[/bold]")
    counts = (
        f"Rettet: {len(changes.fixed)}  ·  Nye uden nummer: {len(changes.newly_missing)}  ·  "
        f"Ændret årsag: {len(changes.changed_cause)}  ·  Ikke længere i KLIK: {len(changes.gone)}"
    )
    console.print(counts)
    if changes.via_selfservice:
        console.print(f"Heraf rettet via selvbetjening: {len(changes.via_selfservice)}")
    if not (changes.fixed or changes.newly_missing or changes.changed_cause or changes.gone):
        console.print("Ingen ændringer.")
        return
    table = Table("Ændring", "Bruger", "Årsag før", "Årsag nu")
    for user_id in changes.fixed:
        via = user_id in changes.via_selfservice
        table.add_row(
            "Rettet (selvbetjening)" if via else "Rettet", escape(user_id), "", "har nummer"
        )
    for user_id in changes.newly_missing:
        holder = after.get(user_id)
        table.add_row(
            "Ny uden nummer", escape(user_id), "", cause_label(holder.cause if holder else None)
        )
    for change in changes.changed_cause:
        table.add_row(
            "Ændret årsag", escape(change.user_id), cause_label(change.old), cause_label(change.new)
        )
    for user_id in changes.gone:
        table.add_row("Ikke længere i KLIK", escape(user_id), "", "")
    console.print(table)


@app.command("decide")
@guarded
def decide_command(
    holder: Annotated[
        str, typer.Option("--holder", help="Brugernavnet (bruger-id) på rolleindehaveren.")
    ],
    decision: DecisionOption,
    reason: ReasonOption = "",
    by: ByOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Gem en beslutning for én rolleindehaver (opgavens trin 3): fix eller accept."""
    with _open(config, db) as store:
        user_id = _known_holder(store, holder)
        made = store.decide(user_id, decision, reason, _who(by))
    _print_decision(made)


def _known_holder(store: Store, holder: str) -> str:
    """The user id as stored in the latest run (case-insensitive), so a typo is caught."""
    wanted = holder.strip()
    if not wanted:
        raise InputError("Angiv rolleindehaverens brugernavn med --holder.")
    latest = store.run()
    for stored in store.holders(latest.id):
        if stored.user_id.casefold() == wanted.casefold():
            return stored.user_id
    raise InputError(
        f"Rolleindehaveren '{wanted}' findes ikke i den nyeste kørsel (nr. {latest.id}). "
        "Tjek brugernavnet i rapporten."
    )


def _print_decision(made: Decision) -> None:
    who = f"rolleindehaveren {made.user_id}" if made.user_id else "hele opgaven"
    reason = f" Begrundelse: {made.reason}" if made.reason else ""
    console.print(
        f"[green]Beslutning gemt[/green] for {escape(who)}: {DECISION_LABELS[made.decision]} "
        f"(af {escape(made.decided_by)}, {danish_datetime(made.decided_at)}).{escape(reason)}"
    )


@task_app.command("status")
@guarded
def task_status_command(
    config: ConfigOption = None, db: DbOption = None, as_json: JsonOption = False
) -> None:
    """Vis opgavens fem trin med dato, og hvor mange sager der stadig er åbne."""
    with _open(config, db) as store:
        steps = store.task_steps()
        open_cases = store.open_cases()
        task_decision = store.decisions().get("")
        latest = store.latest()
        via_selfservice = (
            store.selfservice().covered_in_run(latest.id, latest.started_at) if latest else ()
        )
    if as_json:
        _print_json(
            {
                "steps": [
                    {"number": s.number, "title": s.title, "done_at": s.done_at, "note": s.note}
                    for s in steps
                ],
                "open_cases": len(open_cases),
                "covered_by_selfservice": len(via_selfservice),
                "task_decision": None if task_decision is None else task_decision.decision,
            }
        )
        return
    table = Table("Trin", "Opgave", "Udført", "Bemærkning", "Kommando", title="KLIK-opgaven")
    for step, command in zip(steps, STEP_COMMANDS, strict=True):
        done = short_datetime(step.done_at) if step.done_at else "–"
        table.add_row(str(step.number), step.title, done, escape(step.note), command)
    console.print(table)
    console.print(f"Åbne sager i nyeste kørsel: {len(open_cases)}")
    if via_selfservice:
        console.print(
            f"Har nummer via selvbetjening i nyeste kørsel: {len(via_selfservice)} "
            "(medarbejderne registrerede det selv)"
        )


@task_app.command("decide")
@guarded
def task_decide_command(
    decision: DecisionOption,
    reason: ReasonOption = "",
    by: ByOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Gem en beslutning for hele opgaven (trin 3), fx accept: "vi iværksætter ikke aktiviteter, fordi ..."."""
    settings = load_settings(config, db=db)
    with Store.from_settings(settings) as store:
        made = store.decide("", decision, reason, _who(by))
        message = kombit_message(store.task_facts(settings.get(Key.AUDIT_MUNICIPALITY_NAME)))
    _print_decision(made)
    _print_message(message)


def _print_message(message: str) -> None:
    # Unwrapped and unstyled, so it can be copied into the KLIK task's message field as it is.
    console.print("\n[bold]Besked til KOMBIT[/bold] (kopiér til KLIK-opgavens beskedfelt):")
    typer.echo(message)


@task_app.command("message")
@guarded
def task_message_command(config: ConfigOption = None, db: DbOption = None) -> None:
    """Skriv beskeden til KOMBIT til KLIK-opgavens beskedfelt: beslutning, begrundelse, dækning."""
    settings = load_settings(config, db=db)
    with Store.from_settings(settings) as store:
        message = kombit_message(store.task_facts(settings.get(Key.AUDIT_MUNICIPALITY_NAME)))
    typer.echo(message)


@task_app.command("complete")
@guarded
def task_complete_command(
    reason: Annotated[
        str,
        typer.Option("--reason", help="Begrundelse; kræves hvis der stadig er åbne sager."),
    ] = "",
    by: ByOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Markér opgaven som fuldført (trin 5): kun uden åbne sager, eller med en begrundelse."""
    settings = load_settings(config, db=db)
    with Store.from_settings(settings) as store:
        try:
            step = store.complete_task(reason=reason, by=_who(by))
        except InputError as exc:
            if reason.strip():
                raise
            raise InputError(f'{exc} Brug --reason "...".') from exc
        message = kombit_message(store.task_facts(settings.get(Key.AUDIT_MUNICIPALITY_NAME)))
    console.print(
        f"[green]Opgaven er markeret som fuldført[/green] ({danish_datetime(step.done_at or '')}). {escape(step.note)}"
    )
    _print_message(message)
