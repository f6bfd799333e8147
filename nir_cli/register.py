"""The public Python API: one municipality's register, as small as sqlite-utils' Database.

    from nir_cli import Register

    with Register.open(profile="test") as reg:          # a profile made by `nir init`
        kari = reg.person("201212345603")
        reg.record("hours", kari.data.duf, fact_date="2026-01-31", period="2026-01",
                   norwegian_hours=42.5)

It calls the same core as the `nir` commands (validation, versions, the outbox, the rules),
takes and returns typed objects (PersonRecord, RegistrationRecord, Finding, Overdue,
ImportSummary, SyncReport), and raises the same errors (nir_cli.core.errors), each with its exit
code. docs/python-api.md has a longer example, which a test runs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, Unpack

from nir_cli.api_types import KindName, PersonFields, RegistrationFields
from nir_cli.core import config, paths
from nir_cli.core.config import Environment, Profile
from nir_cli.core.constants import STATUS_DUE_DAYS
from nir_cli.credentials import Credentials
from nir_cli.register_reads import Reads
from nir_cli.rules.findings import Finding, Overdue, missing, overdue, status
from nir_cli.services.stores import open_store
from nir_cli.store import Store

if TYPE_CHECKING:
    # Loaded where they are used: reading findings or counts (nir missing, nir status) needs
    # neither the domain's models (pydantic) nor the importer, and the sync stack (requests)
    # loads only when a script syncs.
    from nir_cli.domain.model import Checks
    from nir_cli.importer.rows import ImportSummary
    from nir_cli.services.persons import PersonRecord
    from nir_cli.services.profiles import InitResult
    from nir_cli.services.registrations import RegistrationRecord
    from nir_cli.sync.client import RegistryClient
    from nir_cli.sync.report import Progress, SyncReport


class Register(Reads):
    """A local register: its store and the profile (municipality, place) it belongs to.

    The `nir` commands are a thin layer over it. Like sqlite-utils' `last_pk`, `last_changed`
    says whether the last write changed anything (False when the same registration or the
    same details came again)."""

    def __init__(
        self,
        path: Path | str,
        profile: Profile,
        *,
        accept_unchecked_duf: bool = False,
        accept_implausible: bool = False,
    ):
        self.profile = profile
        self.store = open_store(Path(path))
        self.accept_unchecked_duf = accept_unchecked_duf
        self.accept_implausible = accept_implausible
        self.last_changed: bool | None = None
        self._owns_store = True

    @classmethod
    def around(
        cls,
        store: Store,
        profile: Profile,
        *,
        accept_unchecked_duf: bool = False,
        accept_implausible: bool = False,
    ) -> Register:
        """A register over a store opened already (the command line's); closing it leaves
        the store open."""
        register = cls.__new__(cls)
        register.profile, register.store = profile, store
        register.accept_unchecked_duf = accept_unchecked_duf
        register.accept_implausible = accept_implausible
        register.last_changed = None
        register._owns_store = False
        return register

    @classmethod
    def open(cls, profile: str | None = None, **options: Any) -> Register:
        """The register of a profile `nir init` made (the default profile when None)."""
        found = config.load().get(profile)
        return cls(paths.store_path(found.name), found, **options)

    @classmethod
    def create(
        cls,
        path: Path | str,
        municipality: str,
        *,
        place: str | None = None,
        environment: Environment | str = Environment.PRODUCTION,
        **options: Any,
    ) -> Register:
        """A new store at `path` for a municipality, outside any profile (scripts, tests).
        Opening an existing store this way is fine; it is never overwritten."""
        from nir_cli.domain.municipalities import lookup

        open_store(Path(path), create=True).close()
        profile = Profile(
            name=Path(path).stem,
            municipalities=[lookup(municipality).code],
            place=place,
            environment=Environment(environment),
        )
        return cls(path, profile, **options)

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self._owns_store:
            self.store.close()

    def checks(self, today: dt.date | None = None) -> Checks:
        from nir_cli.services.persons import checks_for

        return checks_for(
            self.profile,
            accept_unchecked_duf=self.accept_unchecked_duf,
            accept_implausible=self.accept_implausible,
            today=today,
        )

    # -- persons ----------------------------------------------------------------------------

    def add_person(self, **fields: Unpack[PersonFields]) -> PersonRecord:
        """A new participant: duf or fnr, first_name, last_name, residence_basis,
        permit_date, ... (the fields of `nir person add`)."""
        from nir_cli.services.persons import add_person

        person = add_person(self.store, self.profile, dict(fields), self.checks())
        self.last_changed = True
        return person

    def person(self, ref: str) -> PersonRecord:
        """A person by DUF number, fødselsnummer or id (NotFound when there is none)."""
        from nir_cli.services.persons import find_person

        return find_person(self.store, ref)

    def persons(
        self,
        *,
        municipality: str | None = None,
        place: str | None = None,
        search: str | None = None,
        limit: int | None = None,
    ) -> list[PersonRecord]:
        """Persons by last name, optionally filtered; at most `limit`."""
        from nir_cli.services.persons import list_persons

        return list_persons(
            self.store, municipality=municipality, place=place, search=search, limit=limit
        )

    def edit_person(self, ref: str, **changes: Unpack[PersonFields]) -> PersonRecord:
        """A new version of a person with the changed fields."""
        from nir_cli.services.persons import edit_person

        person, self.last_changed = edit_person(
            self.store, self.profile, ref, dict(changes), self.checks()
        )
        return person

    def entitlement(self, person: PersonRecord) -> dict[str, Any]:
        """The suggested entitlement to training, typed, with its window (what `nir person
        show` adds)."""
        from nir_cli.services.persons import entitlement

        return entitlement(self.store, person)

    # -- registrations ----------------------------------------------------------------------

    def record(
        self, kind: KindName, person: str, **fields: Unpack[RegistrationFields]
    ) -> RegistrationRecord:
        """Record a registration of `kind` for a person (fact_date and the kind's fields).
        The very same registration again changes nothing and returns the stored one."""
        return self.record_fields(kind, person, dict(fields))

    def record_fields(self, kind: str, person: str, fields: dict[str, Any]) -> RegistrationRecord:
        """`record` with the fields in a dict, as a front end that reads them at run time
        (the command line, a CSV row) has them."""
        from nir_cli.services.registrations import record

        rec, self.last_changed = record(
            self.store, self.profile, person, {"kind": kind, **fields}, self.checks()
        )
        return rec

    def edit(self, registration: str, **changes: Unpack[RegistrationFields]) -> RegistrationRecord:
        """Correct a registration: a new version with the changed fields."""
        return self.edit_fields(registration, dict(changes))

    def edit_fields(self, registration: str, changes: dict[str, Any]) -> RegistrationRecord:
        """`edit` with the changes in a dict."""
        from nir_cli.services.registrations import edit_registration

        rec, self.last_changed = edit_registration(self.store, registration, changes, self.checks())
        return rec

    def withdraw(self, registration: str, reason: str) -> RegistrationRecord:
        from nir_cli.services.registrations import withdraw_registration

        rec = withdraw_registration(self.store, registration, reason)
        self.last_changed = True
        return rec

    def registration(self, ref: str) -> RegistrationRecord:
        """A registration by id or unique id prefix (the short id people see)."""
        from nir_cli.services.registrations import find_registration

        return find_registration(self.store, ref)

    def versions(self, registration: str) -> list[dict[str, Any]]:
        """Every version of one registration, oldest first."""
        from nir_cli.services.registrations import versions as registration_versions

        return registration_versions(self.store, registration)

    def history(self, person: str) -> list[RegistrationRecord]:
        """A person's registrations in fact-date order, withdrawn ones included."""
        from nir_cli.services.registrations import history

        return history(self.store, person)[1]

    def person_history(self, person: str) -> tuple[PersonRecord, list[RegistrationRecord]]:
        """The person with their registrations (what `nir history` shows)."""
        from nir_cli.services.registrations import history

        return history(self.store, person)

    # -- what is late or lacking --------------------------------------------------------------

    def overdue(
        self, as_of: dt.date | None = None, *, within: int | None = None, **scope: str | None
    ) -> list[Overdue]:
        return overdue(self.store, as_of or dt.date.today(), within=within, **scope)

    def status(self, as_of: dt.date | None = None) -> dict[str, Any]:
        """The counts `nir status` shows: the outbox, what is overdue or due soon, findings."""
        return status(self.store, as_of or dt.date.today(), due_days=STATUS_DUE_DAYS)

    def missing(
        self,
        as_of: dt.date | None = None,
        *,
        rules: list[str] | None = None,
        recompute: bool = False,
        **scope: str | None,
    ) -> list[Finding]:
        """The findings of `nir missing`, read from those kept as the register was written.
        With `recompute`, checked against a fresh computation first: FindingsDiffered (which
        holds the fresh findings) if they differ."""
        return missing(
            self.store, as_of or dt.date.today(), rule_ids=rules, recompute=recompute, **scope
        )

    # -- files and the registry -----------------------------------------------------------------

    def import_file(
        self, path: Path | str, *, progress: Any = None, **options: Any
    ) -> ImportSummary:
        """Import a CSV file (the options of `nir import`: kind, dry_run, skip_invalid,
        rejects, encoding, delimiter, ignore_unknown_columns, source; `-` is stdin). All or
        nothing: InvalidData lists every problem when a row is invalid and skip_invalid is
        not set. `progress` is told of the rows as they go (the command line's bar)."""
        from nir_cli.importer.engine import ImportOptions, import_file

        return import_file(
            self.store, self.profile, str(path), ImportOptions(**options), self.checks(), progress
        )

    @staticmethod
    def file_kind(what: str) -> str:
        """What `nir export`/`nir import --kind` call the file's kind (persons or
        registrations), from its English or Norwegian name."""
        from nir_cli.importer.columns import FileKind

        return (FileKind.named(what) or FileKind(what)).value

    def export(
        self,
        what: str,
        out: TextIO,
        *,
        excel: bool = False,
        json: bool = False,
        municipality: str | None = None,
        place: str | None = None,
    ) -> int:
        """Write persons or registrations to `out` as `nir export` does; returns the count."""
        from nir_cli.importer.columns import FileKind
        from nir_cli.services import export as exporter

        kind = FileKind(self.file_kind(what))
        records = exporter.rows(self.store, kind, municipality=municipality, place=place)
        if json:
            return exporter.write_json(out, records)
        return exporter.write_csv(out, kind, records, excel=excel)

    # -- profiles (the config: no store opened) -------------------------------------------

    @staticmethod
    def profiles() -> list[dict[str, object]]:
        """The profiles of this machine, the default one marked (`nir profile list`)."""
        from nir_cli.services.profiles import profiles

        return profiles()

    @staticmethod
    def use_profile(name: str) -> Profile:
        """Make a profile the default one (`nir profile use`)."""
        from nir_cli.services.profiles import use

        return use(name)

    @staticmethod
    def init_profile(
        name: str,
        municipalities: list[str],
        place: str | None,
        registry_url: str | None,
        environment: Environment | None,
        db_path: Path | None,
        replace: bool,
        excel: bool | None,
        language: str | None,
    ) -> InitResult:
        """Make (or with `replace`, remake) a profile and its store (`nir init`)."""
        from nir_cli.services.profiles import init_profile

        return init_profile(
            name,
            municipalities,
            place,
            registry_url,
            environment,
            db_path,
            replace,
            excel,
            language,
        )

    def sync(
        self,
        registry_url: str | None = None,
        token: str | None = None,
        *,
        dry_run: bool = False,
        client: RegistryClient | None = None,
        push: bool = True,
        pull: bool = True,
        batch_size: int | None = None,
        progress: Progress | None = None,
    ) -> SyncReport:
        """Push the outbox to a registry and pull its changes (what `nir sync` does): to
        `registry_url` with `token`, or through a `client` already made (the command line's,
        with its retries and credentials); `push`/`pull` alone, `batch_size` records a batch,
        `progress` told as it goes."""
        # Lazy: the sync stack (requests) loads only when a script syncs, not for every
        # command the CLI runs through this class.
        from nir_cli.core.constants import SYNC_BATCH_SIZE
        from nir_cli.sync.engine import sync

        if client is None:
            from nir_cli.sync.client import RegistryClient

            if registry_url is None:
                raise ValueError("give a registry_url and token, or a client")
            client = RegistryClient(registry_url, token)
        return sync(
            self.store,
            client,
            push=push,
            pull=pull,
            dry_run=dry_run,
            batch_size=batch_size or SYNC_BATCH_SIZE,
            progress=progress,
        )

    # -- a profile's store and checks, for a front end that holds them itself --------------

    @staticmethod
    def open_store(path: Path) -> Store:
        """A profile's store, never created here, with its findings kept by every write."""
        return open_store(path)

    @staticmethod
    def checks_for(
        profile: Profile,
        *,
        accept_unchecked_duf: bool = False,
        accept_implausible: bool = False,
        today: dt.date | None = None,
    ) -> Checks:
        """What a profile's registrations are checked against (today's date, synthetic
        numbers in a test profile, the overrides asked for)."""
        from nir_cli.services.persons import checks_for

        return checks_for(
            profile,
            accept_unchecked_duf=accept_unchecked_duf,
            accept_implausible=accept_implausible,
            today=today,
        )

    # -- the registry: its client and a profile's token -----------------------------------

    @staticmethod
    def credentials(profile: Profile, registry_url: str) -> Credentials:
        """Where `profile` keeps its token for `registry_url` (`nir auth`)."""
        return Credentials(profile, registry_url)

    @staticmethod
    def registry_client(
        registry_url: str, token: str | None = None, *, ca_bundle: str | None = None
    ) -> RegistryClient:
        """A client of the central registry (retries, timeouts, TLS with `ca_bundle`)."""
        from nir_cli.sync.client import RegistryClient

        return RegistryClient(registry_url, token, ca_bundle=ca_bundle)
