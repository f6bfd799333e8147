"""The root `nir` command: global options, the command tree, and the one error handler."""

from __future__ import annotations

import sys
from importlib import import_module
from pathlib import Path
from typing import Any

import click

from nir_cli import __version__
from nir_cli.app import App
from nir_cli.commands.options import complete_profile
from nir_cli.errors import ExitCode, NirError

# name → module in nir_cli.commands holding a click command of the same name. Modules import
# only click and light stdlib-only parts at top level, so `nir --help` stays fast.
COMMANDS = {
    "init": "init",
    "person": "person",
    "register": "register",
    "history": "history",
    "registration": "registration",
    "municipalities": "municipalities",
    "completion": "completion",
    "import": "transfer",
    "export": "transfer",
    "overdue": "deadlines",
    "missing": "deadlines",
    "status": "deadlines",
    "report": "report",
    "registry": "registry",
    "auth": "auth",
    "sync": "sync",
    "conflicts": "sync",
    "users": "users",
    "sandbox": "sandbox",
}


class NirError2Click(click.ClickException):
    """A NirError on its way out: its message, its hint and its exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        # click declares exit_code as a class variable; each instance carries its own here.
        setattr(self, "exit_code", exit_code)  # noqa: B010

    def show(self, file: Any = None) -> None:
        from nir_cli.domain.identifiers import redact

        first, *rest = redact(self.message).splitlines() or [""]
        click.echo(f"Error: {first}", err=True)
        for line in rest:
            click.echo(f"  {line}", err=True)


class NirGroup(click.Group):
    """Loads each command module when it is asked for, and maps every error to an exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return None
        attr = cmd_name + "_" if cmd_name == "import" else cmd_name
        command = getattr(import_module(f"nir_cli.commands.{module}"), attr)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NirError as exc:
            raise NirError2Click(str(exc), int(exc.exit_code)) from exc
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if _debug(ctx):
                raise
            if _store_busy(exc):
                raise NirError2Click(
                    "the store is busy; try again in a moment", ExitCode.TEMPORARY_FAILURE
                ) from exc
            raise NirError2Click(
                f"unexpected error: {type(exc).__name__}: {exc}\n"
                "run again with --debug for the traceback, and report it",
                ExitCode.UNEXPECTED,
            ) from exc
        finally:
            app = ctx.find_object(App)
            if app is not None:
                app.close()


def _store_busy(exc: Exception) -> bool:
    """A SQLite lock timeout; sqlite3 is only imported once a command opened the store."""
    sqlite3 = sys.modules.get("sqlite3")
    return (
        sqlite3 is not None
        and isinstance(exc, sqlite3.OperationalError)
        and ("locked" in str(exc) or "busy" in str(exc))
    )


def _debug(ctx: click.Context) -> bool:
    app = ctx.find_object(App)
    return bool(app and app.debug)


@click.group(cls=NirGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="nir")
@click.option(
    "--profile",
    envvar="NIR_PROFILE",
    shell_complete=complete_profile,
    metavar="NAME",
    help="Profile to use (default: the config's default). [env: NIR_PROFILE]",
)
@click.option(
    "--db",
    envvar="NIR_DB",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Use this store file instead of the profile's. [env: NIR_DB]",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    envvar="NIR_QUIET",
    help="Only data and errors; no messages. [env: NIR_QUIET]",
)
@click.option(
    "-v", "--verbose", is_flag=True, envvar="NIR_VERBOSE", help="More messages. [env: NIR_VERBOSE]"
)
@click.option(
    "--debug",
    is_flag=True,
    envvar="NIR_DEBUG",
    help="Show tracebacks for unexpected errors. [env: NIR_DEBUG]",
)
@click.option(
    "--token-file",
    envvar="NIR_TOKEN_FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Registry token from this file (mode 0600). [env: NIR_TOKEN_FILE]",
)
@click.option(
    "--ca-bundle",
    envvar="NIR_CA_BUNDLE",
    type=click.Path(dir_okay=False),
    help="CA certificates for a registry with a private CA. [env: NIR_CA_BUNDLE]",
)
@click.pass_context
def cli(
    ctx: click.Context,
    profile: str | None,
    db: Path | None,
    quiet: bool,
    verbose: bool,
    debug: bool,
    token_file: Path | None,
    ca_bundle: str | None,
) -> None:
    """Keep a municipality's NIR registrations: participants, events, deadlines and sync.

    Data goes to stdout, messages to stderr. Exit codes are listed in docs/exit-codes.md.

    \b
    Example:
      nir init --municipality 5001 --place "Trondheim voksenopplæring"
      nir person add --duf 201212345603 --first-name Kari --last-name Nordmann \\
          --birth-date 1990-01-15 --residence-basis refugee --permit-date 2025-06-01
      nir register claim 201212345603 --date 2025-08-01 --scheme training
      nir history 201212345603
    """
    ctx.obj = App(
        profile_name=profile,
        db_path=db,
        quiet=quiet,
        verbose=verbose,
        debug=debug,
        token_file=token_file,
        ca_bundle=ca_bundle,
    )


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="nir")
