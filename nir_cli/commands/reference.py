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


def root_context(root: click.Command) -> tuple[click.Command, click.Context]:
    settings = {**root.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    return root, click.Context(root, info_name="nir", **settings)


def all_commands(root: click.Command) -> list[tuple[click.Command, click.Context]]:
    """Every command of the tree under `root` (`nir_cli.cli.cli`), each with its context."""
    return list(walk(*root_context(root)))


def cli_reference(root: click.Command) -> str:
    """Markdown: one section per command with its --help."""
    parts = [
        "# CLI reference",
        "",
        "Generated from the command tree by `python -m nir_cli.commands.reference > docs/cli.md`;",
        "a test fails when this file is stale. Exit codes: [exit-codes.md](exit-codes.md).",
        "",
    ]
    for command, ctx in all_commands(root):
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
    from nir_cli.cli import cli  # a script's entry: not an import of the module

    click.echo(cli_reference(cli), nl=False)
