"""The Typer app every command module registers on, and the one place that
turns :class:`TelefonsporError` into a red Danish line and an exit code."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import click
import typer
from rich.console import Console
from rich.markup import escape

from telefonspor import settings as settings_mod
from telefonspor.errors import TelefonsporError

app = typer.Typer(
    name="telefonspor",
    help=(
        "Find roller i KLIK uden brugbart telefonnummer, spor årsagen gennem kommunens "
        "systemer, og følg arbejdet til opgaven er løst."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


@dataclass
class CliState:
    debug: bool = False


@app.callback()
def root(
    ctx: typer.Context,
    debug: Annotated[
        bool, typer.Option("--debug", help="Vis det tekniske fejlspor (traceback) ved fejl.")
    ] = False,
) -> None:
    ctx.obj = CliState(debug=debug)


def _debug() -> bool:
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return False
    state = ctx.find_root().obj
    return isinstance(state, CliState) and state.debug


P = ParamSpec("P")
R = TypeVar("R")


def guarded(fn: Callable[P, R]) -> Callable[P, R]:
    """Translate our errors to one red line and the error's exit code."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except TelefonsporError as exc:
            if _debug():
                raise
            err_console.print(f"[red]Fejl:[/red] {escape(str(exc))}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err_console.print("[yellow]Afbrudt.[/yellow] Intet halvfærdigt er gemt.")
            raise typer.Exit(130) from None

    return wrapper


# Options shared by several commands.
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="Konfigurationsfil (TOML) med kæden af systemer og indstillinger, fx kaede.toml.",
        dir_okay=False,
    ),
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Ændr en indstilling for denne kørsel: navn=værdi (kan gentages), fx os2sync.version=3.0.",
    ),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database til kørselshistorik: sqlite:///sti.db eller postgresql://... "
        "(standard: indstillingen store.db, ellers SQLite i brugerens datamappe).",
    ),
]


def load_settings(
    config: Path | None, overrides: list[str] | None = None, db: str | None = None
) -> settings_mod.Settings:
    extra = list(overrides or [])
    if db:
        extra.append(f"store.db={db}")
    return settings_mod.load(config, overrides=extra)


def freeze_inputs() -> None:
    """Passed as ``after_read`` by one-shot commands: the records read live for the whole run and
    hold no reference cycles, so taking them out of the cyclic collector's sight saves it from
    rescanning hundreds of thousands of objects (about 40 % of a large run). Only at this edge:
    frozen objects are never freed, which a long-running web server cannot afford."""
    gc.freeze()


def danish_number(value: float, decimals: int = 1) -> str:
    """12345.6 -> '12.345,6': numbers on screen are written the Danish way."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
