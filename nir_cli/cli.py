"""The root `nir` command: global options, the command tree, and the one error handler."""

from __future__ import annotations

import os
import sys
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from nir_cli.commands import verbose as verbose_log
from nir_cli.commands.app import App
from nir_cli.commands.groups import Language, SuggestingGroup, localize
from nir_cli.core import i18n
from nir_cli.core.i18n import N_, _

if TYPE_CHECKING:
    from nir_cli.core.errors import NirError

# name → module in nir_cli.commands holding a click command of the same name. Modules import
# only click and light stdlib-only parts at top level, so `nir --help` stays fast.
COMMANDS: dict[str, tuple[str, str]] = {
    # name: (module in nir_cli.commands, the one line `nir --help` shows). The line is kept
    # here so that `nir --help` imports no command module; a test keeps it equal to the help.
    "auth": ("auth", N_("Log in to the central registry and manage the token.")),
    "completion": ("completion", N_("Print the completion script for SHELL.")),
    "conflicts": ("sync", N_("Conflicts the registry reported: list, show and resolve them.")),
    "export": (
        "transfer",
        N_("Export persons or registrations as CSV or JSON, with the columns nir import reads."),
    ),
    "history": ("history", N_("Show a person's registrations with their deadline and sync state.")),
    "import": ("transfer", N_("Import persons or registrations from a CSV file (- reads stdin).")),
    "init": ("init", N_("Create a profile and its local store.")),
    "missing": (
        "deadlines",
        N_(
            "List data-consistency findings: which registration each person lacks, since "
            "when, and the deadline it breaks."
        ),
    ),
    "municipalities": (
        "municipalities",
        N_("List the municipalities valid since 1 Jan 2024, or those matching SEARCH."),
    ),
    "overdue": (
        "deadlines",
        N_("List registrations past their two-month deadline that the registry has not accepted."),
    ),
    "person": ("person", N_("Register and look up participants.")),
    "profile": ("profile", N_("Show the profiles and choose the default one.")),
    "register": (
        "register",
        N_("Record a registration (an event) for a person: nir register KIND PERSON --date DATE."),
    ),
    "rejected": (
        "sync",
        N_("List the records the registry refused, why, and the command that fixes each."),
    ),
    "registration": (
        "registration",
        N_("Look at, correct or withdraw one registration by its id (or its short id)."),
    ),
    "registry": (
        "registry",
        N_("Run the reference central registry (the sandbox and every sync test use it)."),
    ),
    "report": (
        "report",
        N_("Show a report: overview, results, target-groups, programme, grant-base or timeliness."),
    ),
    "sandbox": (
        "sandbox",
        N_("The training sandbox: a local registry with a test user and synthetic participants."),
    ),
    "sql": ("sql", N_("Run a read-only SQL query against the profile's store (sqlite-utils).")),
    "status": (
        "deadlines",
        N_("Show what is pending, overdue, due soon, missing, and when the last sync ran."),
    ),
    "sync": (
        "sync",
        N_("Send pending registrations to the registry in batches, then fetch its changes."),
    ),
    "users": (
        "users",
        N_("Administer the registry users of your municipality (superusers and deputies)."),
    ),
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
        click.echo(_("Error: {message}").format(message=first), err=True)
        for line in rest:
            click.echo(f"  {line}", err=True)


class NirGroup(SuggestingGroup):
    """Loads each command module when it is asked for, and maps every error to an exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = COMMANDS[cmd_name][0]
        attr = cmd_name + "_" if cmd_name == "import" else cmd_name
        command = getattr(import_module(f"nir_cli.commands.{module}"), attr)
        assert isinstance(command, click.Command)
        return localize(command)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from COMMANDS, without importing a single command module."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, _shorten(_(line), limit)) for name, (__, line) in sorted(COMMANDS.items())]
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)

    def main(  # type: ignore[override]  # click's overloads, passed on as they came
        self, args: Any = None, prog_name: str | None = None, **extra: Any
    ) -> Any:
        """Choose the language before click says a word (a usage error, --help)."""
        argv = list(sys.argv[1:] if args is None else args)
        i18n.use(_language_for(argv))
        extra.setdefault("terminal_width", _help_width())
        return super().main(args=argv, prog_name=prog_name, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        # Here, not at the top: `nir --help` never invokes, so it does not load the errors.
        from nir_cli.core.errors import ExitCode, FieldProblem, NirError

        try:
            return super().invoke(ctx)
        except FieldProblem as exc:  # the core names the field; here it is the option
            from nir_cli.commands.wording import worded_as_options

            message = worded_as_options(exc)
            if exc.hint:
                message += f"\n{exc.hint}"
            raise NirError2Click(message, int(exc.exit_code)) from exc
        except NirError as exc:
            app = ctx.find_object(App)
            if exc.exit_code is ExitCode.TEMPORARY_FAILURE and app is not None and app.quiet:
                # "Try later", from cron: silent under --quiet; a sync keeps the reason in
                # its log (nir sync log), and the exit code says it.
                raise click.exceptions.Exit(int(exc.exit_code)) from exc
            raise NirError2Click(str(exc), int(exc.exit_code)) from exc
        except KeyboardInterrupt as exc:
            raise NirError2Click(
                _("interrupted: what was not finished was not kept"), ExitCode.INTERRUPTED
            ) from exc
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if _debug(ctx):
                raise
            said = _store_failure(exc, ctx)
            if said is not None:
                raise NirError2Click(str(said), int(said.exit_code)) from exc
            raise NirError2Click(
                _(
                    "unexpected error: {error}\n"
                    "run again with --debug for the traceback, and report it"
                ).format(error=f"{type(exc).__name__}: {exc}"),
                ExitCode.UNEXPECTED,
            ) from exc
        finally:
            app = ctx.find_object(App)
            if app is not None:
                app.close()


def _help_width() -> int:
    """The width click's help would find, without the `shutil` import it pays for it (a few
    ms of every `nir --help`): $COLUMNS, else the terminal's, else 80; at most 80, less 2."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 80
    return max(min(columns, 80) - 2, 50)


