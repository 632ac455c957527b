"""`telefonspor sources check`: connect to every configured system and read one page."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from telefonspor.cli.app import ConfigOption, SetOption, app, console, guarded, load_settings
from telefonspor.errors import SourceError
from telefonspor.sources.check import CheckResult, check_sources
from telefonspor.sources.secrets import install_log_redaction

sources_app = typer.Typer(
    help="Kontrollér forbindelsen til kædens systemer (filer og live-kilder).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(sources_app, name="sources")

EXIT_NOT_OK = SourceError.exit_code  # 3: at least one system failed


def _yes_no(value: bool | None) -> str:
    if value is None:
        return "–"
    return "[green]ja[/green]" if value else "[red]nej[/red]"


def results_table(results: list[CheckResult]) -> Table:
    table = Table("System", "Kan nås", "Godkendt", "Poster set", "Tid (s)", "Besked")
    for r in results:
        table.add_row(
            escape(r.system),
            _yes_no(r.reachable),
            _yes_no(r.authenticated),
            str(r.records_seen),
            f"{r.seconds:.2f}",
            escape(r.message) if r.ok else f"[red]{escape(r.message)}[/red]",
        )
    return table


@sources_app.command("check")
@guarded
def check_command(config: ConfigOption = None, set_: SetOption = None) -> None:
    """Forbind til hvert system i kaede.toml, læs én side, og vis en tabel.

    Kolonner: system, kan nås, godkendt (login/nøgle accepteret), poster set og tid.
    En filkilde kontrolleres ved at læse filen. Slutkode 0 når alle systemer svarer
    korrekt, ellers 3.
    """
    install_log_redaction()
    settings = load_settings(config, set_)
    results = check_sources(settings)
    console.print(results_table(results))
    failed = [r for r in results if not r.ok]
    if failed:
        console.print(f"[red]{len(failed)} af {len(results)} systemer fejlede.[/red]")
        raise typer.Exit(EXIT_NOT_OK)
    console.print(f"[green]Alle {len(results)} systemer svarede korrekt.[/green]")
