"""The sync engine: push the outbox in batches, pull the registry's changes.

Safety, in order of the steps:
- one sync per store at a time (an exclusive file lock; a second run exits 75 at once);
- a batch is committed locally (payload, idempotency key, the outbox rows it carries) before it
  is sent, and unfinished batches are sent again byte for byte before anything new, so a crash
  anywhere between send and acknowledgement is answered from the registry's idempotency record;
- each batch's answers are applied in one transaction: accepted → registry version and date;
  rejected → the error kept on the outbox row, which waits for a correction; conflict → the
  registry's version kept beside ours, for a person to resolve;
- the base version of a record is what the registry is known to hold when the batch is built;
- pull pages through changes after the stored cursor, each page and the new cursor in one
  transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from nir_cli.core.collector import fewer_collections
from nir_cli.core.constants import PULL_PAGE_SIZE, SYNC_BATCH_SIZE, SYNC_CHECKPOINT_PAGES
from nir_cli.core.errors import TemporaryFailure
from nir_cli.core.i18n import _
from nir_cli.core.portable import FileLock, LockHeld
from nir_cli.store import Store, sync_log
from nir_cli.sync.client import RegistryClient
from nir_cli.sync.crash import crash_point
from nir_cli.sync.pull import Outcome, apply_change
from nir_cli.sync.push import push as push_outbox
from nir_cli.sync.report import Progress, SyncReport

log = logging.getLogger(__name__)


@contextmanager
def sync_lock(store: Store) -> Iterator[None]:
    """One sync per store: a second one fails at once with a temporary failure (75)."""
    lock = FileLock(f"{store.path}.sync.lock")
    try:
        lock.acquire(wait=False)
    except LockHeld:
        raise TemporaryFailure(
            _("another nir sync is running on this store"),
            hint=_("it exits by itself; try again later"),
        ) from None
    try:
        yield
    finally:
        lock.release()


def sync(
    store: Store,
    client: RegistryClient,
    *,
    push: bool = True,
    pull: bool = True,
    dry_run: bool = False,
    batch_size: int = SYNC_BATCH_SIZE,
    progress: Progress | None = None,
) -> SyncReport:
    """Push, then pull; see the module doc. Raises TemporaryFailure when the registry is away
    (whatever was acknowledged so far stays applied; the rest stays in the outbox)."""
    report = SyncReport(dry_run=dry_run)
    # Nothing from a damaged store goes to the registry, nor is its log written (78).
    store.verify()
    with (
        sync_lock(store),
        _checkpoints_every(store, SYNC_CHECKPOINT_PAGES),
        fewer_collections(),
    ):
        report.run_id = sync_log.start_run(store, dry_run)
        outcome = "failed"
        try:
            if push:
                push_outbox(store, client, report, batch_size, dry_run, progress)
            if pull and not dry_run:
                _pull(store, client, report, progress)
            outcome = "ok"
        except KeyboardInterrupt:
            outcome = "interrupted"
            raise
        except TemporaryFailure as exc:
            # Kept for the morning: under --quiet cron prints nothing for a 75.
            outcome = f"try later: {exc}"
            raise
        except Exception as exc:
            outcome = f"failed: {type(exc).__name__}"
            raise
        finally:
            _finish_run(store, report, outcome)
    return report


@contextmanager
def _checkpoints_every(store: Store, pages: int) -> Iterator[None]:
    """SQLite's automatic checkpoint threshold, for the duration of a sync."""
    before = store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    store.conn.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")
    try:
        yield
    finally:
        store.conn.execute(f"PRAGMA wal_autocheckpoint = {int(before)}")


# -- pull ------------------------------------------------------------------------------------


def _pull(
    store: Store, client: RegistryClient, report: SyncReport, progress: Progress | None
) -> None:
    cursor = sync_log.pull_cursor(store)
    while True:
        crash_point("before-pull")
        page = client.changes(cursor, PULL_PAGE_SIZE)
        if not page.changes:
            return
        with store.write() as conn:
            for change in page.changes:
                outcome, note = apply_change(conn, change)
                if outcome is Outcome.APPLIED:
                    report.pulled += 1
                elif outcome is Outcome.ECHO:
                    report.echoed += 1
                elif outcome is Outcome.MERGED:
                    report.pulled += 1
                    report.merged += 1
                elif outcome is Outcome.SAME_PERSON:
                    report.same_person += 1
                if note:
                    report.skipped.append(note)
            crash_point("mid-pull")
            sync_log.set_pull_cursor(conn, page.next_cursor)
        crash_point("after-pull-page")
        log.info("pull: %d changes, up to change %d", len(page.changes), page.next_cursor)
        cursor = page.next_cursor
        if progress is not None:
            progress("pull", report.pulled + report.echoed, 0)


# -- runs --------------------------------------------------------------------------------------


def _finish_run(store: Store, report: SyncReport, outcome: str) -> None:
    report.waiting_rejected, report.open_conflicts = sync_log.waiting(store)
    sync_log.finish_run(
        store,
        report.run_id,
        sent=report.sent,
        accepted=report.accepted,
        rejected=len(report.rejected),
        conflicts=len(report.conflicts),
        pulled=report.pulled,
        outcome=outcome,
        notes=report.skipped,
    )
