"""The CLI reference (docs/cli.md), generated from the click tree.

Regenerate with `python -m nir_cli.commands.reference > docs/cli.md`; a test fails when the
checked-in file is stale.
"""

from __future__ import annotations

from collections.abc import Iterator

import click

WIDTH = 100


def walk(
    command: click.Command, ctx: click.Context
) -> Iterator[tuple[click.Command, click.Context]]:
    """Every command under `command`, depth first, each with its own context."""
    yield command, ctx
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            sub_ctx = click.Context(
                sub, info_name=name, parent=ctx, terminal_width=WIDTH, max_content_width=WIDTH
            )
            yield from walk(sub, sub_ctx)


def root_context() -> tuple[click.Command, click.Context]:
    from nir_cli.cli import cli

    settings = {**cli.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    return cli, click.Context(cli, info_name="nir", **settings)


def all_commands() -> list[tuple[click.Command, click.Context]]:
    return list(walk(*root_context()))


def cli_reference() -> str:
    """Markdown: one section per command with its --help."""
    parts = [
        "# CLI reference",
        "",
        "Generated from the command tree by `python -m nir_cli.commands.reference > docs/cli.md`;",
        "a test fails when this file is stale. Exit codes: [exit-codes.md](exit-codes.md).",
        "",
    ]
    for command, ctx in all_commands():
        parts += [
            f"## `{ctx.command_path}`",
            "",
            "```text",
            command.get_help(ctx).rstrip(),
            "```",
            "",
        ]
    return "\n".join(parts)


if __name__ == "__main__":
    click.echo(cli_reference(), nl=False)
