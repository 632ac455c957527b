"""`telefonspor serve` and `telefonspor users ...`: the web app and its local accounts."""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from telefonspor.cli.app import (
    ConfigOption,
    DbOption,
    app,
    console,
    err_console,
    guarded,
    load_settings,
)
from telefonspor.errors import ConfigError, InputError
from telefonspor.hints import command
from telefonspor.localtime import short_datetime
from telefonspor.settings import Key, Settings

users_app = typer.Typer(
    help="Lokale brugere til webappen (adgangskoder gemmes som argon2-hash).",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def auth_configured(settings: Settings, users: int) -> bool:
    return users > 0 or bool(settings.get(Key.WEB_OIDC_ISSUER))


@app.command("serve")
@guarded
def serve_command(
    host: Annotated[
        str,
        typer.Option(
            "--host", help="Adresse webappen lytter på; andet end 127.0.0.1 kræver brugere."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port webappen lytter på.")] = 8000,
    db: DbOption = None,
    config: ConfigOption = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help="Mappe til webkørslernes rapporter og uploads (standard: mappen 'web' ved databasen).",
        ),
    ] = None,
) -> None:
    """Start webappen (Overblik, Roller uden telefon, Kørsler, Ny kørsel ...) i browseren."""
    import uvicorn

    from telefonspor.web import create_app
    from telefonspor.web.accounts import Accounts

    settings = load_settings(config, None, db)
    accounts = Accounts.open(settings.db_url(), settings)
    try:
        users = len(accounts.all())
    finally:
        accounts.close()
    # The same --db/--config, or the user lands in another database and cannot log in.
    add_user = command("users", "add", "NAVN", "--role", "admin", db=db, config=config)
    if not is_loopback(host) and not auth_configured(settings, users):
        raise ConfigError(
            f"Webappen må kun lytte på {host}, når der er sat login op. Opret først en "
            f"administrator med '{add_user}' (eller sæt "
            "web.oidc_issuer), eller brug --host 127.0.0.1."
        )
    if users == 0:
        err_console.print(
            "[yellow]Der er ingen brugere endnu.[/yellow] Opret en med "
            f"{escape(add_user)} for at kunne logge ind."
        )
    web_app = create_app(settings, data_dir=data_dir)
    shown = f"[{host}]" if ":" in host else host
    console.print(f"Webappen kører på http://{escape(shown)}:{port}/ – stop med Ctrl+C.")
    uvicorn.run(web_app, host=host, port=port, proxy_headers=True, log_level="warning")


@users_app.command("add")
@guarded
def users_add(
    name: Annotated[str, typer.Argument(help="Brugernavn, fx ksn eller kirsten@kommune.dk.")],
    role: Annotated[
        str,
        typer.Option(
            "--role", help="admin (må uploade, beslutte og sende) eller viewer (kun læse)."
        ),
    ] = "viewer",
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Læs adgangskoden fra standard input (én linje)."),
    ] = False,
    oidc: Annotated[
        bool,
        typer.Option(
            "--oidc",
            help="Kun log ind med organisationens konto (OpenID Connect) som NAVN; "
            "ingen adgangskode.",
        ),
    ] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Opret en bruger til webappen; adgangskoden spørges om to gange."""
    from telefonspor.web.accounts import Accounts, check_name

    check_name(name)
    if role not in {"admin", "viewer"}:
        raise InputError(f"--role skal være admin eller viewer, ikke '{role}'.")
    password: str | None = None
    if oidc and password_stdin:
        raise InputError("Brug enten --oidc eller --password-stdin, ikke begge.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not oidc:
        try:
            password = typer.prompt("Adgangskode", hide_input=True, confirmation_prompt="Gentag")
        except typer.Abort:
            # EOF without a terminal (cron, a pipe) or Ctrl+C: click would say "Aborted!".
            raise InputError(
                "Ingen adgangskode givet, så brugeren er ikke oprettet. Uden terminal: giv "
                "adgangskoden på standard input med --password-stdin (én linje)."
            ) from None
    settings = load_settings(config, None, db)
    accounts = Accounts.open(settings.db_url(), settings)
    try:
        accounts.add(name, role, password, oidc=name if oidc else "")
    finally:
        accounts.close()
    how = " (log ind med organisationens konto)" if oidc else ""
    console.print(f"Brugeren {escape(name)} er oprettet som {role}{how}.")


@users_app.command("link-oidc")
@guarded
def users_link_oidc(
    name: Annotated[str, typer.Argument(help="Brugeren i telefonspor.")],
    identity: Annotated[
        str,
        typer.Option(
            "--identity",
            help="Identiteten hos udstederen (preferred_username eller bekræftet e-mail); "
            "standard: NAVN.",
        ),
    ] = "",
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Kobl en bruger til organisationens login (OpenID Connect)."""
    from telefonspor.web.accounts import Accounts

    accounts = Accounts.open(load_settings(config, None, db).db_url())
    try:
        linked = accounts.link_oidc(name, identity or name)
    finally:
        accounts.close()
    console.print(
        f"Brugeren {escape(name)} kan nu logge ind med organisationens konto som {escape(linked)}."
    )


@users_app.command("unlink-oidc")
@guarded
def users_unlink_oidc(
    name: Annotated[str, typer.Argument(help="Brugeren i telefonspor.")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Fjern koblingen til organisationens login; brugerens adgangskode (om nogen) virker stadig."""
    from telefonspor.web.accounts import Accounts

    accounts = Accounts.open(load_settings(config, None, db).db_url())
    try:
        accounts.unlink_oidc(name)
    finally:
        accounts.close()
    console.print(f"Brugeren {escape(name)} er ikke længere koblet til organisationens login.")


@users_app.command("password")
@guarded
def users_password(
    name: Annotated[str, typer.Argument(help="Brugernavnet der får en ny adgangskode.")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Læs adgangskoden fra standard input (én linje)."),
    ] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Giv en bruger en ny adgangskode; brugerens sessioner i webappen logges ud med det samme."""
    from telefonspor.web.accounts import Accounts, check_password

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Ny adgangskode", hide_input=True, confirmation_prompt="Gentag")
    check_password(password)
    settings = load_settings(config, None, db)
    accounts = Accounts.open(settings.db_url(), settings)
    try:
        accounts.set_password(name, password)
    finally:
        accounts.close()
    console.print(
        f"Brugeren {escape(name)} har fået en ny adgangskode; alle brugerens sessioner er logget ud."
    )


@users_app.command("list")
@guarded
def users_list(db: DbOption = None, config: ConfigOption = None) -> None:
    """Vis webappens brugere."""
    from telefonspor.web.accounts import ROLE_LABELS, Accounts

    settings = load_settings(config, None, db)
    accounts = Accounts.open(settings.db_url(), settings)
    try:
        rows = accounts.all()
    finally:
        accounts.close()
    if not rows:
        console.print(
            "Der er ingen brugere. Opret en med 'telefonspor users add NAVN --role admin'."
        )
        return
    table = Table("Bruger", "Rolle", "Oprettet", "Organisationens login")
    for account in rows:
        table.add_row(
            account.name,
            ROLE_LABELS.get(account.role, account.role),
            short_datetime(account.created_at),
            account.oidc_identity or "–",
        )
    console.print(table)


@users_app.command("remove")
@guarded
def users_remove(
    name: Annotated[str, typer.Argument(help="Brugernavnet der skal fjernes.")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Fjern en bruger; brugerens sessioner stopper ved næste klik."""
    from telefonspor.web.accounts import Accounts

    settings = load_settings(config, None, db)
    accounts = Accounts.open(settings.db_url(), settings)
    try:
        accounts.remove(name)
    finally:
        accounts.close()
    console.print(f"Brugeren {escape(name)} er fjernet.")
