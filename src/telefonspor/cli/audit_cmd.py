"""`telefonspor audit`: the KLIK task's steps 1-2 in one command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from telefonspor.cli.app import (
    ConfigOption,
    DbOption,
    SetOption,
    app,
    console,
    err_console,
    freeze_inputs,
    guarded,
    load_settings,
)
from telefonspor.cli.app import danish_number as _da
from telefonspor.cli.progress import DelayedProgress
from telefonspor.edge.quick_exit import keep_until_exit
from telefonspor.errors import ConfigError, InputError
from telefonspor.model import AuditResult
from telefonspor.reports.view import ranked_gains
from telefonspor.runs import make_run
from telefonspor.settings import SETTINGS, Key, Settings, parse_source_option
from telefonspor.sources.klik import HEADER_VARIANTS
from telefonspor.texts import (
    CAUSE_LABELS,
    FINDING_LABELS,
    NO_CHAIN_TEXT,
    NO_CHAIN_TITLE,
    PARTY_LABELS,
    plural,
)

EXIT_UNDER_THRESHOLD = 1


@app.command("audit")
@guarded
def audit_command(
    klik_export: Annotated[
        Path | None,
        typer.Argument(
            help="KLIK-brugereksporten (.xlsx, .xls eller .csv) fra KLIK → Brugerhåndtering → "
            "Eksportér. Kan udelades, når konfigurationsfilen har [klik] path.",
            show_default=False,
        ),
    ] = None,
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source",
            "-s",
            help="Et system i kæden som TYPE=STI (kan gentages): ad, opus, hr, os2sofd, os2mo, "
            "os2sync-db, fkorg. TYPE@POSITION=STI flytter systemets plads, fx ad@local=ad.csv.",
        ),
    ] = None,
    config: ConfigOption = None,
    set_: SetOption = None,
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help='Brug en bestemt kolonne i KLIK-eksporten: FELT="Overskrift" (kan gentages), '
            'fx --map direct="Tlf. arbejde". Felter: ' + ", ".join(HEADER_VARIANTS) + ".",
        ),
    ] = None,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Mappe til rapport.xlsx, rapport.html og resultat.json."),
    ] = Path("telefonspor-rapport"),
    json_out: Annotated[
        str | None,
        typer.Option(
            "--json", help="Skriv også resultatet som JSON til denne fil; '-' skriver til skærmen."
        ),
    ] = None,
    fail_under: Annotated[
        float | None,
        typer.Option(
            "--fail-under",
            help="Slut med kode 1, hvis rolle-dækningen i procent er under denne værdi (til overvågning).",
        ),
    ] = None,
    save: Annotated[
        bool,
        typer.Option(
            "--save",
            help="Gem kørslen i historikken (til diff, tendens, beslutninger og webappen); "
            "rettelsesfilerne skrives da også i mappen rettelser i --out.",
        ),
    ] = False,
    accept_drop: Annotated[
        bool,
        typer.Option(
            "--accept-drop",
            help="Gem kørslen, selvom rolleindehaverne er faldet til under det halve af forrige "
            "gemte kørsel (ellers holdes den tilbage som en sandsynligt forkert fil).",
        ),
    ] = False,
    db: DbOption = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Skriv kun fejl (til cron og planlagte kørsler).")
    ] = False,
) -> None:
    """Find roller i KLIK uden brugbart telefonnummer, og spor hvorfor.

    Læser KLIK-eksporten og de angivne systemer, vurderer hvert nummer, finder årsagen for hver
    rolleindehaver uden nummer og skriver rapport.xlsx, rapport.html og resultat.json.

    Slutkoder: 0 = ok, 1 = dækning under --fail-under, 2 = fejl i input eller brug,
    3 = et system kunne ikke læses, 4 = historikken kunne ikke læses/skrives.
    """
    if fail_under is not None and not 0 <= fail_under <= 100:
        raise InputError(
            f"--fail-under skal være en procent fra 0 til 100, ikke {_da(fail_under)}."
        )
    settings = _settings(config, set_, db, map_, source)
    if klik_export is None:
        if not settings.klik_path():
            raise ConfigError(
                "Angiv KLIK-eksporten: telefonspor audit klik.xlsx, eller [klik] path i kaede.toml."
            )
        klik_export = Path(settings.klik_path())
    # With JSON on stdout, everything for humans goes to stderr.
    screen = err_console if json_out == "-" else console
    with DelayedProgress(screen, enabled=not quiet) as progress:
        made = make_run(
            klik_export,
            settings,
            out,
            save=save,
            accept_drop=accept_drop,
            json_to=json_out,
            rerun=rerun_arguments(klik_export, config, source, map_, set_),
            progress=progress,
            after_read=freeze_inputs,
            processes=settings.get(Key.AUDIT_PROCESSES),
        )
    keep_until_exit(made)  # freed by the operating system at exit, not object by object
    result = made.result
    threshold = fail_under if fail_under is not None else settings.get(Key.AUDIT_FAIL_UNDER)
    if not quiet:
        print_summary(screen, result, list(made.reports))
        if made.run_id is not None:
            screen.print(f"Gemt som kørsel nr. {made.run_id} i {escape(made.store_label)}.")
    if made.held_back:
        # Printed even with --quiet, and exit 2: a scheduled run must not hide a wrong file.
        err_console.print(
            f"[red]Kørslen er ikke gemt:[/red] {escape(made.held_back)} Rapporterne er "
            "skrevet. Er filen rigtig, så gem kørslen med --accept-drop."
        )
        raise typer.Exit(2)
    if threshold and result.summary.coverage_pct < threshold:
        # Printed even with --quiet: a scheduled run that fails should say why.
        err_console.print(
            f"[red]Rolle-dækningen er {_da(result.summary.coverage_pct)} % – under grænsen på "
            f"{str(threshold).removesuffix('.0').replace('.', ',')} %.[/red]"
        )
        raise typer.Exit(EXIT_UNDER_THRESHOLD)


def rerun_arguments(
    klik_export: Path,
    config: Path | None,
    source: list[str] | None,
    map_: list[str] | None,
    set_: list[str] | None,
) -> tuple[str, ...]:
    """The arguments that read the same inputs again, with absolute paths so a command printed
    in a report runs from any folder (``whatif`` takes the same input options as ``audit``).

    None after ``--set``: whatif's own ``--set`` is the change it measures, so a run that was
    itself changed cannot be replayed by a printed command; the report then says it in words.
    """
    if set_:
        return ()
    args = [str(klik_export.resolve())]
    if config is not None:
        args += ["--config", str(config.resolve())]
    for item in source or []:
        kind, _, path = item.partition("=")
        args += ["--source", f"{kind}={Path(path.strip()).resolve()}"]
    for item in map_ or []:
        args += ["--map", item]
    return tuple(args)


def _settings(
    config: Path | None,
    set_: list[str] | None,
    db: str | None,
    map_: list[str] | None,
    source: list[str] | None,
) -> Settings:
    settings = load_settings(config, set_, db)
    for spec in SETTINGS:
        if spec.key.startswith("whatif.") and settings.get(spec) != spec.default:
            raise ConfigError(
                f"Indstillingen {spec.key} er kun til afprøvning: brug 'telefonspor whatif "
                f"--set {spec.key}=...' – en rigtig kørsel skal vise data, som de er."
            )
    return with_inputs(settings, map_, source)


def with_inputs(settings: Settings, map_: list[str] | None, source: list[str] | None) -> Settings:
    """``settings`` with the command line's ``--source`` systems and ``--map`` headers added."""
    extra = tuple(parse_source_option(s) for s in source or [])
    klik_map = dict(settings.klik_map)
    for item in map_ or []:
        field, sep, header = item.partition("=")
        field = field.strip()
        if not sep or field not in HEADER_VARIANTS or not header.strip():
            raise ConfigError(
                f"--map '{item}' skal skrives som FELT=\"Overskrift\", hvor FELT er en af: "
                f"{', '.join(HEADER_VARIANTS)}."
            )
        klik_map[field] = header.strip().strip('"')
    return Settings(settings.values, settings.sources + extra, klik_map, settings.config_path)


