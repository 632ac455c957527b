"""`telefonspor statement` and `telefonspor national`: share figures, compare municipalities."""

from __future__ import annotations

import sys
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
    danish_number,
    err_console,
    guarded,
    load_settings,
)
from telefonspor.errors import InputError
from telefonspor.national import build_overview, write_overview
from telefonspor.national import statement as st
from telefonspor.national.municipalities import Municipality
from telefonspor.reports.atomic import write_text_atomic
from telefonspor.settings import Key, Settings

_LATEST = frozenset({"seneste", "latest"})


@app.command("statement")
@guarded
def statement(
    source: Annotated[
        str,
        typer.Argument(
            help="resultat.json fra 'telefonspor audit', eller nummeret på en gemt kørsel "
            "(fx 3; 'seneste' = den nyeste).",
            metavar="KØRSEL|RESULTAT.JSON",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Erklæringens fil; '-' skriver til skærmen."),
    ] = Path("erklaering.json"),
    municipality: Annotated[
        str | None,
        typer.Option(
            "--municipality",
            "-m",
            help="Kommunekode eller navn (fx 101 eller København). Standard: indstillingen "
            "audit.municipality_code, ellers kommunen i resultatet.",
        ),
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    overrides: SetOption = None,
) -> None:
    """Skriv en dækningserklæring: kun samlede tal for én kommune, ingen personoplysninger."""
    settings = load_settings(config, overrides, db)
    chosen = _chosen_municipality(municipality, settings)
    made = _statement(source, chosen, settings)
    text = st.dumps(made)
    if str(out) == "-":
        sys.stdout.write(text)
        return
    write_text_atomic(out, text)
    console.print(
        f"Erklæring for {escape(made.municipality.official_name)} "
        f"({made.municipality.code}) pr. {made.date}: "
        f"{danish_number(made.coverage_pct)} % af {made.roles} roller har telefonnummer."
    )
    console.print(f"Skrevet: {escape(str(out))}")


@app.command("national")
@guarded
def national(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Erklæringer (erklaering.json), resultater (resultat.json) og/eller en "
            "landsdækkende KLIK-eksport med kolonnen Kommune.",
            metavar="FIL...",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Mappe til landsoversigt.html, .xlsx og .json.")
    ] = Path("landsoversigt"),
    config: ConfigOption = None,
    overrides: SetOption = None,
) -> None:
    """Lav en landsoversigt over alle 98 kommuner: kort, rangering, regioner og årsager."""
    settings = load_settings(config, overrides)
    overview = build_overview(inputs, settings)
    paths = write_overview(overview, out)
    for warning in overview.warnings:
        err_console.print(f"[yellow]Advarsel:[/yellow] {escape(warning)}")
    total = overview.national
    coverage = (
        "ingen data"
        if total.coverage_pct is None
        else f"{danish_number(total.coverage_pct)} % af rollerne har telefonnummer"
    )
    console.print(
        f"Landsoversigt: {total.with_data} af {total.municipalities} kommuner har data; "
        f"hele landet {coverage}."
    )
    for path in paths:
        console.print(f"Skrevet: {escape(str(path))}")


def _chosen_municipality(option: str | None, settings: Settings) -> Municipality | None:
    if option:
        return st.resolve_municipality(option)
    code = settings.get(Key.AUDIT_MUNICIPALITY_CODE).strip()
    if code:
        return st.resolve_municipality(code, what="audit.municipality_code")
    name = settings.get(Key.AUDIT_MUNICIPALITY_NAME).strip()
    if name:
        return st.resolve_municipality(name, what="audit.municipality_name")
    return None


def _statement(source: str, chosen: Municipality | None, settings: Settings) -> st.Statement:
    path = Path(source)
    number = source.strip()
    is_number = number.isascii() and number.isdigit() and len(number) <= 18  # int() can read it
    is_run = number.lower() in _LATEST or (is_number and not path.exists())
    if not is_run:
        return st.from_result_json(st.read_json(path), chosen, origin=str(path))
    if chosen is None:
        raise InputError(
            "En gemt kørsel husker ikke kommunen. Angiv --municipality (fx 101) eller "
            "indstillingen audit.municipality_code."
        )
    from telefonspor.store import Store

    run_id = None if source.strip().lower() in _LATEST else int(source)
    with Store.from_settings(settings) as store:
        run = store.run(run_id)
    return st.from_run(run, chosen)
