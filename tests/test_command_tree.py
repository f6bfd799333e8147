"""Guards over the whole command tree: help with an example everywhere, generated files fresh."""

from pathlib import Path

import pytest

from nir_cli.cli import cli
from nir_cli.commands.completion import SCRIPT_FILES, SHELLS, completion_script
from nir_cli.commands.reference import all_commands, cli_reference
from nir_cli.core import i18n

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = all_commands(cli)


EXAMPLE = {"en": "Example:", "nb": "Eksempel:"}


def _examples(text: str, heading: str) -> list[str]:
    after = text.split(heading, 1)[1]
    return [line.strip() for line in after.splitlines() if line.strip().startswith("nir ")]


@pytest.mark.parametrize("lang", ["en", "nb"])
@pytest.mark.parametrize(("command", "ctx"), COMMANDS, ids=[c.command_path for _, c in COMMANDS])
def test_every_command_has_help_with_an_example(command, ctx, lang: str) -> None:  # type: ignore[no-untyped-def]
    """In both languages; the bokmål examples are the English ones, which run as written."""
    english = command.get_help(ctx)
    i18n.use(lang)
    try:
        text = command.get_help(ctx)
        summary = command.get_short_help_str(limit=1000)
    finally:
        i18n.use("en")
    assert command.help, f"{ctx.command_path} has no help"
    assert EXAMPLE[lang] in text, f"{ctx.command_path} --help has no example ({lang})"
    assert f"  {ctx.command_path.split(' ', 1)[0]} " in text.split(EXAMPLE[lang], 1)[1]
    if lang == "nb":
        assert text != english, f"{ctx.command_path} --help is not translated"
        if not getattr(command, "help_is_composed", False):  # a kind's line is its Norwegian name
            assert summary != command.get_short_help_str(limit=1000)
        assert _examples(text, EXAMPLE["nb"]) == _examples(english, EXAMPLE["en"])


def test_docs_cli_md_is_generated_from_the_tree() -> None:
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == cli_reference(cli), (
        "docs/cli.md is stale: python -m nir_cli.commands.reference > docs/cli.md"
    )


@pytest.mark.parametrize("shell", SHELLS)
def test_completion_scripts_are_fresh(shell: str) -> None:
    name = SCRIPT_FILES[shell]
    assert (ROOT / "completions" / name).read_text() == completion_script(cli, shell), (
        f"completions/{name} is stale: nir completion {shell} > completions/{name}"
    )


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_the_root_list_matches_each_commands_own_help(lang: str) -> None:
    """`nir --help` lists commands from a table, so it imports no command module."""
    import click

    from nir_cli.cli import COMMANDS, cli

    ctx = click.Context(cli, info_name="nir")
    i18n.use(lang)
    try:
        for name, (_, line) in COMMANDS.items():
            command = cli.get_command(ctx, name)
            assert command is not None
            assert command.get_short_help_str(limit=1000) == i18n._(line), name
    finally:
        i18n.use("en")
