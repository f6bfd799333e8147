"""nir init: create a profile and its local store."""

from __future__ import annotations

import click

from nir_cli.commands.app import App
from nir_cli.commands.groups import Language
from nir_cli.commands.options import complete_municipality, pass_app, say
from nir_cli.core.config import Environment
from nir_cli.core.i18n import _


@click.command()
@click.option(
    "--municipality",
    "-m",
    "municipalities",
    multiple=True,
    required=True,
    metavar="CODE",
    shell_complete=complete_municipality,
    help="Municipality number (repeat for a shared office).",
)
@click.option("--place", metavar="NAME", help="Place (sted): the office or adult-education centre.")
@click.option(
    "--profile",
    "profile_name",
    metavar="NAME",
    help="Profile name (default: the global --profile, else 'default').",
)
@click.option("--registry", "registry_url", metavar="URL", help="Central registry URL (https).")
@click.option(
    "--environment",
    type=click.Choice([e.value for e in Environment]),
    help="production (default), test or sandbox; synthetic numbers only outside "
    "production. Profiles named test or sandbox default to that.",
)
@click.option(
    "--excel/--no-excel",
    default=None,
    help="Make --format csv write for Norwegian Excel (';', BOM, decimal comma, dd.mm.yyyy).",
)
@click.option(
    "--language",
    type=Language(),
    help="The language nir speaks for this profile: nb (bokmål) or en. Without it, the "
    "locale decides (LANG); --lang and NIR_LANG still win.",
)
@click.option("--replace", is_flag=True, help="Update an existing profile with these settings.")
@pass_app
def init(
    app: App,
    municipalities: tuple[str, ...],
    place: str | None,
    profile_name: str | None,
    registry_url: str | None,
    environment: str | None,
    excel: bool | None,
    language: str | None,
    replace: bool,
) -> None:
    """Create a profile and its local store.

    The first profile created becomes the default. Running the same init again changes
    nothing.

    \b
    Example:
      nir init --municipality 5001 --place "Trondheim voksenopplæring"
      nir init --profile test --municipality 5001 --environment test
      nir init --profile test --municipality 5001 --environment test --excel --replace
      nir init --profile test --municipality 5001 --environment test --language nb --replace
    """
    from nir_cli.core.headings import word
    from nir_cli.register import Register

    name = profile_name or app.profile_name or "default"
    result = Register.init_profile(
        name,
        list(municipalities),
        place,
        registry_url,
        Environment(environment) if environment else None,
        app.db_path,
        replace,
        excel,
        language,
    )
    profile = result.profile
    if result.created:
        message = _(
            "Created profile {name!r} ({environment}) for {municipalities}; store at {path}"
        )
    else:
        message = _(
            "Profile is ready: {name!r} ({environment}) for {municipalities}; store at {path}"
        )
    say(
        app,
        message.format(
            name=profile.name,
            environment=word("environment", profile.environment.value),
            municipalities=", ".join(profile.municipalities),
            path=result.store_path,
        ),
    )
    if not result.is_default:
        say(app, _("Use it with: nir --profile {name} ...").format(name=profile.name))
