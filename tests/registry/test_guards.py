"""The registry's guards, each tried the way an attacker or a careless client would: who may
manage whom, sessions that end, logins under attack, limits before work, typed bodies, and
answers that never echo personal data. docs/registry.md's threat model names these tests."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from fastapi.testclient import TestClient

from nir_cli.registry import accounts
from nir_cli.registry.app import create_app
from nir_cli.registry.limits import LOGIN_BURST, MAX_BODY_BYTES, LoginLimiter, client_address
from nir_cli.registry.roles import RANK
from nir_cli.registry.server import Guards
from nir_cli.wire import Role
from tests.registry.conftest import (
    PASSWORD,
    Registry,
    batch,
    new_id,
    person_record,
    run_registry,
)

SYNTHETIC_FNR = "15819000066"  # valid check digits, month + 80
SPACED_FNR = f"{SYNTHETIC_FNR[:6]} {SYNTHETIC_FNR[6:]}"  # as people write it
ROLES = list(Role)
ACTIONS = ["disable", "reset-password", "set-role"]


@pytest.fixture(scope="module")
def world(module_registry_database: str) -> Iterator[dict[str, Any]]:
    """One logged-in actor per role in 5001, a limiter that never gets in the way."""
    for live in run_registry(module_registry_database):
        live.app.state.login_limiter.__init__(burst=10_000, per_second=10_000.0)
        sessions = {}
        for role in ROLES:
            name = f"5001-actor-{role.value}"
            live.add_user(name, "5001", role)
            sessions[role] = live.login(name)
        yield {"registry": live, "sessions": sessions}


def allowed(actor: Role, target: Role, new_role: Role | None = None) -> bool:
    if actor not in (Role.SUPERUSER, Role.DEPUTY):
        return False
    return all(RANK[r] < RANK[actor] for r in (target, new_role) if r is not None)


@pytest.mark.parametrize("municipality", ["5001", "0301"])
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("target", ROLES)
@pytest.mark.parametrize("actor", ROLES)
def test_a_user_manages_only_users_strictly_below_it_in_its_municipality(
    world: dict[str, Any], actor: Role, target: Role, action: str, municipality: str
) -> None:
    live: Registry = world["registry"]
    name = f"{municipality}-t-{actor.value}-{target.value}-{action}"
    live.add_user(name, municipality, target)
    s = world["sessions"][actor]
    url = f"{live.url}/v1/users/{name}/{'role' if action == 'set-role' else action}"
    body = {"disable": None, "reset-password": {"password": "another-long-1"}}.get(
        action, {"role": Role.TRANSFER.value}
    )
    answer = s.post(url, json=body, timeout=10)
    if actor not in (Role.SUPERUSER, Role.DEPUTY):
        assert answer.status_code == 403
    elif municipality != "5001":
        assert answer.status_code == 404  # another municipality's users do not exist here
    elif allowed(actor, target, Role.TRANSFER if action == "set-role" else None):
        assert answer.status_code == 200, answer.text
    else:
        assert answer.status_code == 403, answer.text


@pytest.mark.parametrize("new", ROLES)
@pytest.mark.parametrize("actor", ROLES)
def test_a_user_creates_only_roles_strictly_below_its_own(
    world: dict[str, Any], actor: Role, new: Role
) -> None:
    live: Registry = world["registry"]
    answer = world["sessions"][actor].post(
        f"{live.url}/v1/users",
        json={
            "username": f"5001-new-{actor.value}-{new.value}",
            "password": "long-enough-1",
            "role": new.value,
        },
        timeout=10,
    )
    assert answer.status_code == (201 if allowed(actor, new) else 403), answer.text


def test_nobody_raises_their_own_role_or_manages_themselves(world: dict[str, Any]) -> None:
    live: Registry = world["registry"]
    for role in (Role.DEPUTY, Role.SUPERUSER):
        s = world["sessions"][role]
        me = f"5001-actor-{role.value}"
        assert (
            s.post(
                f"{live.url}/v1/users/{me}/role", json={"role": "superuser"}, timeout=10
            ).status_code
            == 403
        )
        assert (
            s.post(
                f"{live.url}/v1/users/{me}/reset-password",
                json={"password": "another-long-1"},
                timeout=10,
            ).status_code
            == 403
        )


def test_usernames_carry_the_municipality_prefix(world: dict[str, Any]) -> None:
    live: Registry = world["registry"]
    live.add_user("0301-kari", "0301", Role.USER)
    s = world["sessions"][Role.SUPERUSER]
    foreign = s.post(
        f"{live.url}/v1/users",
        json={"username": "0301-kari", "password": "long-enough-1"},
        timeout=10,
    )
    assert foreign.status_code == 422  # never "taken": that would say 0301 has a kari
    assert "taken" not in foreign.text
    assert "start with '5001-'" in foreign.text


@pytest.mark.parametrize("action", ACTIONS)
def test_a_reset_a_disable_or_a_new_role_ends_every_token_of_the_user(
    world: dict[str, Any], action: str
) -> None:
    live: Registry = world["registry"]
    name = f"5001-victim-{action}"
    live.add_user(name, "5001", Role.USER)
    session = live.login(name)
    machine = session.post(
        f"{live.url}/v1/tokens",
        json={"name": "nightly", "days": 30, "password": PASSWORD},
        timeout=10,
    ).json()["access_token"]
    assert session.get(f"{live.url}/v1/me", timeout=10).status_code == 200
    admin = world["sessions"][Role.SUPERUSER]
    url = f"{live.url}/v1/users/{name}/{'role' if action == 'set-role' else action}"
    body = {"disable": None, "reset-password": {"password": "another-long-1"}}.get(
        action, {"role": "transfer"}
    )
    assert admin.post(url, json=body, timeout=10).status_code == 200
    assert session.get(f"{live.url}/v1/me", timeout=10).status_code == 401
    headers = {"Authorization": f"Bearer {machine}"}
    assert requests.get(f"{live.url}/v1/me", headers=headers, timeout=10).status_code == 401


# -- logins under attack ---------------------------------------------------------------------


@pytest.fixture
def open_registry(registry_database: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Registry]:
    monkeypatch.setattr(accounts, "FAILURE_DELAY", 0.001)
    for live in run_registry(registry_database):
        live.app.state.login_limiter.__init__(burst=10_000, per_second=10_000.0, slots=4)
        yield live


def _login(live: Registry, username: str, password: str) -> requests.Response:
    return requests.post(
        f"{live.url}/v1/token", json={"username": username, "password": password}, timeout=30
    )


def test_forty_wrong_logins_at_once_lock_the_account(open_registry: Registry) -> None:
    open_registry.add_user("5001-bjo", "5001", Role.USER)
    with ThreadPoolExecutor(40) as pool:
        codes = list(
            pool.map(lambda _: _login(open_registry, "5001-bjo", "wrong").status_code, range(40))
        )
    assert set(codes) <= {401, 429}
    assert codes.count(401) <= 40
    with open_registry.db.session() as store:
        row = store.one("SELECT failures, locked_until FROM login_attempts")
    assert row is not None
    assert row["failures"] == codes.count(401)  # every failure counted, none lost to a race
    assert row["locked_until"] is not None
    right = _login(open_registry, "5001-bjo", PASSWORD)
    assert right.status_code == 429  # the right password, during the lock-out
    assert int(right.headers["Retry-After"]) >= 1


def test_an_unknown_user_and_a_wrong_password_answer_alike_and_lock_alike(
    open_registry: Registry,
) -> None:
    open_registry.add_user("5001-bjo", "5001", Role.USER)
    timings: dict[str, list[float]] = {"5001-bjo": [], "5001-nobody": []}
    answers = {}
    for _ in range(accounts.FREE_FAILURES):
        for name in timings:
            start = time.monotonic()
            answer = _login(open_registry, name, "wrong")
            timings[name].append(time.monotonic() - start)
            answers[name] = (answer.status_code, answer.json())
    assert (
        answers["5001-bjo"]
        == answers["5001-nobody"]
        == (401, {"detail": "wrong username or password"})
    )
    # The same argon2 work: the unknown name is not answered faster.
    known, unknown = sorted(timings["5001-bjo"])[2], sorted(timings["5001-nobody"])[2]
    assert unknown > known * 0.5
    for name in timings:  # both locked out now
        assert _login(open_registry, name, "wrong").status_code == 429


def test_logins_are_limited_per_address(registry_database: str) -> None:
    for live in run_registry(registry_database):
        live.app.state.login_limiter.__init__(burst=5, per_second=0.05)
        codes = [_login(live, f"5001-u{n}", "x").status_code for n in range(8)]
        assert codes[:5] == [401] * 5
        assert set(codes[5:]) == {429}
        again = _login(live, "5001-u9", "x")
        assert 1 <= int(again.headers["Retry-After"]) <= 21


@pytest.mark.parametrize("behind_a_proxy", [False, True])
def test_forwarded_addresses_are_believed_only_from_the_proxies_named(
    registry_database: str, behind_a_proxy: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By default a client is its connection's address, whatever X-Forwarded-For says, so a
    local process cannot split the per-address login limit by naming other addresses; with
    `serve --proxy-headers --forwarded-allow-ips 127.0.0.1` the proxy's word is taken."""
    monkeypatch.setattr(accounts, "FAILURE_DELAY", 0.001)
    guards = Guards(proxy_headers=True, forwarded_allow_ips="127.0.0.1") if behind_a_proxy else None
    for live in run_registry(registry_database, guards=guards):
        codes = [
            requests.post(
                f"{live.url}/v1/token",
                json={"username": f"5001-nobody-{i}", "password": "x"},
                headers={"X-Forwarded-For": f"203.0.113.{i}"},
                timeout=30,
            ).status_code
            for i in range(LOGIN_BURST + 10)
        ]
        if behind_a_proxy:
            assert set(codes) == {401}  # each forwarded address its own budget
        else:
            assert codes[-1] == 429  # one address: the connection's


