"""nir sandbox start|status|stop|reset|demo: the training sandbox."""

from __future__ import annotations

import click

from nir_cli.commands.app import App
from nir_cli.commands.options import complete_municipality, emit_one, format_option, pass_app, say
from nir_cli.core.i18n import _, norwegian


@click.group()
def sandbox() -> None:
    """The training sandbox: a local registry with a test user and synthetic participants.

    \b
    Example:
      nir sandbox demo
      nir sandbox start
      nir --profile sandbox auth login --username 5001-BJO      # password: test1234
      nir --profile sandbox missing
      nir sandbox course
    """


@sandbox.command()
@click.option("--port", type=click.IntRange(1024, 65535), default=8765, show_default=True)
@click.option(
    "--municipality",
    "-m",
    default="5001",
    show_default=True,
    metavar="CODE",
    shell_complete=complete_municipality,
)
@pass_app
def start(app: App, /, port: int, municipality: str) -> None:
    """Start the sandbox registry in the background (seeded on first start).

    It runs on 127.0.0.1 with the users <municipality>-BJO (superuser), -DEP (deputy), -USER
    and -SYNC (transfer), all with password test1234, the test person with DUF 201212345603
    and a few dozen synthetic participants; the profile `sandbox` points at it. Starting it
    again while it runs changes nothing.

    \b
    Example:
      nir sandbox start
      nir sandbox start --port 8766 --municipality 0301
    """
    from nir_cli.sandbox.sandbox import start as run

    info, started = run(port, municipality)
    if started:
        message = _("Sandbox registry running at {url} (pid {pid}).")
    else:
        message = _("The sandbox is already running at {url} (pid {pid}).")
    say(app, message.format(url=info.url, pid=info.pid))
    say(
        app,
        _(
            "Next: nir --profile sandbox auth login --username {username} "
            "(password test1234), then nir --profile sandbox missing"
        ).format(username=f"{info.municipality}-BJO"),
    )


@sandbox.command()
@format_option
def status(fmt: str) -> None:
    """Show whether the sandbox registry runs, where, and its folder.

    \b
    Example:
      nir sandbox status
    """
    from nir_cli.sandbox.sandbox import status as info

    current = info()
    emit_one(
        {
            "running": current.running,
            "url": current.url,
            "pid": current.pid,
            "municipality": current.municipality,
            "folder": str(current.folder),
            "profile": "sandbox",
        },
        fmt,
    )


@sandbox.command()
@pass_app
def stop(app: App, /) -> None:
    """Stop the sandbox registry (its data stays for the next start).

    \b
    Example:
      nir sandbox stop
    """
    from nir_cli.sandbox.sandbox import stop as halt

    say(app, _("Stopped the sandbox registry.") if halt() else _("The sandbox was not running."))


@sandbox.command()
@click.option("--port", type=click.IntRange(1024, 65535), help="Port [default: as before].")
@pass_app
def reset(app: App, /, port: int | None) -> None:
    """Back to the seeded state: registry and sandbox profile store are made anew, and the
    course starts afresh.

    \b
    Example:
      nir sandbox reset
    """
    from nir_cli.sandbox.sandbox import reset as again

    info = again(port)
    say(app, _("The sandbox is reset and running at {url}.").format(url=info.url))


@sandbox.command()
@click.option("--keep", type=click.Path(file_okay=False), help="Keep the demo's files here.")
@pass_app
def demo(app: App, /, keep: str | None) -> None:
    """Walk through the main job on an embedded registry, with short explanations.

    Creates a profile, imports the example CSV files, shows what is missing and overdue,
    registers what is missing, syncs, and shows the batch report and the status. It leaves
    nothing running and nothing in your own profiles.

    \b
    Example:
      nir sandbox demo
    """
    from pathlib import Path

    from nir_cli.sandbox.demo import run_demo

    def explain(text: str) -> None:
        click.echo("")
        click.secho(text, bold=True)

    seconds = run_demo(explain, click.echo, keep=Path(keep) if keep else None)
    took = f"{seconds:.1f}"
    if norwegian():
        took = took.replace(".", ",")
    say(app, "\n" + _("The demo took {seconds} s and left nothing behind.").format(seconds=took))


@sandbox.group(invoke_without_command=True)
@format_option
@click.pass_context
def course(ctx: click.Context, fmt: str) -> None:
    """NIR's e-learning in the terminal: six lessons on the sandbox's data, each checked.

    Lists the lessons, done or not. A lesson is done when its check finds the work in the
    sandbox (its store, and for the sync its registry); nir sandbox reset starts it afresh.

    \b
    Example:
      nir sandbox course
      nir sandbox course show 1
      nir sandbox course check 1 --answer 8
      nir sandbox course show 2 --solution
    """
    if ctx.invoked_subcommand is not None:
        return
    from nir_cli.commands.options import emit_rows
    from nir_cli.sandbox.course import LESSONS, Sandbox

    box = Sandbox()
    try:
        rows = [
            {"lesson": each.number, "title": _(each.title), "done": each.check(box).done}
            for each in LESSONS
        ]
    finally:
        box.close()
    emit_rows(rows, fmt)


@course.command()
@click.argument("number", type=click.IntRange(1, 6), metavar="N")
@click.option("--solution", is_flag=True, help="Also print the commands that solve it.")
def show(number: int, solution: bool) -> None:
    """Explain lesson N's task (and with --solution, the exact commands that solve it).

    \b
    Example:
      nir sandbox course show 3
      nir sandbox course show 3 --solution
    """
    from nir_cli.sandbox.course import Sandbox, lesson

    chosen = lesson(number)
    box = Sandbox()
    try:
        click.echo(f"{chosen.number}. {_(chosen.title)}\n")
        click.echo(click.wrap_text(chosen.task(box), width=90))
        click.echo(
            "\n" + _("When you think it is done: nir sandbox course check {n}").format(n=number)
        )
        if solution:
            click.echo("\n" + _("Solution:"))
            for line in chosen.solution(box):
                click.echo(f"  {line}")
    finally:
        box.close()


@course.command()
@click.argument("number", type=click.IntRange(1, 6), metavar="N")
@click.option("--answer", type=int, metavar="N", help="Your answer, for a lesson that asks one.")
def check(number: int, answer: int | None) -> None:
    """Look at the sandbox and say what of lesson N is right and what is still missing.

    Exit 0 when the lesson is done, 1 when it is not.

    \b
    Example:
      nir sandbox course check 2
      nir sandbox course check 6 --answer 8
    """
    from nir_cli.sandbox.course import Sandbox, lesson

    chosen = lesson(number)
    box = Sandbox()
    try:
        if answer is not None:
            box.keep_answer(number, answer)
        found = chosen.check(box)
    finally:
        box.close()
    for line in found.right:
        click.echo(f"  ✓ {line}")
    for line in found.missing:
        click.echo(f"  ✗ {line}")
    if found.done:
        click.echo(_("Lesson {n} is done.").format(n=number))
    else:
        click.echo(_("Lesson {n} is not done yet.").format(n=number))
        raise SystemExit(1)
