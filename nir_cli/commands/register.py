"""nir register KIND PERSON: record an event. One subcommand per kind, built from its model.

The kinds are listed from the stdlib-only `Kind` enum; a kind's options are built from its
pydantic model only when that kind is asked for, so `nir --help` never imports pydantic.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from nir_cli.commands.app import App
from nir_cli.commands.groups import SuggestingGroup, localize
from nir_cli.commands.options import (
    DATE,
    YES_NO,
    CodedChoice,
    ParamBase,
    emit_done,
    law_lapsed,
    pass_app,
    say,
)
from nir_cli.core.i18n import N_, _
from nir_cli.core.record_ids import short_id
from nir_cli.domain.enums import Coded, Kind

# What to type after `nir register KIND PERSON` in each kind's help example.
# The person each example is for: the test person, but for chapter 6A's extended training a
# person with collective protection (tests create both).
EXAMPLE_PERSON = "201212345603"
EXAMPLE_PERSON_6A = "202390000609"
EXAMPLE_PERSONS: dict[Kind, str] = {Kind.EXTENDED_TRAINING: EXAMPLE_PERSON_6A}

EXAMPLES: dict[Kind, str] = {
    Kind.CLAIM: "--date 2025-08-01 --scheme training",
    Kind.OFFER: "--date 2025-09-01 --scheme training --hours 600",
    Kind.DECISION: "--date 2025-09-10 --scheme training --outcome granted --hours 600",
    Kind.EXEMPTION: "--date 2025-09-10 --exemption-from tests --basis health --test norskprove",
    Kind.LEAVE: "--date 2026-02-01 --scheme programme --until 2026-04-30 --reason parental",
    Kind.STOP: "--date 2026-03-01 --scheme programme --reason invalid_absence",
    Kind.APPEAL: "--date 2025-10-01 --scheme training --outcome pending",
    Kind.START: "--date 2025-10-01 --scheme training",
    Kind.END: "--date 2026-06-30 --scheme training --reason completed --activity-after employment",
    Kind.HOURS: (
        "--date 2026-01-31 --period 2026-01 --norwegian-hours 42,5 --social-studies-hours 8"
    ),
    Kind.PROGRAMME_CONTENT: "--date 2026-01-31 --period 2026-01 --element work_practice --hours 60",
    Kind.ABSENCE: "--date 2026-01-31 --period 2026-01 --valid-hours 4 --invalid-hours 2",
    Kind.GOAL: "--date 2025-09-10 --scheme training --level B1",
    Kind.EDUCATION: "--date 2025-09-10 --upper-secondary no",
    Kind.TEST_SIGNUP: "--date 2026-03-01 --test norskprove --test-date 2026-05-20",
    Kind.TEST_RESULT: "--date 2026-05-20 --test norskprove --reading B1 --listening B1 --oral A2",
    Kind.RESERVATION: "--date 2025-09-10",
    Kind.COMPETENCE_MAPPING: "--date 2025-09-01",
    Kind.CAREER_GUIDANCE: "--date 2025-09-05",
    Kind.INTEGRATION_CONTRACT: "--date 2025-09-15",
    Kind.MOTHER_TONGUE: "--date 2025-09-01 --language tigrinja",
    Kind.INSTRUCTION_LANGUAGE: "--date 2025-10-01 --scheme training --language norsk",
    Kind.FULL_TIME_UPPER_SECONDARY: "--date 2025-08-20 --until 2026-06-20",
    # Within two months of the gjennomføringsfrist: 12 months from the first start (1 Jun 2024)
    Kind.EXTENDED_TRAINING: "--date 2025-06-01 --months 6",
    Kind.COURSE: "--date 2025-11-30 --scheme programme --course parenting",
    Kind.CARE_LEAVE_TRAINING: "--date 2026-01-31 --period 2026-01 --hours 12",
    Kind.INTEGRATION_MEASURE: "--date 2025-09-01 --measure arbeidspraksis --status started",
    Kind.REOPENING: "--date 2026-02-01",
}


def _param_type(annotation: Any, allowed: Any = None) -> tuple[ParamBase | None, str | None]:
    """The click type (or None for plain text checked by the model) and a metavar."""
    from nir_cli.domain.model import plain_type

    target = plain_type(annotation)
    if target is dt.date:
        return DATE, None
    if target is bool:
        return YES_NO, None
    if isinstance(target, type) and issubclass(target, Coded):
        return CodedChoice(target, allowed), None
    if target is float:
        return None, "HOURS"
    if target is int:
        return None, "N"
    return None, "TEXT"


class KindOption(click.Option):
    """An option set from a model field: its help is the field's description, read in the
    language in use each time it is shown (the catalog has the descriptions themselves)."""

    def __init__(
        self, *args: Any, description: str, default_shown: str | None = None, **kwargs: Any
    ) -> None:
        self.description = description
        self.default_shown = default_shown
        super().__init__(*args, **kwargs)

    @property
    def help(self) -> str:
        text = _(self.description)
        text = text[0].upper() + text[1:].rstrip(".") + "."
        if self.default_shown is None:
            return text
        return _("{help} [default: {default}]").format(help=text, default=self.default_shown)

    @help.setter
    def help(self, value: str | None) -> None:
        """Click's __init__ (and `localize`) set the help: it is composed, so kept as is."""


