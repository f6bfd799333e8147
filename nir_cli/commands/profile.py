"""nir profile list|use: the profiles of this machine, and which one commands use."""

from __future__ import annotations

import click

from nir_cli.commands.app import App
from nir_cli.commands.options import emit_rows, format_option, pass_app, say
from nir_cli.core.i18n import _


@click.group()
def profile() -> None:
    """Show the profiles and choose the default one.

    The default profile is the one commands use without --profile.

    \b
    Example:
      nir profile list
      nir profile use test
    """


@profile.command(name="list")
@format_option
@pass_app
def list_(app: App, /, fmt: str) -> None:
    """List the profiles: each one's municipalities, place, registry and local store.

    The default one (used without --profile) is marked; the sandbox never stays the default
    once a real profile exists.

    \b
    Example:
      nir profile list
      nir profile list --format json
    """
    from nir_cli.register import Register

    emit_rows(Register.profiles(), fmt, empty=_("no profiles yet: nir init --municipality CODE"))


@profile.command()
@click.argument("name")
@pass_app
def use(app: App, /, name: str) -> None:
    """Make NAME the default profile.

    \b
    Example:
      nir profile use test
    """
    from nir_cli.register import Register

    chosen = Register.use_profile(name)
    say(app, _("{name} is the default profile now.").format(name=chosen.name))