def test_forwarded_headers_not_believed_are_said_once_in_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Behind a proxy without --proxy-headers every client is the proxy's address: the
    registry says so once, not on every request."""
    app = create_app(tmp_path / "registry.db")
    with TestClient(app) as client, caplog.at_level("WARNING", logger="nir_cli.registry"):
        client.get("/v1/health")
        assert not [r for r in caplog.records if "X-Forwarded-For" in r.getMessage()]
        for n in range(3):
            client.get("/v1/health", headers={"X-Forwarded-For": f"203.0.113.{n}"})
    said = [r for r in caplog.records if "X-Forwarded-For" in r.getMessage()]
    assert len(said) == 1
    assert "--proxy-headers" in said[0].getMessage()
    believed = create_app(tmp_path / "other.db", forwarded_believed=True)
    caplog.clear()
    with TestClient(believed) as client, caplog.at_level("WARNING", logger="nir_cli.registry"):
        client.get("/v1/health", headers={"X-Forwarded-For": "203.0.113.9"})
    assert not [r for r in caplog.records if "X-Forwarded-For" in r.getMessage()]


def test_believing_every_address_is_refused(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from nir_cli.cli import cli

    answer = CliRunner().invoke(
        cli,
        ["registry", "serve", "--db", str(tmp_path / "r.db"), "--proxy-headers",
         "--forwarded-allow-ips", "127.0.0.1,*"],
    )  # fmt: skip
    assert answer.exit_code == 2, answer.output
    assert "--forwarded-allow-ips 127.0.0.1" in answer.output
    assert not (tmp_path / "r.db").exists()


def test_ipv6_clients_are_counted_by_their_64() -> None:
    assert client_address("2001:db8:1:2::5") == client_address("2001:db8:1:2:ffff::9")
    assert client_address("2001:db8:1:3::5") != client_address("2001:db8:1:2::5")
    assert client_address("::ffff:192.0.2.7") == "192.0.2.7"


def test_the_limiter_forgets_the_oldest_addresses() -> None:
    limiter = LoginLimiter(burst=1, per_second=0.001)
    assert limiter.allow("10.0.0.1") is None
    assert limiter.allow("10.0.0.1") is not None
    assert limiter.allow("10.0.0.2") is None


# -- limits before work ----------------------------------------------------------------------


def _raw_post(
    url: str, headers: dict[str, str] | list[tuple[str, str]], body: bytes = b""
) -> tuple[int, bytes]:
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.putrequest("POST", "/v1/batches")
        for name, value in headers.items() if isinstance(headers, dict) else headers:
            conn.putheader(name, value)
        conn.endheaders()
        if body:
            conn.send(body)
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


def test_a_1_gb_body_is_413_before_it_is_read_or_anyone_is_authenticated(
    registry: Registry,
) -> None:
    start = time.monotonic()
    status, body = _raw_post(
        registry.url, {"Content-Length": str(10**9), "Content-Type": "application/json"}
    )
    assert status == 413  # no token was sent: refused before authentication
    assert time.monotonic() - start < 5
    assert b"larger than" in body


def test_two_authorization_headers_are_neither_believed(registry: Registry) -> None:
    """Parts that read the first and parts that read the last would see different callers:
    a request with two is refused before its body, whichever of them is valid."""
    token = f"Bearer {registry.token(_user(registry))}"
    body = json.dumps(batch(person_record())).encode()
    common = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    status, _answer = _raw_post(registry.url, [("Authorization", token), *common], body)
    assert status == 200
    for twice in ([token, "Bearer nonsense"], ["Bearer nonsense", token], [token, token]):
        headers = [("Authorization", value) for value in twice]
        status, answer = _raw_post(registry.url, [*headers, *common], body)
        assert status == 401, answer


def test_a_chunked_body_past_the_limit_is_413_with_memory_bounded(registry: Registry) -> None:
    """Without a token, a chunked body is refused (401) before a byte of it is read; with one,
    it is read only up to the limit, then refused (413) and the connection closed."""
    import resource

    chunk = b"[" * (1024 * 1024)

    def chunks() -> Iterator[bytes]:
        for _ in range(MAX_BODY_BYTES // len(chunk) + 8):
            yield chunk

    def send(session: requests.Session) -> int:
        try:
            answer = session.post(
                f"{registry.url}/v1/batches",
                data=chunks(),
                timeout=60,
                headers={"Content-Type": "application/json"},
            )
        except requests.ConnectionError:  # the registry answered and closed while we sent
            return 0
        return answer.status_code

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert send(requests.Session()) in (401, 0)
    assert send(registry.login(_user(registry))) in (413, 0)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 3 * MAX_BODY_BYTES / 2**20  # held at most the limit, not the stream


def test_deeply_nested_json_is_refused_not_a_crash(registry: Registry) -> None:
    session = registry.login(_user(registry))
    record = json.dumps(person_record())
    deep = '{"a":' * 5000 + "null" + "}" * 5000
    body = json.dumps(batch()).replace(
        '"records": []', f'"records": [{record[:-1]}, "nested": {deep}}}]'
    )
    answer = session.post(
        f"{registry.url}/v1/batches",
        data=body,
        timeout=30,
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 422  # refused whole: nesting past what the parser takes


# -- typed, normalised bodies ----------------------------------------------------------------


def _user(live: Registry) -> str:
    name = f"5001-sync-{new_id()[:8]}"
    live.add_user(name, "5001", Role.TRANSFER)
    return name


def test_a_number_where_a_date_belongs_is_a_rejection_never_stored_never_a_500(
    registry: Registry,
) -> None:
    session = registry.login(_user(registry))
    bad = person_record(birth_date=19750311)
    first = session.post(f"{registry.url}/v1/batches", json=batch(bad), timeout=10)
    assert first.status_code == 200
    result = first.json()["results"][0]
    assert (result["status"], result["error"]["field"]) == ("rejected", "birth_date")
    assert "19750311" not in first.text
    good = person_record(birth_date="11.03.1975", duf="2002 0570 5502")
    later = session.post(f"{registry.url}/v1/batches", json=batch(good), timeout=10)
    assert later.json()["results"][0]["status"] == "accepted"  # nothing was poisoned
    stored = session.get(f"{registry.url}/v1/records/{good['id']}", timeout=10).json()["body"]
    assert stored["birth_date"] == "1975-03-11"  # normalised: a date, not the text sent
    assert stored["duf"] == "200205705502"
    early = {
        "entity": "registration",
        "id": new_id(),
        "version": 1,
        "person_id": good["id"],
        "body": {"kind": "claim", "fact_date": "1974-01-01", "scheme": "training"},
    }
    answer = session.post(f"{registry.url}/v1/batches", json=batch(early), timeout=10).json()
    assert answer["results"][0]["error"]["field"] == "fact_date"  # compared as dates


def test_unknown_fields_and_malformed_ids_are_refused(registry: Registry) -> None:
    session = registry.login(_user(registry))
    extra = person_record(shoe_size=44)
    result = session.post(f"{registry.url}/v1/batches", json=batch(extra), timeout=10).json()
    assert result["results"][0]["status"] == "rejected"
    wrong_id = person_record()
    wrong_id["person_id"] = "../../etc/passwd"
    assert (
        session.post(f"{registry.url}/v1/batches", json=batch(wrong_id), timeout=10).status_code
        == 422
    )
    other = person_record()
    other["person_id"] = new_id()
    result = session.post(f"{registry.url}/v1/batches", json=batch(other), timeout=10).json()
    assert result["results"][0]["error"]["field"] == "person_id"


def test_no_answer_echoes_a_personal_number_sent_in_any_field(registry: Registry) -> None:
    session = registry.login(_user(registry))
    person = person_record()
    fields = [*person["body"], "nickname"]
    answers = []
    for name in fields:
        record = person_record(**_keyed(name, SYNTHETIC_FNR))
        answers.append(session.post(f"{registry.url}/v1/batches", json=batch(record), timeout=10))
    kinds = {
        "claim": {"scheme": SYNTHETIC_FNR},
        "hours": {"period": SYNTHETIC_FNR, "norwegian_hours": SYNTHETIC_FNR},
        "test-result": {"test": SYNTHETIC_FNR, "reading": SYNTHETIC_FNR},
        SYNTHETIC_FNR: {},
    }
    for kind, body in kinds.items():
        record = {
            "entity": "registration",
            "id": new_id(),
            "version": 1,
            "person_id": person["id"],
            "body": {"kind": kind, "fact_date": SYNTHETIC_FNR, **body},
            "withdrawn_reason": SYNTHETIC_FNR,
        }
        answers.append(session.post(f"{registry.url}/v1/batches", json=batch(record), timeout=10))
    whole = person_record()
    whole["id"] = SYNTHETIC_FNR
    answers.append(session.post(f"{registry.url}/v1/batches", json=batch(whole), timeout=10))
    answers.append(
        session.post(
            f"{registry.url}/v1/batches",
            json=batch(person_record(), key=SYNTHETIC_FNR * 2),
            timeout=10,
        )
    )
    for answer in answers:
        assert answer.status_code < 500
        assert SYNTHETIC_FNR not in answer.text, answer.text


def _keyed(key: str, value: Any) -> dict[str, Any]:
    """A body field named by `key` (a number, as an attacker would send it)."""
    return {key: value}


def test_no_answer_echoes_a_personal_number_sent_as_a_key_anywhere(registry: Registry) -> None:
    """A number as a JSON key: in a person's body, a registration's body (per-record
    rejections, `field`), on a record and on the batch itself (422s, `loc`), in the login and
    in a query; and as a path. Every answer keeps one shape and masks the number."""
    session = registry.login(_user(registry))
    person = person_record()
    url = f"{registry.url}/v1/batches"
    claim = {
        "entity": "registration", "id": new_id(), "version": 1, "person_id": person["id"],
        "body": {"kind": "claim", "fact_date": "2025-07-01", "scheme": "training",
                 SYNTHETIC_FNR: 1},
    }  # fmt: skip
    answers = [
        session.post(url, json=batch(person_record(**_keyed(SYNTHETIC_FNR, "x"))), timeout=10),
        session.post(url, json=batch(person, claim), timeout=10),
        session.post(url, json=batch(person_record(**_keyed(SPACED_FNR, "x"))), timeout=10),
        session.post(url, json={**batch(person_record()), SPACED_FNR: [1]}, timeout=10),
        session.post(url, json=batch({**person_record(), SYNTHETIC_FNR: 1}), timeout=10),
        session.post(url, json={**batch(person_record()), SYNTHETIC_FNR: [1]}, timeout=10),
        session.post(url, json={"records": {SYNTHETIC_FNR: 1}}, timeout=10),
        requests.post(
            f"{registry.url}/v1/token",
            json={"username": "x", "password": "y", SYNTHETIC_FNR: 1},
            timeout=10,
        ),
        session.get(
            f"{registry.url}/v1/changes", params={"after": f"{SYNTHETIC_FNR}x"}, timeout=10
        ),
        session.get(f"{registry.url}/v1/records/{SYNTHETIC_FNR}", timeout=10),
        session.post(f"{registry.url}/v1/users/{SYNTHETIC_FNR}/role", json={}, timeout=10),
    ]
    fields = [r["error"]["field"] for r in answers[0].json()["results"]]
    assert fields
    assert all("*****" in f for f in fields), fields
    for answer in answers:
        assert answer.status_code < 500
        assert SYNTHETIC_FNR not in answer.text, answer.text
        assert SPACED_FNR not in answer.text, answer.text
        assert SYNTHETIC_FNR[6:] not in answer.text, answer.text
        if answer.status_code >= 400:
            body = answer.json()
            assert isinstance(body["detail"], str), body
            assert set(body) <= {"detail", "errors"}, body
    unreadable = [a.json() for a in answers if a.status_code == 422]
    assert unreadable
    assert all(p["errors"] for p in unreadable)
    assert any("*****" in str(p["errors"]) for p in unreadable)


# -- docs endpoints --------------------------------------------------------------------------


@pytest.mark.parametrize("docs", [False, True])
def test_docs_endpoints_are_served_only_when_asked(tmp_path: Path, docs: bool) -> None:
    app = create_app(tmp_path / "registry.db", docs=docs)
    with TestClient(app) as client:
        for path in ("/docs", "/redoc", "/openapi.json"):
            assert client.get(path).status_code == (200 if docs else 404), path


def test_a_reset_during_a_running_sync_stops_it_with_exit_4(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sync's token ends when an administrator resets the password: the next request is
    refused, and nir sync says so and exits 4."""
    from click.testing import CliRunner

    from nir_cli.cli import cli

    monkeypatch.setenv("NIR_HOME", str(tmp_path / "home"))
    name = _user(registry)
    registry.add_user("5001-admin", "5001", Role.SUPERUSER)
    token = registry.token(name)
    monkeypatch.setenv("NIR_TOKEN", token)
    runner = CliRunner()
    made = runner.invoke(
        cli, ["init", "-m", "5001", "--environment", "test", "--registry", registry.url]
    )
    assert made.exit_code == 0
    persons = Path(__file__).resolve().parents[2] / "examples" / "deltakere.csv"
    assert runner.invoke(cli, ["import", str(persons)]).exit_code == 0
    reset = threading.Event()

    def reset_now() -> None:
        registry.login("5001-admin").post(
            f"{registry.url}/v1/users/{name}/reset-password",
            json={"password": "another-long-1"},
            timeout=10,
        )
        reset.set()

    from nir_cli.sync import push

    original = push.push

    def push_then_reset(*args: Any, **kwargs: Any) -> Any:
        reset_now()  # between the run's start and its first batch
        return original(*args, **kwargs)

    monkeypatch.setattr("nir_cli.sync.engine.push_outbox", push_then_reset)
    result = runner.invoke(cli, ["sync"])
    assert reset.is_set()
    assert result.exit_code == 4
    assert "was revoked" in result.stderr


def test_the_contract_types_every_body_by_entity_and_kind() -> None:
    from nir_cli.domain.enums import Kind
    from nir_cli.registry.openapi import document

    schemas = document()["components"]["schemas"]
    body = schemas["RecordIn"]["properties"]["body"]
    assert [ref["$ref"].rsplit("/", 1)[1] for ref in body["oneOf"]] == [
        "PersonData",
        "RegistrationBody",
    ]
    mapping = schemas["RegistrationBody"]["discriminator"]["mapping"]
    assert set(mapping) == {kind.value for kind in Kind}
    for ref in mapping.values():
        schema = schemas[ref.rsplit("/", 1)[1]]
        assert schema["additionalProperties"] is False
        assert "kind" in schema["required"]
    assert schemas["PersonData"]["properties"]["birth_date"]["format"] == "date"
