"""nir registry serve|init-admin: the reference central registry."""

from __future__ import annotations

import sys

import click

from nir_cli.commands.app import App
from nir_cli.commands.options import F, emit_one, emit_rows, format_option, pass_app, say, warn
from nir_cli.core.i18n import _


@click.group()
def registry() -> None:
    """Run the reference central registry (the sandbox and every sync test use it).

    \b
    Example:
      nir registry init-admin --municipality 5001 --username 5001-ADMIN
      nir registry serve --port 8765
      nir registry merge-duplicates --dry-run
    """


def _db_option(func: F) -> F:
    return click.option(
        "--database",
        "--db",
        "database",
        envvar="NIR_REGISTRY_DATABASE_URL",
        metavar="PATH|URL",
        help="The registry's database: a SQLite file [default: in the data folder], or a "
        "postgresql:// URL for a registry served by several processes or machines (pip install "
        "'nir-cli[postgres]'). [env: NIR_REGISTRY_DATABASE_URL]",
    )(func)


@registry.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535))
@_db_option
@click.option(
    "--allow-synthetic",
    is_flag=True,
    help="Accept synthetic personal numbers (training and test registries only).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Processes serving the port: batches are stored one at a time, but checked and "
    "answered side by side.",
)
@click.option(
    "--docs/--no-docs",
    default=False,
    show_default=True,
    help="Serve the API's documentation (/docs, /redoc, /openapi.json); the sandbox does.",
)
@click.option(
    "--proxy-headers",
    is_flag=True,
    help="Believe X-Forwarded-For and X-Forwarded-Proto from the proxies named by "
    "--forwarded-allow-ips (behind a TLS proxy); without it a client is its connection's "
    "address.",
)
@click.option(
    "--forwarded-allow-ips",
    metavar="IPS",
    help="The proxies whose forwarded headers to believe, comma-separated (with --proxy-headers).",
)
@click.option(
    "--max-token-days",
    type=click.IntRange(1, 3650),
    default=365,
    show_default=True,
    help="The longest a machine token may live.",
)
@click.option(
    "--body-budget",
    type=click.IntRange(16, 4096),
    default=64,
    show_default=True,
    metavar="MIB",
    help="Request bodies one process holds at once, in MiB, for all requests together; "
    "past it a request is answered 503 (try again) before its body is read.",
)
@pass_app
def serve(
    app: App,
    /,
    host: str,
    port: int,
    database: str | None,
    allow_synthetic: bool,
    workers: int,
    docs: bool,
    proxy_headers: bool,
    forwarded_allow_ips: str | None,
    max_token_days: int,
    body_budget: int,
) -> None:
    """Serve the registry API (/v1) until Ctrl-C or SIGTERM.

    Binds 127.0.0.1 unless told otherwise; anything else must sit behind TLS (see
    docs/registry-production.md). A batch being stored when SIGTERM arrives is finished first.

    \b
    Example:
      nir registry serve --port 8765 --database /var/lib/nir/registry.db
      nir registry serve --workers 2      # use two cores
      nir registry serve --database postgresql://nir@127.0.0.1/nir --workers 4
      nir registry serve --port 8765 --docs
      nir registry serve --proxy-headers --forwarded-allow-ips 127.0.0.1
    """
    from nir_cli.core.errors import UsageError
    from nir_cli.registry.server import Guards, default_db, is_loopback
    from nir_cli.registry.server import serve as run
    from nir_cli.registry.storage.opening import redacted

    if proxy_headers != bool(forwarded_allow_ips):
        raise UsageError(
            _("--proxy-headers and --forwarded-allow-ips go together"),
            hint=_("name the proxies to believe: --forwarded-allow-ips 127.0.0.1"),
        )
    if forwarded_allow_ips and "*" in forwarded_allow_ips.split(","):
        raise UsageError(
            _("--forwarded-allow-ips '*' would believe any client about its own address"),
            hint=_("name the proxies: --forwarded-allow-ips 127.0.0.1"),
        )
    guards = Guards(proxy_headers, forwarded_allow_ips, max_token_days, body_budget * 2**20)
    db = database or str(default_db())
    if not is_loopback(host):
        warn(
            _(
                "binding {host}: put a TLS-terminating proxy in front; tokens travel in headers"
            ).format(host=host)
        )
    say(
        app,
        _("registry on {url} with {db}").format(url=f"http://{host}:{port}/v1", db=redacted(db)),
    )
    run(
        db,
        host,
        port,
        allow_synthetic=allow_synthetic,
        quiet=app.quiet,
        workers=workers,
        docs=docs,
        guards=guards,
    )


@registry.command(name="init-admin")
@click.option("--municipality", "-m", required=True, metavar="CODE")
@click.option("--username", required=True)
@click.option("--place", metavar="NAME")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
@_db_option
@pass_app
def init_admin(
    app: App,
    /,
    municipality: str,
    username: str,
    place: str | None,
    password_stdin: bool,
    database: str | None,
) -> None:
    """Create the first superuser of a municipality in the registry.

    \b
    Example:
      nir registry init-admin --municipality 5001 --username 5001-ADMIN
      printf '%s' "$PW" | nir registry init-admin -m 5001 --username 5001-ADMIN --password-stdin
    """
    from nir_cli.registry.server import default_db
    from nir_cli.registry.server import init_admin as create

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    create(database or str(default_db()), municipality, username, password, place)
    say(
        app,
        _("Created superuser {username} for {municipality}.").format(
            username=username, municipality=municipality
        ),
    )


@registry.command(name="merge-duplicates")
@_db_option
@click.option("--dry-run", is_flag=True, help="Say what would be done; change nothing.")
@click.option("--merge", "record", metavar="ID", help="Merge this person record ...")
@click.option("--into", metavar="ID", help="... into this one (same municipality), after asking.")
@format_option
@pass_app
def merge_duplicates(
    app: App,
    /,
    database: str | None,
    dry_run: bool,
    record: str | None,
    into: str | None,
    fmt: str,
) -> None:
    """Make a registry from before it kept one person per DUF number hold one: merge two person
    records of a number with the same facts, list the others as conflicts.

    A second record of a person in the same municipality with the same facts becomes the
    first; one in another municipality is a move; the rest are listed (record ids only) for
    the offices to compare, and merged with --merge ID --into ID once they agree. Run it once
    after upgrading; it is safe to run again.

    \b
    Example:
      nir registry merge-duplicates --dry-run
      nir registry merge-duplicates --database /var/lib/nir/registry.db
    """
    from nir_cli.registry.server import default_db
    from nir_cli.registry.storage import maintenance
    from nir_cli.registry.storage.opening import open_storage

    if (record is None) != (into is None):
        raise click.UsageError(_("--merge and --into go together"))
    storage = open_storage(database or str(default_db()))
    try:
        if record is not None and into is not None:
            report = maintenance.merge_pair(storage, record, into)
        elif dry_run:
            report = maintenance.dry_run(storage)
        else:
            report = maintenance.merge_duplicates(storage)
    finally:
        storage.close()
    found = report.as_dict()
    if fmt == "json":
        emit_one(found, "json")
        return
    say(
        app,
        _(
            "{checked} person records were a second record of a number: {merged} merged, "
            "{moved} moves, {conflicts} conflicts"
        ).format(**found)
        + (" " + _("(dry run: nothing changed)") if dry_run else ""),
    )
    if report.conflicts:
        emit_rows(report.conflicts, fmt)
