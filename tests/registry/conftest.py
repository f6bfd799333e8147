"""A real registry: uvicorn on a free loopback port, in a thread, with a database of its own:
a SQLite file, or a PostgreSQL schema (`registry_database` in tests/conftest.py runs each test
on both)."""

from __future__ import annotations

import itertools
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import uvicorn

from nir_cli.registry import accounts
from nir_cli.registry.app import create_app, with_faults
from nir_cli.registry.faults import Faults
from nir_cli.registry.server import Guards, uvicorn_options
from nir_cli.registry.storage.interface import Storage
from nir_cli.registry.storage.opening import is_postgres
from nir_cli.sandbox.synthetic import synthetic_duf
from nir_cli.store.db import _statements, migrations
from nir_cli.wire import Role

PASSWORD = "test1234-long"
MUNICIPALITIES = ("5001", "0301")
ROLES = tuple(Role)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Registry:
    url: str
    db: Storage
    app: Any = None

    def add_user(
        self, username: str, municipality: str, role: Role, place: str | None = None
    ) -> None:
        with self.db.session() as store:
            accounts.create_user(store, username, PASSWORD, municipality, place, role)

    def token(self, username: str, password: str = PASSWORD) -> str:
        """A session token of `username`, as text."""
        return str(self.login(username, password).headers["Authorization"]).split()[1]

    def login(self, username: str, password: str = PASSWORD) -> requests.Session:
        session = requests.Session()
        answer = session.post(
            f"{self.url}/v1/token", json={"username": username, "password": password}, timeout=10
        )
        answer.raise_for_status()
        session.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        return session


class Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test process keeps its own
        pass


def run_registry(
    database: Path | str,
    faults: Faults | None = None,
    allow_synthetic: bool = True,
    guards: Guards | None = None,
) -> Iterator[Registry]:
    """The registry app served by uvicorn in a thread, with the options `nir registry serve`
    gives it (`guards`: as its flags would set them)."""
    port = free_port()
    guards = guards or Guards()
    app = create_app(
        database,
        allow_synthetic=allow_synthetic,
        max_token_days=guards.max_token_days,
        body_budget=guards.body_budget,
        forwarded_believed=guards.proxy_headers,
    )
    server = Server(
        uvicorn.Config(with_faults(app, faults), **uvicorn_options("127.0.0.1", port, True, guards))
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the registry did not start")
        time.sleep(0.02)
    try:
        yield Registry(f"http://127.0.0.1:{port}", app.state.db, app)
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def registry(registry_database: str) -> Iterator[Registry]:
    yield from run_registry(registry_database)


def new_id() -> str:
    return str(uuid.uuid4())


_SERIAL = itertools.count(1)


def person_record(
    municipality: str = "5001",
    record_id: str | None = None,
    version: int = 1,
    base: int | None = None,
    **body: Any,
) -> dict[str, Any]:
    """A person record of a person of its own (a DUF number no other call gives), unless
    `duf` is given: the registry keeps one person per DUF number."""
    return {
        "entity": "person",
        "id": record_id or new_id(),
        "version": version,
        "base_version": base,
        "body": {
            "duf": synthetic_duf(2012, next(_SERIAL)),
            "first_name": "Kari",
            "last_name": "Nordmann",
            "birth_date": "1990-01-15",
            "residence_basis": "refugee",
            "permit_date": "2025-06-01",
            "regime": "integreringsloven",
            "municipality": municipality,
            **body,
        },
    }


def claim_record(
    person_id: str,
    record_id: str | None = None,
    version: int = 1,
    base: int | None = None,
    date: str = "2025-07-01",
) -> dict[str, Any]:
    return {
        "entity": "registration",
        "id": record_id or new_id(),
        "version": version,
        "base_version": base,
        "person_id": person_id,
        "body": {"kind": "claim", "fact_date": date, "scheme": "training"},
    }


def batch(*records: dict[str, Any], key: str | None = None, **options: Any) -> dict[str, Any]:
    return {"idempotency_key": key or new_id(), "records": list(records), **options}


def old_registry(location: str, upto: int = 2) -> Any:
    """A connection to an empty registry database at migration `upto`, as an older nir left
    it (the rows are the caller's to write)."""
    old = [m for m in migrations("nir_cli.registry.migrations_pg" if is_postgres(location)
                                 else "nir_cli.registry.migrations") if m[0] <= upto]  # fmt: skip
    if is_postgres(location):
        import psycopg
        from psycopg.rows import dict_row

        conn: Any = psycopg.connect(location, autocommit=True, row_factory=dict_row)
        conn.execute(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            "applied_at TEXT NOT NULL)"
        )
        for number, name, sql in old:
            conn.execute(sql)
            conn.execute(
                "INSERT INTO schema_migrations VALUES (%s, %s, '2026-11-01')", (number, name)
            )
        return conn
    conn = sqlite3.connect(location, isolation_level=None)
    for number, _name, sql in old:
        for statement in _statements(sql):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number}")
    return conn
