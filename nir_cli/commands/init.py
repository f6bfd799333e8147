"""nir init: create a profile and its local store."""

from __future__ import annotations

import click

from nir_cli.commands.app import App
from nir_cli.commands.options import complete_municipality, pass_app, say
from nir_cli.config import Environment


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
    """
    from nir_cli.services.profiles import init_profile

    name = profile_name or app.profile_name or "default"
    result = init_profile(
        name,
        list(municipalities),
        place,
        registry_url,
        Environment(environment) if environment else None,
        app.db_path,
        replace,
        excel,
    )
    profile = result.profile
    verb = "Created" if result.created else "Profile is ready:"
    say(
        app,
        f"{verb} profile {profile.name!r} ({profile.environment.value}) for "
        f"{', '.join(profile.municipalities)}; store at {result.store_path}",
    )
    if not result.is_default:
        say(app, f"Use it with: nir --profile {profile.name} ...")
