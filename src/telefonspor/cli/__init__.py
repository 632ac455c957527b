"""Command line: a thin Typer adapter over the library, one module per command group."""

from __future__ import annotations

import sys

from telefonspor.cli import (  # noqa: F401  (importing registers the commands)
    audit_cmd,
    demo_cmd,
    fix_cmd,
    history_cmd,
    national_cmd,
    notify_cmd,
    selfservice_cmd,
    settings_cmd,
    sources_cmd,
    web_cmd,
    whatif_cmd,
)
from telefonspor.cli.app import app, report_internal_error
from telefonspor.cli.danish import apply_short_helps, debug_anywhere
from telefonspor.edge.quick_exit import exit_process

#: Commands without a one-line help (tests/cli/test_danish_cli.py asks for none).
WITHOUT_SHORT_HELP = apply_short_helps(app)


def main() -> None:
    # Secrets fetched at run time (tokens, keys) must never reach a log line.
    from telefonspor.sources.secrets import install_log_redaction

    install_log_redaction()
    try:
        app(args=debug_anywhere(sys.argv[1:]))
    except SystemExit as done:  # every command ends here (Click's standalone mode)
        exit_process(done.code)  # after an audit: without freeing its inputs one by one
    except Exception as exc:  # outside a command (callbacks, startup): still no traceback, 70
        sys.exit(report_internal_error(exc, debug="--debug" in sys.argv[1:]))


__all__ = ["app", "main"]
