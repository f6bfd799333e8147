"""nir completion: shell completion scripts."""

from __future__ import annotations

import click

SHELLS = ("bash", "zsh", "fish", "powershell")
# The file name of each shell's script in completions/.
SCRIPT_FILES = {"bash": "nir.bash", "zsh": "nir.zsh", "fish": "nir.fish", "powershell": "nir.ps1"}


def completion_script(root: click.Command, shell: str) -> str:
    """The completion script click generates for the `nir` tree under `root`, for a shell."""
    from click.shell_completion import get_completion_class

    cls = get_completion_class(shell)
    assert cls is not None
    return cls(root, {}, "nir", "_NIR_COMPLETE").source()


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the completion script for SHELL.

    Works with no profile, no store and no network.

    \b
    Example:
      nir completion bash > ~/.local/share/bash-completion/completions/nir
      nir completion zsh > "${fpath[1]}/_nir"
      nir completion fish | source
      nir completion powershell | Out-String | Invoke-Expression
    """
    root = click.get_current_context().find_root().command
    click.echo(completion_script(root, shell), nl=False)
