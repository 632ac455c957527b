"""Command line: a thin Typer adapter over the library, one module per command group."""

from __future__ import annotations

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
from telefonspor.cli.app import app


def main() -> None:
    # Secrets fetched at run time (tokens, keys) must never reach a log line.
    from telefonspor.sources.secrets import install_log_redaction

    install_log_redaction()
    app()


__all__ = ["app", "main"]