def print_summary(screen: Console, result: AuditResult, paths: list[Path]) -> None:
    """The terminal summary: the figures a KLIK administrator looks for first."""
    s = result.summary
    screen.print(
        f"[bold]Roller i KLIK:[/bold] {_da(s.roles, 0)}  ·  [bold]med brugbart nummer:[/bold] "
        f"{_da(s.roles_covered, 0)} ({_da(s.coverage_pct)} %)"
    )
    screen.print(
        f"[bold]Rolleindehavere:[/bold] {_da(s.role_holders, 0)}  ·  med nummer: {_da(s.covered_holders, 0)} "
        f"({_da(s.holder_coverage_pct)} %)  ·  direkte kontakt: {_da(s.direct_reach_holders, 0)}"
    )
    if s.users_without_roles:
        screen.print(f"Brugere uden roller (tæller ikke med): {_da(s.users_without_roles, 0)}")
    # The same ranked items, figures and rounding as the HTML report (view.ranked_gains).
    gains = ranked_gains(result)
    if gains:
        screen.print("[bold]Største gevinster[/bold] (se rapporten):")
    for number, (item, _) in enumerate(gains, start=1):
        screen.print(
            f"  {number}. {escape(item.title)}: +{_da(item.roles_gained, 0)} {plural(item.roles_gained, 'rolle', 'roller')} – "
            f"{escape(PARTY_LABELS.get(item.responsible, item.responsible))}"
        )
    if gains and s.roles > s.roles_covered:
        closed = gains[-1][1]
        changes = plural(len(gains), "ændring", "ændringer")
        screen.print(f"  [green]{len(gains)} {changes} lukker {_da(closed)} % af hullet.[/green]")
    if not result.sources and s.role_holders > s.covered_holders:
        screen.print(f"[yellow]{NO_CHAIN_TITLE}:[/yellow] {escape(NO_CHAIN_TEXT)}")
    if s.causes:
        table = Table("Årsag", "Personer", "Ansvarlig", title="Rolleindehavere uden nummer")
        parties: dict[str, dict[str, int]] = {}
        for h in result.holders:
            if h.cause:
                parties.setdefault(h.cause, {}).setdefault(h.responsible, 0)
                parties[h.cause][h.responsible] += 1
        for cause, count in s.causes.items():
            who = ", ".join(PARTY_LABELS.get(p, p) for p in sorted(parties.get(cause, {})))
            table.add_row(CAUSE_LABELS.get(cause, cause), str(count), who)
        screen.print(table)
    quality = {k: v for k, v in s.findings.items() if k != "missing"}
    if quality:
        screen.print(
            "Datakvalitet: "
            + ", ".join(f"{FINDING_LABELS.get(k, k).lower()} {v}" for k, v in quality.items())
        )
    for note in result.source_notes:
        screen.print(f"[yellow]Bemærk:[/yellow] {escape(note)}")
    for path in paths:
        screen.print(f"Rapport: {escape(str(path))}")
