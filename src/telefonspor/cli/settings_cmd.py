"""`telefonspor settings`: every setting with its default and meaning."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from telefonspor.cli.app import ConfigOption, SetOption, app, console, guarded, load_settings
from telefonspor.settings import SETTINGS


@app.command("settings")
@guarded
def settings_command(
    config: ConfigOption = None,
    set_: SetOption = None,
    as_json: bool = typer.Option(False, "--json", help="Skriv indstillingerne som JSON."),
) -> None:
    """Vis alle indstillinger med aktuel værdi, standardværdi og forklaring."""
    active = load_settings(config, set_)
    if as_json:
        print(json.dumps(dict(active.values), ensure_ascii=False, indent=2))
        return
    table = Table("Indstilling", "Værdi", "Standard", "Betydning")
    for spec in SETTINGS:
        value = active.get(spec)
        if spec.key.endswith("_env"):
            shown = str(value)
        else:
            shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
        table.add_row(spec.key, shown, json.dumps(spec.default, ensure_ascii=False), spec.help)
    console.print(table)
