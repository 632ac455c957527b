"""`telefonspor selvbetjening`: the employees' own numbers – list, approve, reject, apply, revoke."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from telefonspor.cli.app import (
    ConfigOption,
    DbOption,
    SetOption,
    app,
    console,
    guarded,
    load_settings,
)
from telefonspor.cli.history_cmd import ByOption, _who
from telefonspor.localtime import danish_datetime
from telefonspor.selfservice.apply import (
    FIELD_LABELS,
    OUTCOME_LABELS,
    Planned,
    apply_approved,
    target_of,
)
from telefonspor.selfservice.review import approve, reject
from telefonspor.store import Store

STATUS_LABELS = {
    "pending": "Venter",
    "approved": "Godkendt",
    "applied": "Gennemført",
    "rejected": "Afvist",
    "conflict": "Konflikt",
}

selfservice_app = typer.Typer(
    help="Medarbejdernes egne numre fra selvbetjeningslinket: se, godkend, afvis og skriv tilbage.",
    no_args_is_help=True,
)
app.add_typer(selfservice_app, name="selvbetjening")

IdsArgument = Annotated[list[int], typer.Argument(help="Indsendelsernes numre (se 'list').")]


@selfservice_app.command("list")
@guarded
def list_command(
    alle: Annotated[bool, typer.Option("--alle", help="Vis også behandlede indsendelser.")] = False,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Vis indsendelserne, der venter (numre vises kun maskeret)."""
    with Store.from_settings(load_settings(config, db=db)) as store:
        service = store.selfservice()
        shown = service.submissions(() if alle else ("pending", "approved", "conflict"))
    if not shown:
        console.print("Ingen indsendelser venter." if not alle else "Ingen indsendelser endnu.")
        return
    table = Table(
        "Nr.", "Bruger", "Direkte", "Mobil", "Uden nummer – begrundelse", "Indsendt", "Status"
    )
    for s in shown:
        table.add_row(
            str(s.id),
            escape(s.user_id),
            s.direct_masked,
            s.mobile_masked,
            escape(s.reason),
            danish_datetime(s.submitted_at),
            STATUS_LABELS.get(s.status, s.status) + (f" ({escape(s.note)})" if s.note else ""),
        )
    console.print(table)


@selfservice_app.command("approve")
@guarded
def approve_command(
    ids: IdsArgument, by: ByOption = None, config: ConfigOption = None, db: DbOption = None
) -> None:
    """Godkend indsendelser. Et nummer skrives først ved 'apply'; 'uden nummer' bliver en accept."""
    with Store.from_settings(load_settings(config, db=db)) as store:
        for submission_id in ids:
            done = approve(store, submission_id, _who(by))
            what = (
                "accept gemt som beslutning" if done.kind == "no_number" else "skrives ved 'apply'"
            )
            console.print(
                f"[green]Godkendt[/green] nr. {done.id} ({escape(done.user_id)}): {what}."
            )


@selfservice_app.command("reject")
@guarded
def reject_command(
    ids: IdsArgument,
    reason: Annotated[str, typer.Option("--reason", help="Hvorfor (vises i webappen).")] = "",
    by: ByOption = None,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Afvis indsendelser; det krypterede nummer slettes med det samme."""
    with Store.from_settings(load_settings(config, db=db)) as store:
        for submission_id in ids:
            done = reject(store, submission_id, _who(by), reason)
            console.print(f"Afvist nr. {done.id} ({escape(done.user_id)}); nummeret er slettet.")


@selfservice_app.command("revoke")
@guarded
def revoke_command(
    holder: Annotated[str, typer.Argument(help="Brugernavnet, hvis links skal trækkes tilbage.")],
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Træk en medarbejders personlige links tilbage (de viser derefter den neutrale side)."""
    with Store.from_settings(load_settings(config, db=db)) as store:
        count = store.selfservice().revoke(holder.strip())
    console.print(f"{count} link(s) trukket tilbage for {escape(holder.strip())}.")


@selfservice_app.command("apply")
@guarded
def apply_command(
    really: Annotated[
        bool,
        typer.Option(
            "--apply/--dry-run",
            help="--apply skriver numrene; --dry-run (standard) viser kun, hvad der ville ske.",
        ),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Mappe til rettelsesfilerne, når målet er fixfiles."),
    ] = None,
    result: Annotated[
        Path | None,
        typer.Option(
            "--result",
            help="resultat.json til rettelsesfilerne (standard: den seneste kørsels).",
            dir_okay=False,
        ),
    ] = None,
    by: ByOption = None,
    config: ConfigOption = None,
    set_: SetOption = None,
    db: DbOption = None,
) -> None:
    """Skriv godkendte numre tilbage i det autoritative system (AD, OS2sofd eller rettelsesfiler).

    Standard er --dry-run. Før hver skrivning læses værdien igen: er den ændret, siden linket
    blev lavet, skrives intet (konflikt). Hver skrivning logges i historikken.
    """
    settings = load_settings(config, set_, db)
    target, _ = target_of(settings)
    with Store.from_settings(settings) as store:
        planned = apply_approved(
            store, settings, really=really, by=_who(by), out_dir=out, result_path=result
        )
    if not planned:
        console.print("Ingen godkendte numre venter på at blive skrevet.")
        return
    _print_planned(planned)
    if really:
        written = sum(1 for p in planned if p.outcome in ("written", "fix_file"))
        conflicts = sum(1 for p in planned if p.outcome == "conflict")
        console.print(
            f"{written} felter skrevet i {target}, {conflicts} konflikter. Alt er logget i "
            "historikken (se webappens side Selvbetjening)."
        )
    else:
        console.print(f"Prøvekørsel: intet er skrevet i {target}. Brug --apply for at skrive.")


def _print_planned(planned: list[Planned]) -> None:
    table = Table("Nr.", "Bruger", "Felt", "System", "Før", "Efter", "Resultat")
    for p in planned:
        outcome = OUTCOME_LABELS.get(p.outcome, p.outcome)
        if p.message and p.outcome == "failed":
            outcome += f": {p.message}"
        table.add_row(
            str(p.submission_id),
            escape(p.user_id),
            FIELD_LABELS[p.field],
            p.target,
            p.old_masked or "(tom)",
            p.new_masked,
            escape(outcome),
        )
    console.print(table)
