"""The command line's own words in Danish: help, usage errors and "Aborted!".

Typer (0.29) vendors click with its English strings hard-coded and no translation catalogue.
Rather than fork it, :func:`install` replaces the few places where those words are made: the
help formatter's headings and usage prefix, the help option's text, the type names shown as
metavars, and the one-line report of a usage error (now one Danish line with a "did you mean"
and exit code 2). Every patch is checked by tests that read the real help and errors, so a
Typer upgrade that moves these places fails loudly instead of turning English again.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from typing import IO, Any, Final

import typer.core as typer_core
from rich.console import Console
from rich.markup import escape
from typer._click import core as click_core
from typer._click import exceptions as click_exceptions
from typer._click import formatting as click_formatting

#: typer.core's gettext messages.
_MESSAGES: Final = {
    "Options": "Valg",
    "Commands": "Kommandoer",
    "Arguments": "Argumenter",
    "default: {default}": "standard: {default}",
    "required": "påkrævet",
    "env var: {var}": "miljøvariabel: {var}",
    "(dynamic)": "(beregnes)",
    "Aborted!": "Afbrudt.",
    "Missing command.": "Angiv en kommando.",
}
#: The type names Typer shows as metavars, as a Danish user reads them.
_TYPES: Final = {
    "<list[str]>": "<tekst>",
    "<str>": "<tekst>",
    "<path>": "<sti>",
    "<file>": "<fil>",
    "<dir>": "<mappe>",
    "<int>": "<heltal>",
    "<float>": "<tal>",
    "<list[path]>": "<sti>",
}
HELP_TEXT: Final = "Vis denne hjælp og afslut."
#: Argument names as shown in usage lines and help (the Python names are English).
ARGUMENT_NAMES: Final = {
    "klik_export": "KLIK_EKSPORT",
    "run_id": "KØRSEL",
    "run_a": "FRA_KØRSEL",
    "run_b": "TIL_KØRSEL",
    "name": "NAVN",
    "result_json": "RESULTAT_JSON",
    "inputs": "FILER",
}
_NO_SUCH_COMMAND: Final = re.compile(r"No such command '(.+?)'\.")
_EXTRA: Final = re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)")
_NEEDS_VALUE: Final = re.compile(r"Option '(.+?)' requires (?:an argument|\d+ arguments)\.")

_err = Console(stderr=True, highlight=False)


def _translate(message: str) -> str:
    return _MESSAGES.get(message, message)


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.5)
    return f" Mente du »{close[0]}«?" if close else ""


def _invalid_value(message: str) -> str:
    lowered = message.lower()
    if "valid integer" in lowered:
        return "skal være et heltal"
    if "valid number" in lowered:
        return "skal være et tal"
    if "does not exist" in lowered:
        return "findes ikke"
    if "is a directory" in lowered:
        return "er en mappe, ikke en fil"
    if "is a file" in lowered:
        return "er en fil, ikke en mappe"
    if "not one of" in lowered or "valid choice" in lowered:
        return "er ikke en af de mulige værdier"
    return "er ugyldig"


def usage_line(exc: click_exceptions.UsageError) -> str:
    """One Danish line for a usage error, with a suggestion where one is close."""
    ctx = exc.ctx
    command = ctx.command_path if ctx is not None else "telefonspor"
    if isinstance(exc, click_exceptions.NoSuchOption):
        choices: list[str] = list(exc.possibilities or [])
        if ctx is not None:
            choices += [o for p in ctx.command.get_params(ctx) for o in p.opts if o.startswith("-")]
        where = f" til »{command}«" if ctx is not None and ctx.parent is not None else ""
        text = f"Ukendt valg »{exc.option_name}«{where}.{_suggest(exc.option_name, choices)}"
    elif isinstance(exc, click_exceptions.MissingParameter):
        param = exc.param
        if param is not None and param.param_type_name == "argument":
            text = f"Mangler argumentet {param.metavar or str(param.name or '').upper()}."
        elif param is not None:
            text = f"Mangler valget »{param.opts[0] if param.opts else param.name}«."
        else:
            text = "Mangler en værdi."
    elif isinstance(exc, click_exceptions.BadParameter):
        param = exc.param
        name = (param.opts[0] if param.opts else str(param.name or "").upper()) if param else ""
        reason = _invalid_value(str(exc.message))
        text = f"Værdien til »{name}« {reason}." if name else f"En værdi {reason}."
    else:
        message = exc.format_message()
        found = _NO_SUCH_COMMAND.search(message)
        extra = _EXTRA.search(message)
        needs = _NEEDS_VALUE.search(message)
        if found:
            names: list[str] = []
            if ctx is not None and isinstance(ctx.command, typer_core.TyperGroup):
                names = list(ctx.command.list_commands(ctx))
            text = f"Ukendt kommando »{found.group(1)}«.{_suggest(found.group(1), names)}"
        elif extra:
            text = f"Uventet ekstra argument: {extra.group(1)}."
        elif needs:
            text = f"Valget »{needs.group(1)}« skal have en værdi."
        elif message == "Missing command.":
            text = "Angiv en kommando."
        else:
            text = f"Forkert brug: {message}"
    return f"{text} Se '{command} --help'."


def _show_usage_error(self: click_exceptions.UsageError, file: IO[Any] | None = None) -> None:
    _err.print(f"[red]Fejl:[/red] {escape(usage_line(self))}", soft_wrap=True)


def _patch_method(cls: type, name: str, wrap: Callable[[Any], Any]) -> None:
    original = getattr(cls, name)
    if getattr(original, "_telefonspor_danish", False):
        return  # installed already (the CLI module imported twice in tests)
    patched = wrap(original)
    patched._telefonspor_danish = True
    setattr(cls, name, patched)


def install() -> None:
    """Make Typer's own words Danish (idempotent)."""
    typer_core._ = _translate  # type: ignore[attr-defined]

    def usage(original: Any) -> Any:
        def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
            args = args.replace("[OPTIONS]", "[VALG]").replace(
                "COMMAND [ARGS]...", "KOMMANDO [ARGUMENTER]..."
            )
            original(self, prog, args, "Brug: " if prefix is None else prefix)

        return write_usage

    _patch_method(click_formatting.HelpFormatter, "write_usage", usage)

    def help_option(original: Any) -> Any:
        def get_help_option(self: Any, ctx: Any) -> Any:
            option = original(self, ctx)
            if option is not None:
                option.help = HELP_TEXT
            return option

        return get_help_option

    _patch_method(click_core.Command, "get_help_option", help_option)

    def display_type(original: Any) -> Any:
        def danish_type(self: Any, ctx: Any) -> str:
            label = str(original(self, ctx))
            return _TYPES.get(label, label)

        return danish_type

    _patch_method(typer_core._TyperParameter, "display_type", display_type)

    def argument_init(original: Any) -> Any:
        def init(self: Any, *args: Any, **kwargs: Any) -> None:
            original(self, *args, **kwargs)
            if self.metavar is None and self.name:
                self.metavar = ARGUMENT_NAMES.get(self.name, self.name.upper())

        return init

    _patch_method(typer_core.TyperArgument, "__init__", argument_init)
    if not getattr(click_exceptions.UsageError.show, "_telefonspor_danish", False):
        _show_usage_error._telefonspor_danish = True  # type: ignore[attr-defined]
        click_exceptions.UsageError.show = _show_usage_error  # type: ignore[method-assign]


