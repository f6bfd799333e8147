"""nir auth login|logout|status|token|machine-token: credentials for the registry."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from nir_cli.commands.app import App
from nir_cli.commands.options import (
    emit_one,
    emit_rows,
    format_option,
    limit_option,
    pass_app,
    say,
)
from nir_cli.core.i18n import _


@click.group()
def auth() -> None:
    """Log in to the central registry and manage the token.

    The token is looked up in this order: --token-file / NIR_TOKEN_FILE (mode 0600), NIR_TOKEN,
    the system keyring. Cron uses a token file: see docs/cron.md.

    \b
    Example:
      nir auth login --username 5001-BJO
      nir auth status
      nir auth machine-token nightly --output nightly.token
    """


def _password(stdin: bool) -> str:
    if stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(click.prompt(_("Password"), hide_input=True))


@auth.command()
@click.option("--username", "-u", help="Registry username (asked for when left out).")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin (scripts).")
@click.option(
    "--save-to",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the token to this file (mode 0600) instead of the keyring.",
)
@pass_app
def login(app: App, /, username: str | None, password_stdin: bool, save_to: Path | None) -> None:
    """Log in; the token is kept in the system keyring once the registry accepted it.

    Where there is no keyring (servers, SSH), --save-to writes it to a token file instead and
    records that file in the profile, so later commands find it. Without --save-to the keyring
    is checked before the password is asked for.

    \b
    Example:
      nir auth login --username 5001-BJO
      printf '%s\\n' "$PW" | nir auth login -u 5001-BJO --password-stdin
      nir auth login -u 5001-BJO --save-to session.token
    """
    credentials = app.credentials()
    if save_to is None:
        credentials.check_keyring()
    username = username or str(click.prompt(_("Username")))
    client = app.client(authenticated=False)
    token = client.login(username, _password(password_stdin))
    if save_to is not None:
        credentials.save_file(save_to, token.access_token)
        credentials.record_file(save_to.resolve())
        message = _(
            "Logged in to {registry} as {username}; the token is in {path} (the profile now "
            "uses it) until {expires}."
        )
        path: Path | None = save_to
    else:
        path = _keep(app, token.access_token)
        if path is None:
            message = _(
                "Logged in to {registry} as {username}; the token is in the keyring until "
                "{expires}."
            )
        else:
            message = _(
                "Logged in to {registry} as {username}; the token is in {path} until {expires}."
            )
    say(
        app,
        message.format(
            registry=app.registry_url(), username=username, path=path, expires=token.expires_at
        ),
    )


def _keep(app: App, token: str) -> Path | None:
    """The keyring (None); for a sandbox profile on a machine without one, the sandbox's token
    file, said so."""
    path = app.credentials().keep(token)
    if path is not None:
        say(
            app,
            _(
                "There is no keyring on this machine; as this is a sandbox profile, the token "
                "is kept in {path} (mode 0600). Other profiles need --save-to or a keyring."
            ).format(path=path),
        )
    return path


@auth.command()
@pass_app
def logout(app: App, /) -> None:
    """Revoke the token at the registry and forget it here.

    \b
    Example:
      nir auth logout
    """
    from nir_cli.core.errors import NirError

    try:
        app.client().logout()
    except NirError as exc:
        say(
            app,
            _("The registry did not revoke the token ({reason}); forgetting it here.").format(
                reason=exc.message
            ),
        )
    forgot = app.credentials().forget()
    say(app, _("Logged out.") if forgot else _("No token in the keyring; nothing to forget."))


@auth.command()
@format_option
@pass_app
def status(app: App, /, fmt: str) -> None:
    """Who you are at which registry, and where the token came from (never the token).

    Exits 4 when not logged in.

    \b
    Example:
      nir auth status
      nir auth status --format json
    """
    token = app.token()
    me = app.client().me()
    emit_one(
        {
            "registry": app.registry_url(),
            "username": me.username,
            "municipality": me.municipality,
            "place": me.place,
            "role": me.role.value,
            "token_source": _source_in_words(token.source, fmt),
            "token_expires_at": me.token_expires_at,
        },
        fmt,
    )


@auth.command()
@pass_app
def token(app: App, /) -> None:
    """Print the token, for scripts. Treat the output as a password.

    \b
    Example:
      nir auth token > /dev/null && echo "a token is there"
      curl -H "Authorization: Bearer $(nir auth token)" https://nir.example.no/v1/me
    """
    click.echo(app.token().value)


@auth.command()
@format_option
@limit_option
@pass_app
def tokens(app: App, /, fmt: str) -> None:
    """List your live tokens at the registry: sessions and named machine tokens (never the
    tokens themselves).

    \b
    Example:
      nir auth tokens
      nir auth tokens --format json
    """
    emit_rows(app.client().tokens(), fmt, empty=_("no live tokens"))


@auth.command()
@click.argument("name")
@pass_app
def revoke(app: App, /, name: str) -> None:
    """Revoke a named machine token at once (a cron job using it gets exit 4 from then on).

    \b
    Example:
      nir auth revoke nightly
    """
    app.client().revoke_token(name)
    say(app, _("Revoked machine token {name!r}.").format(name=name))


@auth.command(name="machine-token")
@click.argument("name")
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Token file to write (mode 0600).",
)
@click.option(
    "--days",
    type=click.IntRange(1, 3650),
    help="How long it lives [default: as long as the registry allows, 365 days unless its "
    "operator chose otherwise].",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin (scripts).")
@pass_app
def machine_token(
    app: App, /, name: str, output: Path, days: int | None, password_stdin: bool
) -> None:
    """Create a named long-lived token for cron and write it to a token file (mode 0600).

    Asks for your password again: only a person logged in (not another machine token) makes
    one, so a stolen session cannot make a token that outlives it. Creating one with the same
    name again replaces (and revokes) the old one.

    \b
    Example:
      nir auth machine-token nightly --output nightly.token --days 365
      nir --token-file nightly.token sync --quiet
    """
    made = app.client().machine_token(name, days, _password(password_stdin))
    app.credentials().save_file(output, made.access_token)
    say(
        app,
        _("Wrote machine token {name!r} to {path} (valid until {expires}).").format(
            name=name, path=output, expires=made.expires_at
        ),
    )


def _source_in_words(source: str, fmt: str) -> str:
    """Where the token came from, in the reader's words in a table (a script reads the code:
    "keyring", "NIR_TOKEN", "token file PATH")."""
    from nir_cli.commands.options import output_format
    from nir_cli.core.render import Format

    if output_format(fmt) is not Format.TABLE:
        return source
    for prefix, words in (
        ("sandbox token file ", _("the sandbox's token file {path}")),
        ("token file ", _("the token file {path}")),
    ):
        if source.startswith(prefix):
            return words.format(path=source.removeprefix(prefix))
    return _("the keyring") if source == "keyring" else source
