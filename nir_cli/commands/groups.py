"""What every group and command of the tree shares: typo suggestions at every level, and the
global options accepted after the subcommand too (`nir sync --quiet`, `nir status --profile
test`), as git and gh users type them.

Here too the tree learns to speak the language in use: every command, group and parameter
met on the way down is given a class whose help, short help and epilog are looked up in the
catalog when they are read (`localize`). The English text stays the msgid, so the code keeps
its docstrings and `help=` strings as they are, and the catalog tool finds them by walking the
same tree.

Light on purpose (click, the App and the stdlib's gettext): `nir --help` imports this module.
"""

from __future__ import annotations

import inspect
from functools import cache
from typing import Any

import click
from click.core import ParameterSource

from nir_cli.commands import verbose as verbose_log
from nir_cli.commands.app import App
from nir_cli.core import i18n
from nir_cli.core.i18n import N_

i18n.speak_through_click()

# The root option's parameter name → the App attribute it sets.
GLOBAL_TO_APP = {
    "lang": "language",
    "profile": "profile_name",
    "db": "db_path",
    "quiet": "quiet",
    "verbose": "verbose",
    "debug": "debug",
    "token_file": "token_file",
    "ca_bundle": "ca_bundle",
}
_INHERITED = "_nir_inherits_globals"


class _Translated:
    """A text attribute (help, short_help, epilog) kept as written and read in the language in
    use. A data descriptor, so it wins over the instance's own attribute of the same name."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = f"_nir_raw_{name}"

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        raw = obj.__dict__.get(self.key)
        if not raw:
            return raw
        return i18n._(inspect.cleandoc(raw))

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.key] = value


class _TranslatedCommand:
    __slots__ = ()  # the same layout as the click class it is mixed into
    help = _Translated()
    short_help = _Translated()
    epilog = _Translated()
    # The usage line's words: "[OPTIONS]", "COMMAND [ARGS]...".
    options_metavar = _Translated()
    subcommand_metavar = _Translated()


# Words click shows without marking them where they are written (defaults of its __init__, a
# variable passed to gettext): marked here so the catalog has them.
CLICK_WORDS = (N_("[OPTIONS]"), N_("COMMAND [ARGS]..."), N_("required"))


class _TranslatedParameter:
    __slots__ = ()
    help = _Translated()


@cache
def _translating(cls: Any) -> type:
    # The click class first, so the new class has its layout (and `__class__` may change).
    if issubclass(cls, click.Parameter):
        return type(
            f"Translated{cls.__name__}", (cls, _TranslatedParameter), {"_nir_translating": True}
        )

    def get_help_option(self: click.Command, ctx: click.Context) -> click.Option | None:
        # click makes --help once per command, with its text in the language of that moment:
        # keep the msgid instead, read through the catalog like every other help text.
        option: click.Option | None = cls.get_help_option(self, ctx)
        if option is not None and not getattr(type(option), "_nir_translating", False):
            _swap(option)
            option.help = HELP_OPTION_TEXT
        return option

    return type(
        f"Translated{cls.__name__}",
        (cls, _TranslatedCommand),
        {"_nir_translating": True, "get_help_option": get_help_option},
    )


# click's own msgid for the --help option (in the catalog with click's other messages).
HELP_OPTION_TEXT = "Show this message and exit."


def _swap(obj: Any) -> None:
    if getattr(type(obj), "_nir_translating", False):
        return
    # The instance's texts move from its own attributes to the descriptor's slots.
    names = (
        ("help",)
        if isinstance(obj, click.Parameter)
        else ("help", "short_help", "epilog", "options_metavar", "subcommand_metavar")
    )
    values = {name: obj.__dict__.pop(name, None) for name in names}
    obj.__class__ = _translating(type(obj))  # type: ignore[arg-type]
    for name, value in values.items():
        setattr(obj, name, value)


def localize(command: click.Command) -> click.Command:
    """`command` and its parameters, reading their texts through the catalog from now on.
    Groups localise their subcommands as they hand them out (`get_command`)."""
    _swap(command)
    for param in command.params:
        _swap(param)
    if isinstance(command, click.Group):  # a plain group hands out its commands unlocalised
        for sub in command.commands.values():
            localize(sub)
    return command


def raw_text(obj: Any, name: str) -> str | None:
    """The text as written in the code (the msgid), for the catalog tool."""
    if getattr(type(obj), "_nir_translating", False):
        value = obj.__dict__.get(f"_nir_raw_{name}")
    else:
        value = getattr(obj, name, None)
    return inspect.cleandoc(value) if isinstance(value, str) and value else None


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

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        return localize(command) if command is not None else None


def _set_on_app(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """A global option given after the subcommand: set on the App as the root would have."""
    assert param.name is not None
    if ctx.get_parameter_source(param.name) is not ParameterSource.COMMANDLINE:
        return
    app = ctx.find_object(App)
    if app is None:  # parsing only (completion, the docs test): nothing to set
        return
    name = param.name.removeprefix("global_")
    setattr(app, GLOBAL_TO_APP[name], value)
    if name == "lang" and value:
        i18n.use(value)
    verbose_log.configure(app.verbose and not app.quiet)


def _copy(option: click.Option) -> click.Option:
    return click.Option(
        [f"global_{option.name}", *option.opts, *option.secondary_opts],
        type=None if option.is_flag else option.type,
        is_flag=option.is_flag,
        metavar=option.metavar,
        help=raw_text(option, "help"),
        hidden=True,  # listed once, in `nir --help`; the same option after the command
        expose_value=False,
        callback=_set_on_app,
    )


class Language(click.ParamType):  # type: ignore[type-arg]
    """nb or en (also bokmål, norsk, english, and locale-style nb_NO)."""

    name = "nb|en"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        lang = i18n.parse_language(str(value)) or i18n.from_locale(str(value))
        if lang is None or (lang == i18n.ENGLISH and not str(value).lower().startswith("en")):
            self.fail(
                i18n._("{value!r} is not a language nir speaks: use nb or en").format(value=value),
                param,
                ctx,
            )
        return lang


def localize_param(param: click.Parameter) -> click.Parameter:
    _swap(param)
    return param


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
            command.params.append(localize_param(_copy(param)))
    setattr(command, _INHERITED, True)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            inherit_globals(sub, root)
