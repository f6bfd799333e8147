"""Logins, tokens, expiry, revocation and throttling."""

from __future__ import annotations

import pytest
import requests

from nir_cli.registry import accounts
from nir_cli.wire import Role
from tests.registry.conftest import PASSWORD, Registry


def test_tokens_are_stored_hashed(registry: Registry) -> None:
    registry.add_user("5001-BJO", "5001", Role.USER)
    token = registry.login("5001-BJO").headers["Authorization"].split()[1]
    with registry.db.session() as store:
        rows = store.query("SELECT token_hash FROM tokens")
        passwords = store.query("SELECT password_hash FROM users")
    assert rows == [{"token_hash": accounts.hash_token(token)}]
    assert passwords[0]["password_hash"].startswith("$argon2id$")


def test_logout_revokes(registry: Registry) -> None:
    registry.add_user("5001-BJO", "5001", Role.USER)
    s = registry.login("5001-BJO")
    assert s.post(f"{registry.url}/v1/logout", timeout=10).status_code == 204
    assert s.get(f"{registry.url}/v1/me", timeout=10).status_code == 401


def test_machine_tokens_are_named_listed_replaced_and_revoked(registry: Registry) -> None:
    registry.add_user("5001-cron", "5001", Role.TRANSFER)
    s = registry.login("5001-cron")
    first = s.post(
        f"{registry.url}/v1/tokens", json={"name": "nightly", "days": 30}, timeout=10
    ).json()["access_token"]
    second = s.post(f"{registry.url}/v1/tokens", json={"name": "nightly"}, timeout=10).json()[
        "access_token"
    ]

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
