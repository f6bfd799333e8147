"""Options, parameter types and output helpers shared by every command."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import click

from nir_cli.app import App
from nir_cli.domain.enums import Coded
from nir_cli.domain.values import parse_bool, parse_date
from nir_cli.errors import InvalidData
from nir_cli.render import Format, render_one, render_rows

F = TypeVar("F", bound=Callable[..., Any])

if TYPE_CHECKING:  # click >= 8.5 makes ParamType generic; older releases cannot subscript it
    ParamBase = click.ParamType[Any]
else:
    ParamBase = click.ParamType

pass_app = click.make_pass_decorator(App)


def _option_label(param: click.Parameter | None) -> str:
    if param is None:
        return "value"
    opts = getattr(param, "opts", None)
    return opts[0] if opts else (param.name or "value")


class DateParam(ParamBase):
    """2026-01-31 or 31.01.2026; a bad date is invalid data (exit 65)."""

    name = "date"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(str(value))
        except ValueError as exc:
            raise InvalidData(f"{_option_label(param)}: {exc}") from None


class YesNo(ParamBase):
    """yes/no, ja/nei, true/false."""

    name = "yes|no"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> bool:
        if isinstance(value, bool):
            return value
        try:
            return parse_bool(str(value))
        except ValueError as exc:
            raise InvalidData(f"{_option_label(param)}: {exc}") from None

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[Any]:
        from click.shell_completion import CompletionItem

        return [CompletionItem(w) for w in ("yes", "no") if w.startswith(incomplete)]


class CodedChoice(ParamBase):
    """A closed set: its codes, or their Norwegian names, in any case."""

    def __init__(self, enum: type[Coded], allowed: Iterable[Coded] | None = None) -> None:
        self.enum = enum
        self.allowed = [m for m in enum if allowed is None or m in set(allowed)]
        self.name = "|".join(m.value for m in self.allowed)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + self.name + "]"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Coded:
        if isinstance(value, self.enum) and value in self.allowed:
            return value
        try:
            member = self.enum.parse(str(value))
        except ValueError:
            member = None
        if member is None or member not in self.allowed:
            raise InvalidData(
                f"{_option_label(param)}: {str(value)!r} is not one of: "
                + ", ".join(m.value for m in self.allowed)
            )
        return member

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[Any]:
        from click.shell_completion import CompletionItem

        return [CompletionItem(m.value) for m in self.allowed if m.value.startswith(incomplete)]


DATE = DateParam()
YES_NO = YesNo()


def format_option(func: F) -> F:
    """--format table|json|csv."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice([f.value for f in Format]),
        default=Format.TABLE.value,
        show_default=True,
        help="Output format.",
    )(func)


def show_ids_option(func: F) -> F:
    return click.option(
        "--show-ids", is_flag=True, help="Show personal numbers unmasked in table output."
    )(func)


def emit_rows(
    rows: Sequence[Any],
    fmt: str,
    columns: Sequence[str] | None = None,
    *,
    empty: str = "nothing to show",
) -> None:
    """Rows to stdout; an empty table says so on stderr instead."""
    form = Format(fmt)
    if not rows and form is Format.TABLE:
        click.echo(empty, err=True)
        return
    click.echo(render_rows(rows, form, columns))


def emit_one(item: dict[str, Any], fmt: str) -> None:
    click.echo(render_one(item, Format(fmt)))


def say(app: App, message: str) -> None:
    """A message for the person at the terminal: stderr, silent with --quiet."""
    if not app.quiet:
        click.echo(message, err=True)


def warn(message: str) -> None:
    """Warnings go to stderr even with --quiet."""
    click.echo(f"warning: {message}", err=True)


def given(**options: Any) -> dict[str, Any]:
    """The options the user actually gave (None means not given)."""
    return {name: value for name, value in options.items() if value is not None}


def complete_profile(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Profile names from the config file: offline, no store opened."""
    from click.shell_completion import CompletionItem

    from nir_cli import config

    try:
        names = sorted(config.load().profiles)
    except Exception:
        return []
    return [CompletionItem(n) for n in names if n.startswith(incomplete)]


def complete_municipality(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Municipality codes from the bundled list, each with its name."""
    from click.shell_completion import CompletionItem

    from nir_cli.domain.municipalities import all_municipalities

    return [
        CompletionItem(code, help=m.name)
        for code, m in all_municipalities().items()
        if code.startswith(incomplete)
    ]