class KindCommand(click.Command):
    """`nir register KIND`: its help is composed from translated pieces each time it is read,
    so the catalog tool skips it (`help_is_composed`) and finds the pieces instead."""

    help_is_composed = True

    def __init__(self, kind: Kind, implied_scheme: str | None, **kwargs: Any) -> None:
        self.kind = kind
        self.implied_scheme = implied_scheme
        super().__init__(kind.value, short_help=kind.norwegian, **kwargs)

    @property
    def help(self) -> str:
        kind = self.kind
        paragraphs = [
            _("Register {kind} ({norwegian}) for PERSON.").format(
                kind=kind.value, norwegian=kind.norwegian
            ),
            _(
                "PERSON is a DUF number, a fødselsnummer or a local id. --date is the date the "
                "registration is about: when it happened or was decided; the two-month deadline "
                "runs from it."
            ),
        ]
        if self.implied_scheme is not None:
            paragraphs.append(_("Always in scheme {scheme}.").format(scheme=self.implied_scheme))
        heading = _("Example:")
        person = EXAMPLE_PERSONS.get(kind, EXAMPLE_PERSON)
        paragraphs.append(f"\b\n{heading}\n  nir register {kind.value} {person} {EXAMPLES[kind]}")
        return "\n\n".join(paragraphs)

    @help.setter
    def help(self, value: str | None) -> None:
        """Click's __init__ (and `localize`) set the help: it is composed, so kept as is."""


def build_kind_command(kind: Kind) -> click.Command:
    """The `nir register KIND` command, its options taken from the kind's model fields."""
    from nir_cli.commands.wording import option_name
    from nir_cli.domain.registrations import model_for

    model = model_for(kind)
    params: list[click.Parameter] = [click.Argument(["person_ref"], metavar="PERSON")]
    names: dict[str, str] = {}
    for name, field in model.model_fields.items():
        if name == "kind":
            continue
        allowed = model.schemes if name == "scheme" else None
        param_type, metavar = _param_type(field.annotation, allowed)
        default_shown = None
        if not field.is_required() and field.default is not None:
            default_shown = str(getattr(field.default, "value", field.default))
        option = option_name(name)
        names[option.lstrip("-").replace("-", "_")] = name
        params.append(
            KindOption(
                [option],
                type=param_type,
                metavar=metavar,
                required=field.is_required(),
                description=field.description or name.replace("_", " "),
                default_shown=default_shown,
            )
        )
    params.append(
        click.Option(
            ["--accept-implausible"],
            is_flag=True,
            # N_: the catalog tool skips a composed command's options (help_is_composed).
            help=N_("Accept a registration that looks wrong for the person."),
        )
    )
    params.append(
        click.Option(
            ["--format", "fmt"],
            type=click.Choice(["table", "json", "csv"]),
            default="table",
            show_default=True,
            help="Output format.",
        )
    )

    @pass_app
    def callback(
        app: App, /, person_ref: str, fmt: str, accept_implausible: bool, **options: Any
    ) -> None:
        from nir_cli.core.headings import word

        fields = {names[k]: v for k, v in options.items() if v is not None}
        register = app.register(accept_implausible=accept_implausible)
        rec = register.record_fields(kind.value, person_ref, fields)
        created = register.last_changed
        today = dt.date.today()
        if created:
            say(
                app,
                _("Registered {kind} {id}; deadline {deadline} ({state}).").format(
                    kind=kind.shown(),
                    id=short_id(rec.id),
                    deadline=rec.deadline,
                    state=word("state", rec.state(today).value),
                ),
            )
        else:
            say(
                app,
                _("Already registered as {id}; nothing changed.").format(id=short_id(rec.id)),
            )
        emit_done(rec.row(today), fmt)
        law_lapsed(app)

    implied = model.implied_scheme.value if model.implied_scheme is not None else None
    return KindCommand(kind, implied, params=params, callback=callback)


class KindGroup(SuggestingGroup):
    """Subcommands are the registration kinds; each is built on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return Kind.codes()

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        try:
            kind = Kind.parse(cmd_name)
        except ValueError:
            return None
        return localize(build_kind_command(kind))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(kind.value, kind.norwegian) for kind in Kind]
        with formatter.section(_("Kinds")):
            formatter.write_dl(rows)


@click.group(cls=KindGroup)
def register() -> None:
    """Record a registration (an event) for a person: nir register KIND PERSON --date DATE.

    Each kind has its own options: see nir register KIND --help. Registering the very same
    thing twice changes nothing.

    \b
    Example:
      nir register claim 201212345603 --date 2025-08-01 --scheme training
      nir register hours 201212345603 --date 2026-01-31 --period 2026-01 --norwegian-hours 42,5
      nir register test-result 201212345603 --date 2026-05-20 --test norskprove --oral B1
    """
