"""Memory before authentication, against the real `nir registry serve` process on both
storages: 30 held-open 15 MiB uploads without a token, then 30 with one; the server's resident
memory (from /proc) and a health check's latency while they are held, and after they are gone.
A 1 GB chunked upload is refused without being drained; a body cut off by a disconnect never
reaches the app."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from nir_cli.registry.server import init_admin, start_process
from tests.registry.conftest import PASSWORD, batch, free_port, person_record

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the server's memory from /proc"
)

UPLOADS = 30
UPLOAD_BYTES = 15 * 1024 * 1024
MIB = 1024 * 1024


@pytest.fixture
def served(registry_database: str, tmp_path: Path) -> Iterator[tuple[str, int, list[str]]]:
    """A registry process: its URL, its pid and the tokens of four users (superusers of four
    municipalities, made the way `nir registry init-admin` makes them)."""
    for code in ("5001", "0301", "4601", "1103"):
        init_admin(registry_database, code, f"{code}-admin", PASSWORD, None)
    port = free_port()
    env = {**os.environ, "NIR_HOME": str(tmp_path / "home")}
    process = start_process(registry_database, port, env)
    url = f"http://127.0.0.1:{port}"
    try:
        tokens = [
            requests.post(
                f"{url}/v1/token",
                json={"username": f"{code}-admin", "password": PASSWORD},
                timeout=30,
            ).json()["access_token"]
            for code in ("5001", "0301", "4601", "1103")
        ]
        yield url, process.pid, tokens
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(30)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def health_ms(url: str) -> float:
    began = time.perf_counter()
    assert requests.get(f"{url}/v1/health", timeout=30).status_code == 200
    return (time.perf_counter() - began) * 1000


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def open_upload(url: str, token: str | None, length: int = UPLOAD_BYTES) -> socket.socket:
    """A POST /v1/batches whose headers say `length` bytes follow; none sent yet."""
    sock = socket.create_connection(("127.0.0.1", _port(url)), timeout=10)
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    sock.sendall(
        (
            f"POST /v1/batches HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length}\r\n{auth}\r\n"
        ).encode()
    )
    return sock


def feed(sock: socket.socket, count: int) -> int:
    """Send up to `count` bytes of body; the bytes sent before the server closed."""
    sent = 0
    chunk = b" " * MIB
    try:
        while sent < count:
            sock.sendall(chunk[: min(MIB, count - sent)])
            sent += min(MIB, count - sent)
    except OSError:  # the server answered and closed: the rest was never read
        pass
    return sent


def status_of(sock: socket.socket, wait: float = 0.5) -> int | None:
    """The status line's code if an answer has come, else None."""
    sock.settimeout(wait)
    try:
        head = sock.recv(64)
    except (TimeoutError, OSError):
        return None
    return int(head.split()[1]) if head.startswith(b"HTTP/1.1") else None


def test_held_open_uploads_cost_the_budget_at_most_and_memory_comes_back(
    served: tuple[str, int, list[str]],
) -> None:
    url, pid, tokens = served
    baseline, quiet_ms = rss_mb(pid), health_ms(url)

    # Without a token: each is answered 401 before a byte of its body is read.
    strangers = [open_upload(url, None) for _ in range(UPLOADS)]
    for sock in strangers:
        feed(sock, MIB)
    answers = [status_of(s, 5) for s in strangers]
    unauthenticated_mb, unauthenticated_ms = rss_mb(pid) - baseline, health_ms(url)
    for sock in strangers:
        sock.close()
    assert answers == [401] * UPLOADS

    # With a token: the process holds at most its budget (64 MiB), one user at most a quarter
    # of it (one 15 MiB body); the rest are told to come back (503) before their bodies are
    # read. The admitted ones are held open, a byte short. Four users take turns.
    uploads = [open_upload(url, tokens[i % 4]) for i in range(UPLOADS)]
    for sock in uploads:
        feed(sock, UPLOAD_BYTES - 1)
    answers = [status_of(s, 1) for s in uploads]
    held_mb, held_ms = rss_mb(pid) - baseline, health_ms(url)
    admitted = answers.count(None)
    for sock in uploads:
        sock.close()
    time.sleep(2)
    after_mb = rss_mb(pid) - baseline

    print(
        f"\nbaseline {baseline:.0f} MB, health {quiet_ms:.1f} ms; {UPLOADS} uploads of 15 MiB "
        f"without a token: +{unauthenticated_mb:.0f} MB, health {unauthenticated_ms:.1f} ms; "
        f"with one: {admitted} admitted, +{held_mb:.0f} MB, health {held_ms:.1f} ms; "
        f"after they closed: +{after_mb:.0f} MB"
    )
    assert unauthenticated_mb < 20
    assert set(answers) <= {None, 503}
    assert admitted == 4  # one each: a user holding its share does not shut the others out
    assert held_mb < 2 * 64 + 20  # the budget, and the buffer's copy as it is handed on
    assert held_ms < 1000
    assert after_mb < 40


def test_a_1_gb_chunked_upload_is_refused_and_not_drained(
    served: tuple[str, int, list[str]],
) -> None:
    url, _pid, (token, *_others) = served
    sock = socket.create_connection(("127.0.0.1", _port(url)), timeout=10)
    sock.sendall(
        (
            "POST /v1/batches HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Transfer-Encoding: chunked\r\nAuthorization: Bearer {token}\r\n\r\n"
        ).encode()
    )
    chunk = f"{MIB:x}\r\n".encode() + b"[" * MIB + b"\r\n"
    sent = 0
    began = time.monotonic()
    with contextlib.suppress(OSError):
        while sent < 1024:
            sock.sendall(chunk)
            sent += 1
    elapsed = time.monotonic() - began
    sock.close()
    assert sent < 64  # the server closed at the limit (16 MiB), give or take socket buffers
    assert elapsed < 10


def test_a_body_cut_off_by_a_disconnect_never_reaches_the_app(
    served: tuple[str, int, list[str]],
) -> None:
    url, _pid, (token, *_others) = served
    record = person_record()
    body = json.dumps(batch(record)).encode()
    sock = socket.create_connection(("127.0.0.1", _port(url)), timeout=10)
    sock.sendall(
        (
            "POST /v1/batches HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Transfer-Encoding: chunked\r\nAuthorization: Bearer {token}\r\n\r\n"
        ).encode()
        + f"{len(body):x}\r\n".encode()
        + body
        + b"\r\n"  # the whole JSON, but not the last chunk: the body has not ended
    )
    time.sleep(0.5)
    sock.close()
    time.sleep(0.5)
    answer = requests.get(
        f"{url}/v1/records/{record['id']}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert answer.status_code == 404
