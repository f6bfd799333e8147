"""Guards over the whole command tree: help with an example everywhere, generated files fresh."""

from pathlib import Path

import pytest

from nir_cli.cli import cli
from nir_cli.commands.completion import SHELLS, completion_script
from nir_cli.commands.reference import all_commands, cli_reference

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = all_commands(cli)


@pytest.mark.parametrize(("command", "ctx"), COMMANDS, ids=[c.command_path for _, c in COMMANDS])
def test_every_command_has_help_with_an_example(command, ctx) -> None:  # type: ignore[no-untyped-def]
    text = command.get_help(ctx)
    assert command.help, f"{ctx.command_path} has no help"
    assert "Example:" in text, f"{ctx.command_path} --help has no example"
    assert f"  {ctx.command_path.split(' ', 1)[0]} " in text.split("Example:", 1)[1]


def test_docs_cli_md_is_generated_from_the_tree() -> None:
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == cli_reference(cli), (
        "docs/cli.md is stale: python -m nir_cli.commands.reference > docs/cli.md"
    )


@pytest.mark.parametrize("shell", SHELLS)
def test_completion_scripts_are_fresh(shell: str) -> None:
    assert (ROOT / "completions" / f"nir.{shell}").read_text() == completion_script(cli, shell), (
        f"completions/nir.{shell} is stale: nir completion {shell} > completions/nir.{shell}"
    )


def test_the_root_list_matches_each_commands_own_help() -> None:
    """`nir --help` lists commands from a table, so it imports no command module."""
    import click

    from nir_cli.cli import COMMANDS, cli

    ctx = click.Context(cli, info_name="nir")
    for name, (_, line) in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command is not None
        assert command.get_short_help_str(limit=1000) == line, name
