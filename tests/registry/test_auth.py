"""Logins, tokens, expiry, revocation and throttling."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import subprocess
import sys
from typing import Any

import pytest
import requests
from argon2 import profiles

from nir_cli.registry import accounts
from nir_cli.registry.storage.interface import UsernameTaken
from nir_cli.wire import Role
from tests.registry.conftest import PASSWORD, Registry, old_registry


def test_tokens_are_stored_hashed(registry: Registry) -> None:
    registry.add_user("5001-BJO", "5001", Role.USER)
    token = registry.token("5001-BJO")
    with registry.db.session() as store:
        rows = store.query("SELECT token_hash FROM tokens")
        passwords = store.query("SELECT password_hash FROM users")
    assert rows == [{"token_hash": accounts.hash_token(token)}]
    assert passwords[0]["password_hash"].startswith("$argon2id$")


def test_the_registry_hashes_passwords_at_argon2_s_recommended_cost() -> None:
    """The suite's in-process registries hash cheaply (tests/conftest.py); a registry process
    hashes as RFC 9106 recommends where memory is limited (argon2-cffi's default)."""
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "from nir_cli.registry import accounts; h = accounts._HASHER; "
            "print(h.time_cost, h.memory_cost, h.parallelism)",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    low = profiles.RFC_9106_LOW_MEMORY
    assert [int(n) for n in shown] == [low.time_cost, low.memory_cost, low.parallelism]


def test_logout_revokes(registry: Registry) -> None:
    registry.add_user("5001-BJO", "5001", Role.USER)
    s = registry.login("5001-BJO")
    assert s.post(f"{registry.url}/v1/logout", timeout=10).status_code == 204
    assert s.get(f"{registry.url}/v1/me", timeout=10).status_code == 401


def test_machine_tokens_are_named_listed_replaced_and_revoked(registry: Registry) -> None:
    registry.add_user("5001-cron", "5001", Role.TRANSFER)
    s = registry.login("5001-cron")
    first = s.post(
        f"{registry.url}/v1/tokens",
        json={"name": "nightly", "days": 30, "password": PASSWORD},
        timeout=10,
    ).json()["access_token"]
    second = s.post(
        f"{registry.url}/v1/tokens", json={"name": "nightly", "password": PASSWORD}, timeout=10
    ).json()["access_token"]

    def me(token: str) -> int:
        return requests.get(
            f"{registry.url}/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=10
        ).status_code

    assert me(first) == 401  # replaced by the second of the same name
    assert me(second) == 200
    names = [t["name"] for t in s.get(f"{registry.url}/v1/tokens", timeout=10).json()]
    assert names.count("nightly") == 1
    assert s.delete(f"{registry.url}/v1/tokens/nightly", timeout=10).status_code == 204
    assert me(second) == 401


def test_expired_tokens_are_refused(registry: Registry) -> None:
    import datetime as dt

    registry.add_user("5001-BJO", "5001", Role.USER)
    with registry.db.session() as store:
        token, _ = accounts.issue_token(
            store, "5001-BJO", "session", None, dt.timedelta(seconds=-1)
        )
    answer = requests.get(
        f"{registry.url}/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert answer.status_code == 401


def test_disabled_users_lose_their_tokens(registry: Registry) -> None:
    registry.add_user("5001-admin", "5001", Role.SUPERUSER)
    registry.add_user("5001-BJO", "5001", Role.USER)
    worker = registry.login("5001-BJO")
    admin = registry.login("5001-admin")
    assert admin.post(f"{registry.url}/v1/users/5001-BJO/disable", timeout=10).json()["disabled"]
    assert worker.get(f"{registry.url}/v1/me", timeout=10).status_code == 401
    with pytest.raises(requests.HTTPError):
        registry.login("5001-BJO")


def test_repeated_failures_are_slowed_then_refused_for_a_while(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts, "FAILURE_DELAY", 0.001)
    registry.add_user("5001-BJO", "5001", Role.USER)

    def attempt(password: str) -> requests.Response:
        return requests.post(
            f"{registry.url}/v1/token",
            json={"username": "5001-BJO", "password": password},
            timeout=10,
        )

    codes = [attempt("wrong").status_code for _ in range(accounts.FREE_FAILURES)]
    assert codes == [401] * accounts.FREE_FAILURES
    locked = attempt(PASSWORD)  # even the right password waits now
    assert locked.status_code == 429
    assert 1 <= int(locked.headers["Retry-After"]) <= accounts.LOCK_SECONDS + 1
    with registry.db.session() as store, store.write() as conn:
        conn.execute("UPDATE login_attempts SET locked_until = NULL")
    assert attempt(PASSWORD).status_code == 200


def test_unknown_user_and_wrong_password_answer_alike(registry: Registry) -> None:
    registry.add_user("5001-BJO", "5001", Role.USER)
    a = requests.post(
        f"{registry.url}/v1/token", json={"username": "nobody", "password": "x"}, timeout=10
    )
    b = requests.post(
        f"{registry.url}/v1/token", json={"username": "5001-BJO", "password": "x"}, timeout=10
    )
    assert (a.status_code, a.json()) == (b.status_code, b.json())


def _from(
    registry: Registry, source: str, path: str, body: dict[str, Any], token: str = ""
) -> tuple[int, dict]:  # type: ignore[type-arg]
    """POST `body` to `path` from the loopback address `source` (127.0.0.x: another client)."""
    host, port = registry.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30, source_address=(source, 0))
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request("POST", path, body=json.dumps(body), headers=headers)
        answer = conn.getresponse()
        return answer.status, json.loads(answer.read() or b"{}")
    finally:
        conn.close()


def test_a_stranger_s_wrong_passwords_do_not_lock_the_owner_out_from_their_address(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failures lock a name out from the address they came from (CWE-645: take the address
    into account beside the name); the owner logs in from theirs meanwhile."""
    monkeypatch.setattr(accounts, "FAILURE_DELAY", 0.001)
    registry.add_user("5001-BJO", "5001", Role.USER)
    wrong = {"username": "5001-BJO", "password": "guess"}
    right = {"username": "5001-BJO", "password": PASSWORD}
    codes = [_from(registry, "127.0.0.2", "/v1/token", wrong)[0] for _ in range(6)]
    assert codes[-1] == 429  # the stranger is locked out
    assert _from(registry, "127.0.0.2", "/v1/token", right)[0] == 429  # from there, even right
    assert _from(registry, "127.0.0.3", "/v1/token", right)[0] == 200  # the owner is not


def test_machine_tokens_need_a_person_and_the_password_again(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts, "FAILURE_DELAY", 0.001)
    registry.add_user("5001-cron", "5001", Role.TRANSFER)
    session = registry.token("5001-cron")
    url = "/v1/tokens"
    # Without the password (a stolen session cannot do it), with a wrong one: refused.
    assert _from(registry, "127.0.0.1", url, {"name": "n"}, session)[0] == 422
    status, _ = _from(registry, "127.0.0.1", url, {"name": "n", "password": "x"}, session)
    assert status == 403  # the session is fine (not 401); the password is not
    # Past the registry's longest lifetime (365 days unless its operator chose otherwise).
    too_long = {"name": "n", "days": 366, "password": PASSWORD}
    status, problem = _from(registry, "127.0.0.1", url, too_long, session)
    assert (status, problem["detail"]) == (
        422,
        "a machine token lives at most 365 days at this registry",
    )
    status, made = _from(registry, "127.0.0.1", url, {"name": "n", "password": PASSWORD}, session)
    assert status == 200
    # Days left out: as long as the registry allows.
    expires = dt.datetime.fromisoformat(made["expires_at"].replace("Z", "+00:00"))
    assert 364 <= (expires - dt.datetime.now(dt.UTC)).days <= 365
    # A machine token cannot make tokens, even with the password.
    again = {"name": "m", "password": PASSWORD}
    status, problem = _from(registry, "127.0.0.1", url, again, made["access_token"])
    assert status == 403
    assert "machine token" in problem["detail"]
    # Wrong passwords on re-authentication count and lock out like logins.
    codes = [
        _from(registry, "127.0.0.4", url, {"name": "n", "password": "x"}, session)[0]
        for _ in range(accounts.FREE_FAILURES + 1)
    ]
    assert codes[-1] == 429


def test_usernames_are_unique_whatever_their_case(registry: Registry) -> None:
    registry.add_user("5001-admin", "5001", Role.SUPERUSER)
    admin = registry.login("5001-admin")
    made = admin.post(
        f"{registry.url}/v1/users",
        json={"username": "5001-user", "password": "long-enough-1"},
        timeout=10,
    )
    assert made.status_code == 201
    twin = admin.post(
        f"{registry.url}/v1/users",
        json={"username": "5001-USER", "password": "long-enough-1"},
        timeout=10,
    )
    assert twin.status_code == 409
    # The database holds it too, whoever writes.
    with pytest.raises(UsernameTaken):
        registry.add_user("5001-User", "5001", Role.USER)


def test_a_registry_holding_two_names_of_one_case_stops_at_the_upgrade_naming_why(
    registry_database: str,
) -> None:
    from nir_cli.core.errors import NirError
    from nir_cli.registry.storage.opening import is_postgres, open_storage

    conn = old_registry(registry_database, upto=3)
    mark = "%s" if is_postgres(registry_database) else "?"
    for name in ("5001-user", "5001-USER"):
        conn.execute(
            "INSERT INTO users (username, municipality, place, role, password_hash, created_at) "
            f"VALUES ({mark}, '5001', NULL, 'user', 'x', '2026-11-01T00:00:00Z')",
            (name,),
        )
    conn.close()
    with pytest.raises(NirError, match="users_username_differs_in_more_than_case"):
        open_storage(registry_database).close()


def test_a_machine_token_made_for_longer_than_the_registry_allows_now_ends_at_its_limit(
    registry: Registry,
) -> None:
    """Tokens made before the limit (or under a looser one) live no longer than it allows."""
    registry.add_user("5001-cron", "5001", Role.TRANSFER)
    with registry.db.session() as store:
        old, _ = accounts.issue_token(store, "5001-cron", "machine", "old", dt.timedelta(days=3650))
        young, _ = accounts.issue_token(
            store, "5001-cron", "machine", "young", dt.timedelta(days=3650)
        )
        long_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=400)).strftime("%Y-%m-%dT%H:%M:%SZ")
        with store.write() as conn:
            conn.execute("UPDATE tokens SET created_at = ? WHERE name = 'old'", (long_ago,))

    def me(token: str) -> int:
        return requests.get(
            f"{registry.url}/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=10
        ).status_code

    assert me(old) == 401
    assert me(young) == 200
