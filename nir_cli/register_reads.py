"""What `Register` answers about a register without changing it: reports and the overview,
the sync's log, ad-hoc SQL, the registry's conflicts and rejections, and the rules of
`nir missing`. A mixin, so the front door stays one class and each half stays readable."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nir_cli.store import Store


class Reads:
    """Read-only questions to a register's store (`Register` holds it)."""

    store: Store

    # -- reports --------------------------------------------------------------------------

    def report(
        self,
        name: str,
        *,
        year: int | None = None,
        municipality: str | None = None,
        place: str | None = None,
    ) -> list[dict[str, Any]]:
        """`nir report NAME`'s rows (results, target-groups, programme, grant-base,
        timeliness)."""
        from nir_cli.rules.reports import run

        return run(self.store, name, year=year, municipality=municipality, place=place)

    def overview(
        self,
        *,
        year: int | None = None,
        municipality: str | None = None,
        place: str | None = None,
        as_of: dt.date | None = None,
    ) -> dict[str, list[dict[str, Any]]]:
        """`nir report overview`: every part, each a list of rows."""
        from nir_cli.rules.overview import overview

        return overview(self.store, year=year, municipality=municipality, place=place, as_of=as_of)

    def timeliness_by_month(
        self,
        *,
        year: int | None = None,
        municipality: str | None = None,
        place: str | None = None,
        as_of: dt.date | None = None,
    ) -> list[dict[str, Any]]:
        """`timeliness` summed over the kinds, by month (the report page draws it so)."""
        from nir_cli.rules.overview import report_params, timeliness_by_month

        params = report_params(year=year, municipality=municipality, place=place, as_of=as_of)
        return timeliness_by_month(self.store, params)

    def fact_dates(
        self,
        *,
        year: int | None = None,
        municipality: str | None = None,
        place: str | None = None,
    ) -> tuple[dt.date, dt.date] | None:
        """The first and last fact date of the registrations a report counts."""
        from nir_cli.rules.reports import fact_dates

        found = fact_dates(self.store, year=year, municipality=municipality, place=place)
        if not found or not found["first"]:
            return None
        return dt.date.fromisoformat(found["first"]), dt.date.fromisoformat(found["last"])

    def named_findings(
        self,
        *,
        municipality: str | None = None,
        place: str | None = None,
        as_of: dt.date | None = None,
    ) -> list[dict[str, Any]]:
        """Who each finding is about, by name and DUF number (the report page's appendix)."""
        from nir_cli.rules.overview import names

        return names(
            self.store,
            municipality=municipality,
            place=place,
            as_of=as_of or dt.date.today(),
        )

    # -- the sync's log -------------------------------------------------------------------

    def sync_runs(self, limit: int = 20) -> list[dict[str, Any]]:
        """The latest sync runs, newest first (`nir sync log`)."""
        from nir_cli.store.sync_log import recent_runs

        return recent_runs(self.store, limit)

    def sync_batches(self, run: int) -> list[dict[str, Any]]:
        """One run's batches with the registry's report of each (`nir sync show RUN`)."""
        from nir_cli.store.sync_log import batches

        return batches(self.store, run)

    def sync_notes(self, run: int) -> list[str]:
        """What one run could not apply of what it pulled (`nir sync show RUN --notes`)."""
        from nir_cli.store.sync_log import notes_of

        return list(notes_of(self.store, run))

    # -- ad-hoc questions -----------------------------------------------------------------

    def sql(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """A read-only query over the store and its views (`nir sql`)."""
        from nir_cli.store import adhoc

        return adhoc.query(self.store.path, query, dict(params or {}))

    def sql_schema(self) -> str:
        """The CREATE statements of the store (`nir sql --schema`)."""
        from nir_cli.store import adhoc

        return adhoc.schema(self.store.path)

    def sql_relations(self) -> list[dict[str, Any]]:
        """The store's tables and views with their row counts (`nir sql --tables`)."""
        from dataclasses import asdict

        from nir_cli.store import adhoc

        return [asdict(r) for r in adhoc.relations(self.store.path)]

    # -- what the registry answered: conflicts and rejections -----------------------------

    def conflicts(self, *, show_ids: bool = False) -> list[dict[str, Any]]:
        """Open conflicts, with whose record each is (`nir conflicts list`)."""
        from nir_cli.sync.conflicts import listing

        return listing(self.store, show_ids=show_ids)

    def conflict(self, conflict_id: int, *, show_ids: bool = False) -> dict[str, Any]:
        """One conflict, with the fields where the two versions differ (`differences`)."""
        from nir_cli.sync.conflicts import differences, get

        found = dict(get(self.store, conflict_id))
        found["differences"] = differences(found, show_ids=show_ids)
        return found

    def resolve_conflict(self, conflict_id: int, keep: str) -> int:
        """Keep `mine` or `theirs`; the new local version, sent at the next sync."""
        from nir_cli.sync.conflicts import Keep, resolve

        return resolve(self.store, conflict_id, Keep(keep))

    def rejections(self, *, show_ids: bool = False) -> list[dict[str, Any]]:
        """The records the registry refused that wait for a correction (`nir rejected`)."""
        from nir_cli.sync.rejected import rejections

        return [item.row(show_ids=show_ids) for item in rejections(self.store)]

    @staticmethod
    def rules() -> list[dict[str, str]]:
        """The rules of `nir missing`: id, scheme, acts, description in English and bokmål,
        and the law behind each."""
        from nir_cli.core.i18n import _
        from nir_cli.rules.catalogue import RULES

        return [
            {
                "id": r.id,
                "scheme": r.scheme,
                "regimes": r.regimes,
                "english": r.english,
                "norwegian": r.norwegian,
                "law": _(r.law),
            }
            for r in RULES
        ]
