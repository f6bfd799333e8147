"""nir sync (log, show) and nir conflicts: getting registrations to the registry."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from nir_cli.commands.app import App
from nir_cli.commands.options import (
    emit_one,
    emit_rows,
    format_option,
    limit_option,
    pass_app,
    say,
    show_ids_option,
    warn,
)
from nir_cli.core.constants import SYNC_BATCH_SIZE
from nir_cli.core.errors import ExitCode
from nir_cli.core.i18n import _, ngettext, pgettext


@click.group(invoke_without_command=True)
@click.option("--push-only", is_flag=True, help="Only send the outbox.")
@click.option("--pull-only", is_flag=True, help="Only fetch the registry's changes.")
@click.option(
    "--dry-run", is_flag=True, help="Ask the registry to check the outbox; store nothing."
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 1000),
    default=None,
    help=f"Records per batch [default: {SYNC_BATCH_SIZE}].",
)
@format_option
@pass_app
@click.pass_context
def sync(
    ctx: click.Context,
    app: App,
    /,
    push_only: bool,
    pull_only: bool,
    dry_run: bool,
    batch_size: int | None,
    fmt: str,
) -> None:
    """Send pending registrations to the registry in batches, then fetch its changes.

    Safe to run from cron and to interrupt: nothing is lost or duplicated. Exit codes: 0 all
    accepted; 65 records rejected (listed; they wait for a correction); 5 conflicts wait for
    a person (nir conflicts list); 4 not logged in; 77 forbidden; 75 registry unreachable or
    another sync running (try later; the outbox is intact). See docs/sync.md.

    \b
    Example:
      nir sync
      nir sync --dry-run
      nir --token-file nightly.token sync --quiet
      nir sync log
    """
    if ctx.invoked_subcommand is not None:
        return
    if push_only and pull_only:
        raise click.UsageError(_("--push-only and --pull-only exclude each other"))
    app.store.verify()  # before the token is looked for: a damaged store is 78 either way
    register = app.register()
    with _progress(app) as progress:
        report = register.sync(
            client=app.client(),
            push=not pull_only,
            pull=not push_only,
            dry_run=dry_run,
            batch_size=batch_size or SYNC_BATCH_SIZE,
            progress=progress,
        )
    for item in report.rejected:
        warn(
            _("rejected {entity} {id}: {field} {message} ({code})").format(
                entity=item["entity"],
                id=item["id"],
                field=item.get("field") or "",
                message=item.get("message", ""),
                code=item.get("code"),
            )
        )
    for item in report.conflicts:
        warn(
            _(
                "conflict {entity} {id}: the registry holds version {version}; "
                "see nir conflicts list"
            ).format(entity=item["entity"], id=item["id"], version=item["registry_version"])
        )
    _notes(app, report)
    summary = {
        "dry_run": dry_run,
        "sent": report.sent,
        "accepted": report.accepted,
        "rejected": len(report.rejected),
        "conflicts": len(report.conflicts),
        "pulled": report.pulled,
        "echoed": report.echoed,
        "linked": report.linked + report.merged,
        "skipped": len(report.skipped),
        "waiting_rejected": report.waiting_rejected,
        "open_conflicts": report.open_conflicts,
    }
    code = (
        ExitCode.CONFLICTS
        if report.open_conflicts or report.conflicts
        else ExitCode.INVALID_DATA
        if report.waiting_rejected or report.rejected
        else ExitCode.OK
    )
    if fmt == "json":
        emit_one(summary, "json")
    elif not (app.quiet and code is ExitCode.OK):
        if dry_run:
            line = _(
                "dry run: would be {sent} sent, {accepted} accepted, {rejected} rejected, "
                "{conflicts} conflicts; {pulled} changes from others pulled"
            )
        else:
            line = _(
                "{sent} sent, {accepted} accepted, {rejected} rejected, {conflicts} conflicts; "
                "{pulled} changes from others pulled"
            )
        counted = line.format(
            sent=report.sent,
            accepted=report.accepted,
            rejected=len(report.rejected),
            conflicts=len(report.conflicts),
            pulled=report.pulled,
        )
        click.echo(counted + _waiting(report))
    ctx.exit(code)


# Notes of what a pull could not apply shown one by one; past these, one line says how many.
NOTES_SHOWN = 5


def _notes(app: App, report: Any) -> None:
    """What the pull could not apply, and persons that became the registry's: a few notes on a
    terminal, then one line with the count and the command that lists them all; with --quiet
    only that line."""
    shown = [] if app.quiet else report.skipped[:NOTES_SHOWN]
    for note in shown:
        warn(note)
    rest = len(report.skipped) - len(shown)
    if rest:
        warn(
            ngettext(
                "{n} pulled change could not be applied here; nir sync show {run} --notes lists it",
                "{n} pulled changes could not be applied here; nir sync show {run} --notes "
                "lists them",
                rest,
            ).format(n=rest, run=report.run_id)
        )
    same = report.linked + report.merged
    if same:
        say(
            app,
            ngettext(
                "{n} person here was one the registry had under another record, with the "
                "same facts: it is that record now",
                "{n} persons here were ones the registry had under other records, with the "
                "same facts: they are those records now",
                same,
            ).format(n=same),
        )
    if report.same_person:
        warn(
            ngettext(
                "{n} person here has a DUF number or fødselsnummer the registry has for a "
                "person with other facts: compare them with nir conflicts list",
                "{n} persons here have DUF numbers or fødselsnumre the registry has for "
                "persons with other facts: compare them with nir conflicts list",
                report.same_person,
            ).format(n=report.same_person)
        )


def _waiting(report: Any) -> str:
    parts = []
    if report.waiting_rejected:
        n = report.waiting_rejected
        parts.append(
            ngettext(
                "{n} rejected wait for a correction (nir rejected)",
                "{n} rejected wait for a correction (nir rejected)",
                n,
            ).format(n=n)
        )
    if report.open_conflicts:
        n = report.open_conflicts
        parts.append(
            ngettext(
                "{n} conflicts wait for a person", "{n} conflicts wait for a person", n
            ).format(n=n)
        )
    return ("; " + ", ".join(parts)) if parts else ""


@contextmanager
def _progress(app: App) -> Iterator[Callable[[str, int, int], None] | None]:
    """Counts on stderr when it is a terminal and not --quiet; nothing in pipes and cron."""
    if not sys.stderr.isatty() or app.quiet:
        yield None
        return

    stages = {"push": pgettext("sync stage", "push"), "pull": pgettext("sync stage", "pull")}

    def show(stage: str, done: int, total: int) -> None:
        of = f"/{total}" if total else ""
        click.echo(f"\r{stages.get(stage, stage)}: {done}{of}   ", err=True, nl=False)

    yield show
    click.echo("", err=True)


@sync.command(name="log")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@format_option
@pass_app
def log(app: App, /, limit: int, fmt: str) -> None:
    """List recent sync runs and their batches.

    \b
    Example:
      nir sync log
      nir sync log --format json
    """
    emit_rows(app.register().sync_runs(limit), fmt, empty=_("no sync has run yet"))


@sync.command(name="show")
@click.argument("run_id", type=int, metavar="RUN")
@click.option("--notes", is_flag=True, help="What the run could not apply of what it pulled.")
@format_option
@limit_option
@pass_app
def show(app: App, /, run_id: int, notes: bool, fmt: str) -> None:
    """Show the batches of one sync run with the registry's report of each.

    \b
    Example:
      nir sync show 12
      nir sync show 12 --notes
    """
    register = app.register()
    if notes:
        emit_rows(
            [{"note": note} for note in register.sync_notes(run_id)],
            fmt,
            empty=_("run {run} could apply everything it pulled").format(run=run_id),
        )
        return
    rows = register.sync_batches(run_id)
    if fmt != "json":
        for row in rows:
            row.pop("report")
    emit_rows(rows, fmt, empty=_("run {run} sent no batches").format(run=run_id))


@click.group()
def conflicts() -> None:
    """Conflicts the registry reported: list, show and resolve them.

    \b
    Example:
      nir conflicts list
      nir conflicts show 3
      nir conflicts resolve 3 --keep theirs
    """


@conflicts.command(name="list")
@format_option
@limit_option
@show_ids_option
@pass_app
def list_(app: App, /, fmt: str, show_ids: bool) -> None:
    """List open conflicts, with whose record each is (personal numbers masked).

    \b
    Example:
      nir conflicts list --format json
    """
    emit_rows(
        app.register().conflicts(show_ids=show_ids or fmt != "table"),
        fmt,
        empty=_("no open conflicts"),
    )


@conflicts.command(name="show")
@click.argument("conflict_id", type=int, metavar="ID")
@format_option
@show_ids_option
@pass_app
def show_conflict(app: App, /, conflict_id: int, fmt: str, show_ids: bool) -> None:
    """Show a conflict: the fields where our version and the registry's differ, side by side.

    Personal numbers are masked unless --show-ids.

    \b
    Example:
      nir conflicts show 3
      nir conflicts show 3 --format json
    """
    conflict = app.register().conflict(conflict_id, show_ids=show_ids)
    diff = conflict["differences"]
    if fmt == "json":
        head = {k: conflict[k] for k in ("id", "entity", "entity_id", "local_version")}
        emit_one(
            {**head, "registry_version": conflict["registry_version"], "differences": diff}, fmt
        )
        return
    say(
        app,
        _(
            "Conflict {id}: {entity} {entity_id}, our version {ours} against the registry's "
            "{theirs}. Resolve with: nir conflicts resolve {id} --keep mine|theirs"
        ).format(
            id=conflict_id,
            entity=conflict["entity"],
            entity_id=conflict["entity_id"],
            ours=conflict["local_version"],
            theirs=conflict["registry_version"],
        ),
    )
    emit_rows(
        diff, fmt, ["field", "mine", "registry"], empty=_("the two versions hold the same values")
    )


@click.command()
@format_option
@limit_option
@show_ids_option
@pass_app
def rejected(app: App, /, fmt: str, show_ids: bool) -> None:
    """List the records the registry refused, why, and the command that fixes each.

    A refused record waits in the outbox until a corrected version is sent: edit it (or
    withdraw it) and run nir sync again. Personal numbers are masked unless --show-ids.

    \b
    Example:
      nir rejected
      nir rejected --format json
    """
    table = fmt == "table"
    rows = app.register().rejections(show_ids=show_ids or not table)
    columns = ["name", "duf", "fnr", "kind", "fact_date", "reason", "fix"] if table else None
    emit_rows(rows, fmt, columns, empty=_("nothing was rejected"))


@conflicts.command()
@click.argument("conflict_id", type=int, metavar="ID")
@click.option(
    "--keep",
    type=click.Choice(["mine", "theirs"]),
    required=True,
    help="Keep our version or the registry's.",
)
@pass_app
def resolve(app: App, /, conflict_id: int, keep: str) -> None:
    """Resolve a conflict: a new version on top of the registry's, sent at the next sync.

    \b
    Example:
      nir conflicts resolve 3 --keep mine
    """
    version = app.register().resolve_conflict(conflict_id, keep)
    say(
        app,
        _(
            "Resolved conflict {id} keeping {keep}: version {version} is sent at the next nir sync."
        ).format(id=conflict_id, keep=keep, version=version),
    )
