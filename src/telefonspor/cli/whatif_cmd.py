"""`telefonspor whatif`: replay the diagnosis with changed settings, touching no system."""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from telefonspor.cli.app import ConfigOption, app, console, err_console, guarded, load_settings
from telefonspor.cli.app import danish_number as _da
from telefonspor.cli.audit_cmd import with_inputs
from telefonspor.cli.progress import DelayedProgress
from telefonspor.edge.run import read_inputs
from telefonspor.errors import ConfigError
from telefonspor.reports.atomic import write_text_atomic
from telefonspor.reports.view import gap_closed_pct
from telefonspor.scenario import ScenarioResult, run_scenario
from telefonspor.settings import Key, coerce, parse_assignments, toml_limit
from telefonspor.texts import CAUSE_LABELS, plural


@app.command("whatif")
@guarded
def whatif_command(
    klik_export: Annotated[Path, typer.Argument(help="KLIK-brugereksporten.", show_default=False)],
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Ændringen der afprøves, som navn=værdi (kan gentages), fx "
            "os2sofd.send_hidden_phone_numbers=true eller ad.direct_attribute=ipPhone.",
        ),
    ] = None,
    scenario: Annotated[
        Path | None,
        typer.Option(
            "--scenario",
            help='TOML-fil med ændringerne (samme tabeller som kaede.toml, fx [os2sync] version = "3.0").',
            dir_okay=False,
        ),
    ] = None,
    config: ConfigOption = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Et system i kæden som TYPE=STI.")
    ] = None,
    map_: Annotated[
        list[str] | None,
        typer.Option("--map", help='Brug en bestemt kolonne i KLIK-eksporten: FELT="Overskrift".'),
    ] = None,
    json_out: Annotated[
        str | None,
        typer.Option("--json", help="Skriv resultatet som JSON til fil; '-' til skærmen."),
    ] = None,
) -> None:
    """Hvad nu hvis? Afprøv en ændret indstilling på de samme data, uden at røre noget system.

    Viser dækningen før og efter, og hvilke rolleindehavere der ændrer sig.
    """
    base = with_inputs(load_settings(config), map_, source)
    assignments: dict[str, Any] = {}
    if scenario is not None:
        assignments.update(_scenario_file(scenario))
    assignments.update(parse_assignments(set_ or []))
    if not assignments:
        raise ConfigError("Angiv mindst én ændring med --set navn=værdi eller --scenario fil.toml.")
    screen = err_console if json_out == "-" else console
    with DelayedProgress(screen) as progress:
        klik, sources = read_inputs(
            klik_export, base, progress=progress, processes=base.get(Key.AUDIT_PROCESSES)
        )
        result = run_scenario(klik, sources, base, assignments)
    if json_out:
        text = json.dumps(scenario_json(result), ensure_ascii=False, indent=2)
        if json_out == "-":
            sys.stdout.write(text + "\n")
        else:
            write_text_atomic(Path(json_out), text + "\n")  # user ids: 0600 like the reports
    _print(screen, result)


def _scenario_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"Scenariefilen {path} findes ikke.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: ugyldig TOML ({exc}).") from exc
    except (ValueError, RecursionError) as exc:
        raise ConfigError(f"{path}: ugyldig TOML ({toml_limit(exc)}).") from exc
    out: dict[str, Any] = {}
    for section, table in data.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: '{section}' skal være en tabel ([{section}]).")
        for name, value in table.items():
            out[f"{section}.{name}"] = coerce(f"{section}.{name}", value)
    return out


def scenario_json(result: ScenarioResult) -> dict[str, Any]:
    def summary(s: Any) -> dict[str, Any]:
        return {
            "roles": s.roles,
            "roles_covered": s.roles_covered,
            "coverage_pct": s.coverage_pct,
            "role_holders": s.role_holders,
            "covered_holders": s.covered_holders,
            "causes": dict(s.causes),
        }

    return {
        "schema": "telefonspor/whatif/v1",
        "settings": result.assignments,
        "before": summary(result.before.summary),
        "after": summary(result.after.summary),
        "roles_gained": result.roles_gained,
        "changed": [
            {
                "user_id": c.user_id,
                "roles": c.roles,
                "covered_before": c.covered_before,
                "covered_after": c.covered_after,
                "cause_before": c.cause_before,
                "cause_after": c.cause_after,
            }
            for c in result.changes
        ],
    }


def _print(screen: Any, result: ScenarioResult) -> None:
    b, a = result.before.summary, result.after.summary
    changes = ", ".join(
        f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in result.assignments.items()
    )
    screen.print(f"[bold]Ændring:[/bold] {escape(changes)}")
    screen.print(
        f"Rolle-dækning før: {_da(b.roles_covered, 0)} af {_da(b.roles, 0)} ({_da(b.coverage_pct)} %)  →  "
        f"efter: {_da(a.roles_covered, 0)} af {_da(a.roles, 0)} ({_da(a.coverage_pct)} %)"
    )
    gap = b.roles - b.roles_covered
    share = gap_closed_pct(result.roles_gained, gap)  # rounded as the reports round it
    screen.print(
        f"[green]{result.roles_gained:+d} {plural(abs(result.roles_gained), 'rolle', 'roller')}[/green] ({_da(share)} % af hullet), "
        f"{len(result.changes)} {plural(len(result.changes), 'rolleindehaver', 'rolleindehavere')} ændrer sig."
    )
    if result.changes:
        table = Table("Bruger", "Roller", "Før", "Efter", title="Rolleindehavere der ændrer sig")
        for c in result.changes[:50]:
            before = "dækket" if c.covered_before else CAUSE_LABELS.get(c.cause_before or "", "")
            after = "dækket" if c.covered_after else CAUSE_LABELS.get(c.cause_after or "", "")
            table.add_row(escape(c.user_id), str(c.roles), before, after)
        screen.print(table)
        if len(result.changes) > 50:
            screen.print(f"… og {len(result.changes) - 50} flere (se --json).")
