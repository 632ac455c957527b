"""`telefonspor fix`: ready-to-run fix files for the KLIK task's step 4 (never applied)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from telefonspor.cli.app import (
    ConfigOption,
    SetOption,
    app,
    console,
    freeze_inputs,
    guarded,
    load_settings,
)
from telefonspor.edge.quick_exit import keep_until_exit
from telefonspor.fixfiles import read_corrections, read_dns, write_fix_files
from telefonspor.model import Decision, Holders
from telefonspor.runs import load_run
from telefonspor.settings import Key, Settings, parse_source_option

ResultArgument = Annotated[
    Path,
    typer.Argument(
        help="resultat.json fra 'telefonspor audit' – eller KLIK-eksporten, så køres analysen "
        "først med --config/--source.",
        show_default=False,
    ),
]
SourceOption = Annotated[
    list[str] | None,
    typer.Option(
        "--source",
        "-s",
        help="Kun med en KLIK-eksport: et system i kæden som TYPE=STI (kan gentages).",
    ),
]


def load_input(
    path: Path, settings: Settings, source: list[str] | None
) -> tuple[Holders, dict[str, Decision]]:
    """A saved resultat.json (with its decisions), or a fresh audit of a KLIK export."""
    if path.suffix.lower() == ".json":
        loaded = load_run(path)
        return loaded, dict(loaded.decisions)
    from telefonspor.edge.run import audit_files  # the readers load only when an audit is run

    extra = tuple(parse_source_option(s) for s in source or [])
    result = audit_files(
        path,
        settings,
        sources=settings.sources + extra,
        after_read=freeze_inputs,
        processes=settings.get(Key.AUDIT_PROCESSES),
    )
    keep_until_exit(result)  # freed by the operating system at exit, not object by object
    return result, {}


@app.command("fix")
@guarded
def fix_command(
    result_file: ResultArgument,
    out: Annotated[Path, typer.Option("--out", "-o", help="Mappe til rettelsesfilerne.")] = Path(
        "telefonspor-rettelser"
    ),
    corrections: Annotated[
        Path | None,
        typer.Option(
            "--corrections",
            help="Rettelser i hånden (CSV eller Excel) med kolonnerne brugernavn;direkte;mobil.",
            dir_okay=False,
        ),
    ] = None,
    ad_export: Annotated[
        Path | None,
        typer.Option(
            "--ad-export",
            help="AD-eksport med SamAccountName og DistinguishedName (fx fra Get-ADUser | "
            "Export-Csv); giver dn til LDIF-filen.",
            dir_okay=False,
        ),
    ] = None,
    source: SourceOption = None,
    config: ConfigOption = None,
    set_: SetOption = None,
) -> None:
    """Lav rettelsesfiler (trin 4): AD-script, LDIF, OS2sofd-CSV og liste over medarbejdere.

    Filerne anvendes aldrig automatisk. ad-rettelser.ps1 kører med -WhatIf, indtil det
    startes med -Udfoer. Kun åbne sager kommer med; sager med beslutningen 'accept' springes over.
    """
    settings = load_settings(config, set_)
    result, decisions = load_input(result_file, settings, source)
    fixes = (
        read_corrections(corrections, placeholders=settings.get(Key.AUDIT_PLACEHOLDERS))
        if corrections is not None
        else None
    )
    dns = read_dns(ad_export) if ad_export is not None else None
    paths = write_fix_files(
        result, out, corrections=fixes, decisions=decisions, settings=settings, dns=dns
    )
    for path in paths:
        console.print(f"Skrevet: {escape(str(path))}")
    console.print(
        "Intet er ændret i systemerne. Læs filerne igennem, og kør AD-scriptet med -Udfoer, "
        "når ændringerne er godkendt."
    )
