"""The Typer app every command module registers on, and the one place that
turns :class:`TelefonsporError` into a red Danish line and an exit code.

Any other exception is a fault in telefonspor, not in the input: it ends with
:data:`EXIT_INTERNAL` (70, ``EX_SOFTWARE`` in sysexits.h) so monitoring never reads
a crash as low coverage (1) or bad input (2), and with one Danish line naming only
the exception's type (its message may hold personal data). ``--debug`` prints the
traceback first; the exit code stays the same.
"""

from __future__ import annotations

import functools
import gc
import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Final, ParamSpec, TypeVar

import click
import typer
from rich.console import Console
from rich.markup import escape

from telefonspor import settings as settings_mod
from telefonspor.cli import danish
from telefonspor.errors import TelefonsporError

#: Exit code for an unexpected exception (a fault in telefonspor): EX_SOFTWARE from sysexits.h.
EXIT_INTERNAL: Final = 70
#: Exit code when stdout's reader went away (128 + SIGPIPE, as the shell reports it).
EXIT_BROKEN_PIPE: Final = 141

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
    context_settings={"help_option_names": ["-h", "--help"]},
)
danish.install()

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


@dataclass
class CliState:
    debug: bool = False


#: This invocation's global options. Module state, not ``ctx.obj``: where the handler runs,
#: ``click.get_current_context()`` is None (click 8.5, Typer 0.29), so --debug had no effect.
STATE = CliState()


def _show_version(value: bool) -> None:
    if value:
        console.print(f"telefonspor {package_version()}")
        raise typer.Exit()


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("telefonspor")
    except PackageNotFoundError:  # run from a source tree without installing
        return "ukendt version"


@app.callback()
def root(
    ctx: typer.Context,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            help="Vis det tekniske fejlspor (traceback) ved fejl; kan også stå efter kommandoen.",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Vis telefonspors version og afslut.",
            is_eager=True,
            callback=_show_version,
        ),
    ] = False,
) -> None:
    STATE.debug = debug
    ctx.obj = STATE


def _debug() -> bool:
    return STATE.debug


P = ParamSpec("P")
R = TypeVar("R")


#: Exceptions that are Typer's/click's way to end a command (Typer >= 0.2x has its own).
_CLI_EXITS: Final = (
    typer.Exit,
    typer.Abort,
    typer.TyperException,
    click.exceptions.Exit,
    click.exceptions.Abort,
    click.ClickException,
)


def internal_error_line(exc: BaseException) -> str:
    """The Danish line for a fault in telefonspor: the exception's type, never its message."""
    return (
        f"Intern fejl i telefonspor ({type(exc).__name__}). Kør kommandoen igen med "
        "'telefonspor --debug ...' for at se detaljerne, og send dem til jeres leverandør."
    )


def report_internal_error(exc: BaseException, *, debug: bool) -> int:
    """Print the traceback (only with --debug) and the Danish line; the exit code to use."""
    if debug:
        sys.stderr.write("".join(traceback.format_exception(exc)))
        sys.stderr.flush()
    err_console.print(f"[red]Fejl:[/red] {escape(internal_error_line(exc))}", soft_wrap=True)
    return EXIT_INTERNAL


def guarded(fn: Callable[P, R]) -> Callable[P, R]:
    """Translate our errors to one red line and the error's exit code, anything else to 70."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except TelefonsporError as exc:
            if _debug():
                sys.stderr.write("".join(traceback.format_exception(exc)))
            err_console.print(f"[red]Fejl:[/red] {escape(str(exc))}", soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err_console.print("[yellow]Afbrudt.[/yellow] Intet halvfærdigt er gemt.")
            raise typer.Exit(130) from None
        except _CLI_EXITS:
            raise  # Typer's own exits and usage errors keep their codes
        except BrokenPipeError:
            # stdout was closed by the reader (`... --out - | head`): not a fault; end quietly
            # with the shell's code for SIGPIPE, and keep the final flush from failing again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(EXIT_BROKEN_PIPE) from None
        except Exception as exc:
            raise typer.Exit(report_internal_error(exc, debug=_debug())) from None

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
