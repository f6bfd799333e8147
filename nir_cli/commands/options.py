"""Options, parameter types and output helpers shared by every command."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from nir_cli.commands.app import App
from nir_cli.core.errors import InvalidData
from nir_cli.core.i18n import _
from nir_cli.core.render import Format, render_chunks, render_one, render_rows
from nir_cli.domain.enums import Coded
from nir_cli.domain.values import parse_bool, parse_date

F = TypeVar("F", bound=Callable[..., Any])

if TYPE_CHECKING:  # click >= 8.5 makes ParamType generic; older releases cannot subscript it
    ParamBase = click.ParamType[Any]
else:
    ParamBase = click.ParamType

pass_app = click.make_pass_decorator(App)


def _option_label(param: click.Parameter | None) -> str:
    if param is None:
        return _("value")
    opts = getattr(param, "opts", None)
    return opts[0] if opts else (param.name or _("value"))


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
                _("{option}: {value!r} is not one of: {allowed}").format(
                    option=_option_label(param),
                    value=str(value),
                    allowed=", ".join(m.shown() for m in self.allowed),
                )
            )
        return member

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[Any]:
        from click.shell_completion import CompletionItem

        return [CompletionItem(m.value) for m in self.allowed if m.value.startswith(incomplete)]


DATE = DateParam()
YES_NO = YesNo()


EXCEL_KEY = "nir.excel"
LIMIT_KEY = "nir.limit"


def _remember(key: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def store(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value:
            ctx.meta[key] = value

    return store


def _format_given(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """--excel is CSV (so, like any CSV, with personal numbers): the command sees 'csv'."""
    if not ctx.meta.get(EXCEL_KEY):
        return value
    if value == Format.JSON.value:
        raise click.UsageError(_("--excel writes CSV; leave out --format json"))
    return Format.CSV.value


def format_option(func: F) -> F:
    """--format table|json|csv, and --excel: CSV as Norwegian Excel opens it."""
    return formats_option()(func)


# `nir report --format html`: a page of its own (nir_cli.report_page), not one of render's.
HTML = "html"


def formats_option(*extra: str) -> Callable[[F], F]:
    """format_option with more formats a command writes itself (`html`)."""

    def decorate(func: F) -> F:
        return _formats(func, extra)

    return decorate


def _formats(func: F, extra: tuple[str, ...]) -> F:
    func = click.option(
        "--format",
        "fmt",
        type=click.Choice([f.value for f in Format if f is not Format.EXCEL] + list(extra)),
        default=Format.TABLE.value,
        show_default=True,
        callback=_format_given,
        help="Output format.",
    )(func)
    return click.option(
        "--excel",
        is_flag=True,
        is_eager=True,  # before --format, which it turns into csv
        expose_value=False,
        callback=_remember(EXCEL_KEY),
        help="CSV for Norwegian Excel: ';', UTF-8 with BOM, CRLF, decimal comma, dd.mm.yyyy "
        "(a profile's `excel = true` makes --format csv do this).",
    )(func)


def limit_option(func: F) -> F:
    """--limit N on a listing: the first N rows."""
    return click.option(
        "--limit",
        type=click.IntRange(min=1),
        expose_value=False,
        callback=_remember(LIMIT_KEY),
        metavar="N",
        help="Show at most N rows.",
    )(func)


def output_format(fmt: str) -> Format:
    """The format to write: --excel, or --format csv under a profile that asks for Excel."""
    ctx = click.get_current_context(silent=True)
    form = Format(fmt)
    if ctx is None:
        return form
    if form is Format.CSV and (ctx.meta.get(EXCEL_KEY) or _profile_wants_excel(ctx)):
        return Format.EXCEL
    return form


def _profile_wants_excel(ctx: click.Context) -> bool:
    from nir_cli.core.errors import ConfigError

    app = ctx.find_object(App)
    try:
        return app is not None and app.profile.excel
    except ConfigError:  # no profile (nir municipalities needs none): plain CSV
        return False


def asked_limit() -> int | None:
    """--limit N of the command running, for a query that reads no more than it shows."""
    ctx = click.get_current_context(silent=True)
    limit = ctx.meta.get(LIMIT_KEY) if ctx is not None else None
    return int(limit) if limit else None


def _limited(rows: Sequence[Any]) -> Sequence[Any]:
    ctx = click.get_current_context(silent=True)
    limit = ctx.meta.get(LIMIT_KEY) if ctx is not None else None
    return rows[:limit] if limit else rows


def _page(text: str) -> None:
    """Data to stdout; a table taller than the terminal goes through $PAGER, as git does."""
    import os
    import shutil
    import sys

    if (
        sys.stdout.isatty()
        and text.count("\n") + 2 > shutil.get_terminal_size().lines
        and os.environ.get("PAGER", "less") not in ("", "cat")
    ):
        os.environ.setdefault("LESS", "FRX")  # quit if it fits, keep colours, keep the screen
        click.echo_via_pager(text)
    else:
        click.echo(text)


def show_ids_option(func: F) -> F:
    return click.option(
        "--show-ids", is_flag=True, help="Show personal numbers unmasked in table output."
    )(func)


def emit_rows(
    rows: Sequence[Any],
    fmt: str,
    columns: Sequence[str] | None = None,
    *,
    empty: str | None = None,
    words: bool = True,
) -> None:
    """Rows to stdout (at most --limit; a long table through the pager on a terminal); an
    empty table says so on stderr instead: `empty`, already translated, else "nothing to
    show"."""
    form = output_format(fmt)
    if not rows and form is Format.TABLE:
        if not _quiet():  # "nothing overdue" is no news to a script or cron
            click.echo(_("nothing to show") if empty is None else empty, err=True)
        return
    if form in (Format.CSV, Format.JSON):  # written as it is made, a few thousand rows a time
        for piece in render_chunks(_limited(rows), form, columns):
            click.echo(piece, nl=False)
        return
    text = render_rows(_limited(rows), form, columns, words=words)
    if form is Format.TABLE:
        _page(text)
    else:
        click.echo(text, nl=False)  # Excel's text ends in its own CRLF


