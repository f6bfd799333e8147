"""nir users list|add|disable|reset-password: user administration in the registry."""

from __future__ import annotations

import sys

import click

from nir_cli.commands.app import App
from nir_cli.commands.options import emit_one, emit_rows, format_option, limit_option, pass_app
from nir_cli.core.i18n import _


@click.group()
def users() -> None:
    """Administer the registry users of your municipality (superusers and deputies).

    \b
    Example:
      nir users list
      nir users add 5001-KARI --role user --place Sentrum
      nir users disable 5001-KARI
    """


def _password(stdin: bool) -> str:
    if stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(click.prompt(_("New password"), hide_input=True, confirmation_prompt=True))


@users.command(name="list")
@format_option
@limit_option
@pass_app
def list_(app: App, /, fmt: str) -> None:
    """List the users of your municipality.

    \b
    Example:
      nir users list --format csv
    """
    emit_rows(app.client().users(), fmt, empty=_("no users"))


@users.command()
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice(["superuser", "deputy", "user", "transfer"]),
    default="user",
    show_default=True,
)
@click.option("--place", metavar="NAME", help="Place (default: yours).")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
@format_option
@pass_app
def add(
    app: App, /, username: str, role: str, place: str | None, password_stdin: bool, fmt: str
) -> None:
    """Create a user of your municipality, with a role below your own.

    The username starts with your municipality's number and a dash (5001-...).

    \b
    Example:
      nir users add 5001-KARI --role user --place Sentrum
      nir users add 5001-CRON --role transfer --password-stdin < password.txt
    """
    body = {
        "username": username,
        "role": role,
        "place": place,
        "password": _password(password_stdin),
    }
    emit_one(app.client().add_user(body), fmt)


@users.command()
@click.argument("username")
@format_option
@pass_app
def disable(app: App, /, username: str, fmt: str) -> None:
    """Disable a user below your own role; their tokens stop working at once.

    \b
    Example:
      nir users disable 5001-KARI
    """
    emit_one(app.client().disable_user(username), fmt)


@users.command(name="reset-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the new password from stdin.")
@format_option
@pass_app
def reset_password(app: App, /, username: str, password_stdin: bool, fmt: str) -> None:
    """Set a new password for a user of your municipality; their sessions and machine tokens
    end at once.

    \b
    Example:
      nir users reset-password 5001-KARI
    """
    emit_one(app.client().reset_password(username, _password(password_stdin)), fmt)


@users.command(name="set-role")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice(["deputy", "user", "transfer"]),
    required=True,
    help="The new role: below your own (a deputy gives user or transfer).",
)
@format_option
@pass_app
def set_role(app: App, /, username: str, role: str, fmt: str) -> None:
    """Give a user of your municipality another role below your own; their sessions and
    machine tokens end at once.

    \b
    Example:
      nir users set-role 5001-KARI --role transfer
    """
    emit_one(app.client().set_role(username, role), fmt)
