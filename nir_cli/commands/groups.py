"""What every group and command of the tree shares: typo suggestions at every level, and the
global options accepted after the subcommand too (`nir sync --quiet`, `nir status --profile
test`), as git and gh users type them.

Light on purpose (click and the App only): `nir --help` imports this module.
"""

from __future__ import annotations

from typing import Any

import click
from click.core import ParameterSource

from nir_cli.commands import verbose as verbose_log
from nir_cli.commands.app import App

# The root option's parameter name → the App attribute it sets.
GLOBAL_TO_APP = {
    "profile": "profile_name",
    "db": "db_path",
    "quiet": "quiet",
    "verbose": "verbose",
    "debug": "debug",
    "token_file": "token_file",
    "ca_bundle": "ca_bundle",
}
_INHERITED = "_nir_inherits_globals"


class SuggestingGroup(click.Group):
    """A group whose "No such command" names the closest commands, lazy ones included
    (click suggests only from commands registered up front)."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            name, command, rest = super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as exc:
            raise click.exceptions.NoSuchCommand(
                exc.command_name, possibilities=self.list_commands(ctx), ctx=ctx
            ) from None
        if command is not None:
            inherit_globals(command, ctx.find_root().command)
        return name, command, rest


def _set_on_app(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """A global option given after the subcommand: set on the App as the root would have."""
    assert param.name is not None
    if ctx.get_parameter_source(param.name) is not ParameterSource.COMMANDLINE:
        return
    app = ctx.find_object(App)
    if app is None:  # parsing only (completion, the docs test): nothing to set
        return
    setattr(app, GLOBAL_TO_APP[param.name.removeprefix("global_")], value)
    verbose_log.configure(app.verbose and not app.quiet)


def _copy(option: click.Option) -> click.Option:
    return click.Option(
        [*option.opts, *option.secondary_opts],
        f"global_{option.name}",
        type=None if option.is_flag else option.type,
        is_flag=option.is_flag,
        metavar=option.metavar,
        help=option.help,
        hidden=True,  # listed once, in `nir --help`; the same option after the command
        expose_value=False,
        callback=_set_on_app,
    )


def inherit_globals(command: click.Command, root: click.Command) -> None:
    """Give `command` (and, for a group, every command below it) the root's global options,
    except where it has an option of the same name with its own meaning (`init --profile`
    names the profile to create, `registry serve --db` is the registry's file)."""
    if getattr(command, _INHERITED, False) or command is root:
        return
    taken = {opt for param in command.params for opt in getattr(param, "opts", [])}
    for param in root.params:
        if (
            isinstance(param, click.Option)
            and param.name in GLOBAL_TO_APP
            and not taken & set(param.opts)
        ):
            command.params.append(_copy(param))
    setattr(command, _INHERITED, True)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            inherit_globals(sub, root)