def _option_value(argv: list[str], names: tuple[str, ...]) -> str | None:
    """The value of the first of `names` on the command line (`--lang nb`, `--lang=nb`)."""
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        for name in names:
            if arg == name and index + 1 < len(argv):
                return argv[index + 1]
            if arg.startswith(name + "="):
                return arg.split("=", 1)[1]
    return None


def _language_for(argv: list[str]) -> str:
    """--lang, NIR_LANG, the profile's language, the locale: read before click parses, so
    that a usage error and --help are already in the language asked for."""
    flag = _option_value(argv, ("--lang",))
    if flag is None and not os.environ.get("NIR_LANG"):
        return i18n.choose(profile_language=_profile_language(argv))
    return i18n.choose(flag)


def _profile_language(argv: list[str]) -> str | None:
    """The language set in the profile in use, if any; a config nir cannot read is said by the
    command that needs it, not here."""
    from nir_cli.core import paths

    if not paths.config_file().exists():
        return None
    from nir_cli.core import config
    from nir_cli.core.errors import NirError

    try:
        found = config.load()
        name = _option_value(argv, ("--profile",)) or os.environ.get("NIR_PROFILE")
        profile = found.profiles.get(name or found.default_profile or "")
    except NirError:
        return None
    return profile.language if profile is not None else None


def _shorten(line: str, limit: int) -> str:
    """The line, or as many words as fit followed by '...'."""
    if len(line) <= limit:
        return line
    return line[: max(limit - 3, 1)].rsplit(" ", 1)[0].rstrip(",:;") + "..."


def _complete_profile(ctx: click.Context, param: click.Parameter, text: str) -> list[Any]:
    from nir_cli.commands.options import complete_profile

    return complete_profile(ctx, param, text)


def _store_failure(exc: Exception, ctx: click.Context) -> NirError | None:
    """A store that is busy, full or damaged, said plainly; sqlite3 is only imported once a
    command opened the store."""
    sqlite3 = sys.modules.get("sqlite3")
    if sqlite3 is None or not isinstance(exc, sqlite3.DatabaseError):
        return None
    from nir_cli.core.errors import NirError, StoreUnusable
    from nir_cli.core.sqlite_file import store_error

    app = ctx.find_object(App)
    path = (app.open_store_path() if app is not None else None) or Path(_("the store"))
    if isinstance(exc, sqlite3.OperationalError):
        said = store_error(exc, path)
        return said if isinstance(said, NirError) else None
    if isinstance(exc, sqlite3.IntegrityError):
        return None
    return StoreUnusable(
        _("{path} is damaged ({error}); nothing more was written").format(path=path, error=exc),
        hint=_("restore the file from a backup; nir cannot repair it"),
    )


def _set_language(ctx: click.Context, value: str | None) -> None:
    if value:
        i18n.use(value)


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from nir_cli.core.version import describe

    click.echo(describe())
    ctx.exit()


def _debug(ctx: click.Context) -> bool:
    app = ctx.find_object(App)
    return bool(app and app.debug)


@click.group(cls=NirGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the version, the store schema and the registry API it speaks, and exit.",
)
@click.option(
    "--lang",
    envvar="NIR_LANG",
    type=Language(),
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, param, value: _set_language(ctx, value),
    help="Language of every message, help and table: nb (bokmål) or en. Default: the "
    "profile's language, else the locale (LANG). [env: NIR_LANG]",
)
@click.option(
    "--profile",
    envvar="NIR_PROFILE",
    shell_complete=lambda ctx, param, text: _complete_profile(ctx, param, text),
    metavar="NAME",
    help="Profile to use (default: the config's default). [env: NIR_PROFILE]",
)
@click.option(
    "--db",
    envvar="NIR_DB",
    # Not click.Path(dir_okay=False): a folder given here is refused by the store (exit 78).
    type=click.Path(path_type=Path),
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
    "-v",
    "--verbose",
    is_flag=True,
    envvar="NIR_VERBOSE",
    help="Say what nir does as it goes, with times: the store and registry in use, each batch "
    "sent and its answer, retries, pulled pages, import and rule timings. Never personal "
    "numbers or names. [env: NIR_VERBOSE]",
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
    The options below may also follow the command: nir sync --quiet, nir status --profile test.

    \b
    Example:
      nir init --municipality 5001 --place "Trondheim voksenopplæring"
      nir person add --duf 201212345603 --first-name Kari --last-name Nordmann \\
          --birth-date 1990-01-15 --residence-basis refugee --permit-date 2025-06-01
      nir register claim 201212345603 --date 2025-08-01 --scheme training
      nir history 201212345603
    """
    verbose_log.configure(verbose and not quiet)
    app = ctx.obj = App(
        profile_name=profile,
        db_path=db,
        quiet=quiet,
        verbose=verbose,
        debug=debug,
        token_file=token_file,
        ca_bundle=ca_bundle,
    )
    if sys.stderr.isatty():

        def retrying(what: str, attempt: int, attempts: int, delay: float) -> None:
            if not app.quiet:
                click.echo(
                    _(
                        "the registry is not answering ({what}); attempt {attempt} of "
                        "{attempts} in {delay} s"
                    ).format(what=what, attempt=attempt, attempts=attempts, delay=f"{delay:.0f}"),
                    err=True,
                )

        app.on_retry = retrying


localize(cli)


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="nir")