def emit_one(item: dict[str, Any], fmt: str) -> None:
    form = output_format(fmt)
    click.echo(render_one(item, form), nl=form is not Format.EXCEL)


def emit_done(item: dict[str, Any], fmt: str) -> None:
    """What a command that writes (register, import, person add) made, on stdout; with
    --quiet only when asked for with --format: on success a quiet command prints nothing."""
    if _quiet() and not _format_asked():
        return
    emit_one(item, fmt)


def _quiet() -> bool:
    ctx = click.get_current_context(silent=True)
    app = ctx.find_object(App) if ctx is not None else None
    return bool(app is not None and app.quiet)


def _format_asked() -> bool:
    """--format (or --excel) was given on the command line, not left at its default."""
    from click.core import ParameterSource

    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return False
    return ctx.get_parameter_source("fmt") not in (None, ParameterSource.DEFAULT)


def words_for(fmt: str) -> AbstractContextManager[None]:
    """The language of prose a command puts in its data (a finding's detail, a regime's note):
    the reader's for a table or Excel, English for JSON and CSV, so that a script reads the
    same answer in every locale."""
    from contextlib import nullcontext

    from nir_cli.core.i18n import ENGLISH, speaking
    from nir_cli.core.render import Format

    if output_format(fmt) in (Format.TABLE, Format.EXCEL):
        return nullcontext()
    return speaking(ENGLISH)


def say(app: App, message: str) -> None:
    """A message for the person at the terminal: stderr, silent with --quiet."""
    if not app.quiet:
        click.echo(message, err=True)


def law_lapsed(app: App, day: dt.date | None = None, topic: str = "rules") -> None:
    """Say once a run (stderr, not under --quiet) which dated facts of the law have ended by
    `day` (default: today) with no rule after them that this nir knows: an answer that rests
    on them may be out of date (nir_cli.domain.law)."""
    from nir_cli.core.i18n import long_date
    from nir_cli.domain import law

    for fact in law.lapsed(day or dt.date.today(), topic):
        if fact.name in app.said_lapsed or fact.end is None:
            continue
        app.said_lapsed.add(fact.name)
        say(app, _("note: {what}").format(what=_(fact.lapse).format(end=long_date(fact.end))))


def warn(message: str) -> None:
    """Warnings go to stderr even with --quiet."""
    click.echo(_("warning: {message}").format(message=message), err=True)


def given(**options: Any) -> dict[str, Any]:
    """The options the user actually gave (None means not given)."""
    return {name: value for name, value in options.items() if value is not None}


def complete_profile(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Profile names from the config file: offline, no store opened."""
    from click.shell_completion import CompletionItem

    from nir_cli.core import config

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


def _municipality_code(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--municipality CODE as the bundled list has it: an unknown code is an error (65) with
    the list's hint, a code renumbered in 2024 says the new one; and it must be one of the
    profile's municipalities, so a typo never reads as "no findings"."""
    if value is None:
        return None
    from nir_cli.domain.municipalities import MunicipalityError, lookup

    try:
        code = lookup(value).code
    except MunicipalityError as exc:
        raise InvalidData(
            f"--municipality: {exc}", hint=_("nir municipalities lists them")
        ) from None
    app = ctx.find_object(App)
    if app is not None:
        profile = app.profile
        if code not in profile.municipalities:
            raise InvalidData(
                _(
                    "--municipality: {code} is not a municipality of profile {profile} ({codes})"
                ).format(code=code, profile=profile.name, codes=", ".join(profile.municipalities)),
                hint=_(
                    "add it with: nir --profile {profile} init -m ... -m {code} --replace"
                ).format(profile=profile.name, code=code),
            )
    return code


def municipality_option(func: F) -> F:
    """--municipality CODE, checked (see _municipality_code)."""
    return click.option(
        "--municipality",
        metavar="CODE",
        callback=_municipality_code,
        shell_complete=complete_municipality,
        help="Only this municipality (one of the profile's).",
    )(func)
