"""`telefonspor notify`: each responsible party its list, optionally each employee an e-mail."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from telefonspor.cli.app import (
    ConfigOption,
    DbOption,
    SetOption,
    app,
    console,
    err_console,
    guarded,
    load_settings,
)
from telefonspor.cli.fix_cmd import ResultArgument, SourceOption, load_input
from telefonspor.notify import Delivery, lists
from telefonspor.notify.compose import EMPLOYEE_KIND
from telefonspor.selfservice import links as selfservice_links
from telefonspor.settings import Key
from telefonspor.texts import party_label

_SHOWN_IDS = 5  # user ids per terminal line


@app.command("notify")
@guarded
def notify_command(
    result_file: ResultArgument,
    send: Annotated[
        bool,
        typer.Option(
            "--send/--dry-run",
            help="--send sender e-mails via SMTP; --dry-run (standard) skriver dem kun i --outbox.",
        ),
    ] = False,
    outbox: Annotated[
        Path, typer.Option("--outbox", help="Mappe til beskederne ved --dry-run (.eml-filer).")
    ] = Path("telefonspor-beskeder"),
    employees: Annotated[
        bool,
        typer.Option(
            "--employees",
            help="Skriv også til hver medarbejder uden nummer (årsag: mangler i kilden).",
        ),
    ] = False,
    source: SourceOption = None,
    config: ConfigOption = None,
    set_: SetOption = None,
    db: DbOption = None,
) -> None:
    """Send hver ansvarlig part sin liste over sager og evt. hver medarbejder en kort e-mail.

    Standard er --dry-run: beskederne skrives som .eml-filer, og intet sendes. Samme modtager
    får ikke en ny besked før efter notify.min_days_between dage (husket i historikken).
    """
    settings = load_settings(config, set_, db)
    result, decisions = load_input(result_file, settings, source)
    links: dict[str, str] = {}
    if employees and selfservice_links.enabled(settings):
        from telefonspor.store import Store

        with Store.from_settings(settings) as store:
            links = selfservice_links.issue_links(store, result, settings, decisions)
        console.print(
            f"{len(links)} personlige links til selvbetjening lavet (gyldige i "
            f"{settings.get(Key.SELFSERVICE_LINK_DAYS)} dage)."
        )
    planned = lists.plan(result, settings, decisions, employees=employees, links=links)
    for party in planned.missing_parties:
        err_console.print(
            f"[yellow]Ingen e-mailadresse til {escape(party_label(party))}[/yellow] – angiv den i "
            f'notify.parties ({escape(party)} = "...").'
        )
    if planned.missing_employees:
        err_console.print(
            f"[yellow]{len(planned.missing_employees)} medarbejdere har ingen e-mailadresse i "
            f"KLIK-eksporten:[/yellow] {escape(', '.join(planned.missing_employees))}"
        )
    lists.sender_for(settings, really=send)  # before anything is written
    if not planned.messages:
        console.print("Ingen beskeder at sende.")
        return

    from telefonspor.store import Store  # the store loads only when it is needed

    with Store.from_settings(settings) as store:
        done = lists.send(
            planned.messages, settings, store, really=send, outbox=outbox, report=_print
        )
    _summary(done, send, outbox)


def _print(delivery: Delivery) -> None:
    """One line per message: recipient, kind and user ids – never phone numbers."""
    message = delivery.message
    what = (
        "medarbejder"
        if message.kind == EMPLOYEE_KIND
        else " + ".join(party_label(p) for p in message.kind.split("+"))
    )
    verb = {"sent": "Sendt", "written": "Skrevet (prøvekørsel)", "recent": "Sprunget over"}[
        delivery.status
    ]
    note = " – fik en besked for nylig" if delivery.status == "recent" else ""
    ids = ", ".join(message.user_ids[:_SHOWN_IDS])
    if len(message.user_ids) > _SHOWN_IDS:
        ids += ", …"
    console.print(
        f"{verb}: {escape(message.recipient)} ({escape(what)}, {len(message.user_ids)} sager: "
        f"{escape(ids)}){note}"
    )


def _summary(done: list[Delivery], send: bool, outbox: Path) -> None:
    handled = sum(1 for d in done if d.status != "recent")
    skipped = len(done) - handled
    if send:
        console.print(f"{handled} e-mails sendt, {skipped} sprunget over.")
    else:
        console.print(
            f"Prøvekørsel: {handled} beskeder skrevet i {escape(str(outbox))}, {skipped} sprunget "
            "over. Intet er sendt; brug --send for at sende."
        )