def debug_anywhere(args: list[str]) -> list[str]:
    """``--debug`` is a global option; accept it after the subcommand too by moving it first."""
    if "--debug" not in args:
        return args
    return ["--debug", *(a for a in args if a != "--debug")]


#: One line per command for the command lists, short enough never to be cut (click cuts the
#: docstring's first sentence at about 45 characters, mid-word or after "evt.").
SHORT_HELP: Final = {
    "audit": "Find roller uden nummer og spor årsagen.",
    "demo": "Kør en fuld analyse på en eksempelkommune.",
    "fix": "Lav rettelsesfiler til AD, OS2sofd m.fl.",
    "diff": "Vis hvad der er ændret mellem to kørsler.",
    "decide": "Gem en beslutning for én rolleindehaver.",
    "statement": "Skriv kommunens dækningserklæring.",
    "national": "Lav landsoversigten over 98 kommuner.",
    "notify": "Send hver ansvarlig sin liste over sager.",
    "settings": "Vis alle indstillinger og deres værdi.",
    "serve": "Start webappen.",
    "whatif": "Afprøv en rettelse på de samme data.",
    "task": "KLIK-opgavens fem trin.",
    "task status": "Vis opgavens fem trin og åbne sager.",
    "task decide": "Gem beslutningen for hele opgaven.",
    "task message": "Skriv beskeden til KOMBIT.",
    "task complete": "Markér opgaven som fuldført.",
    "history": "Vis de gemte kørsler.",
    "history delete": "Slet en kørsel, der blev gemt ved en fejl.",
    "sources": "Kontrollér kædens systemer.",
    "sources check": "Forbind til hvert system og læs én side.",
    "users": "Webappens lokale brugere.",
    "users add": "Opret en bruger til webappen.",
    "users link-oidc": "Kobl en bruger til organisationens login.",
    "users unlink-oidc": "Fjern koblingen til organisationens login.",
    "users password": "Giv en bruger en ny adgangskode.",
    "users list": "Vis webappens brugere.",
    "users remove": "Fjern en bruger fra webappen.",
    "selvbetjening": "Medarbejdernes egne numre: se og godkend.",
    "selvbetjening list": "Vis indsendelserne, der venter.",
    "selvbetjening approve": "Godkend indsendelser.",
    "selvbetjening reject": "Afvis indsendelser.",
    "selvbetjening revoke": "Træk personlige links tilbage.",
    "selvbetjening apply": "Skriv godkendte numre tilbage.",
}


def apply_short_helps(app: Any, prefix: str = "") -> list[str]:
    """Give every command its one-line help; the command paths that have none (for a test)."""
    missing: list[str] = []
    for info in app.registered_commands:
        name = info.name or info.callback.__name__.replace("_", "-")
        path = f"{prefix}{name}"
        if path in SHORT_HELP:
            info.short_help = SHORT_HELP[path]
        else:
            missing.append(path)
    for group in app.registered_groups:
        path = f"{prefix}{group.name}"
        if path in SHORT_HELP:
            group.short_help = SHORT_HELP[path]
        else:
            missing.append(path)
        missing += apply_short_helps(group.typer_instance, f"{path} ")
    return missing
